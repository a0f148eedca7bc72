using System.Threading;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The keys of the lock chains already validated (lockdep's chain hash): an open-addressing table of
    /// 64-bit keys, read without a lock and written under the graph lock. A key is written only after its
    /// chain has been validated and its dependencies added, so a reader that finds it may skip validation.
    /// Keys are removed only all at once, when a declared lock order makes every chain worth checking again.
    /// </summary>
    internal sealed class ChainCache
    {
        private readonly ulong[] _slots;
        private readonly int _mask;

        public ChainCache(int slots)
        {
            _slots = new ulong[slots];
            _mask = slots - 1;
        }

        /// <summary>Chains stored.</summary>
        public int Count { get; private set; }

        /// <summary>
        /// Starts at 1 and changes when the cache is cleared: a chain known validated in one generation need
        /// not be in the next. Read without a lock, as the keys are.
        /// </summary>
        public volatile int Generation = 1;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool Contains(ulong key)
        {
            ulong[] slots = _slots;
            int i = (int)key & _mask;
            while (true)
            {
                ulong found = Volatile.Read(ref slots[i]);
                if (found == key)
                {
                    return true;
                }

                if (found == 0)
                {
                    return false;
                }

                i = (i + 1) & _mask;
            }
        }

        /// <summary>Stores a key not yet present; the caller holds the graph lock and has checked the capacity.</summary>
        public void Add(ulong key)
        {
            int i = (int)key & _mask;
            while (_slots[i] != 0)
            {
                i = (i + 1) & _mask;
            }

            Volatile.Write(ref _slots[i], key);
            Count++;
        }

        /// <summary>
        /// Forgets every chain, so that each is validated again; the caller holds the graph lock. A reader
        /// that races with it either misses a chain and validates it again (under the graph lock, which
        /// waits for the clearing) or finds it, as it would have a moment before.
        /// </summary>
        public void Clear()
        {
            System.Array.Clear(_slots, 0, _slots.Length);
            Count = 0;
            Generation++;
        }
    }
}
