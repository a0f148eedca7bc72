namespace LockDiscipline.Validation
{
    /// <summary>One lock a thread or flow holds (lockdep's <c>struct held_lock</c>).</summary>
    internal struct HeldLock
    {
        public LockClass Class;

        /// <summary>The lock object; releases match on it.</summary>
        public object? Instance;

        /// <summary>Where it was acquired.</summary>
        public LockSite Site;

        /// <summary>The chain key before this lock was pushed, restored when it is popped.</summary>
        public ulong PreviousKey;

        /// <summary>The chain key with this lock, when <see cref="ValidatedGeneration"/> says it is known.</summary>
        public ulong Key;

        /// <summary>
        /// What the hook was called with, when the common path wrote the slot: class id, subclass and whether
        /// shared, which determine <see cref="Class"/> and <see cref="ChainId"/>.
        /// </summary>
        public long Call;

        /// <summary>
        /// The chain cache's <see cref="ChainCache.Generation"/> in which the common path found <see cref="Key"/>
        /// validated, for <see cref="PreviousKey"/> and <see cref="Call"/>; 0 when the slot holds no such
        /// fact. A slot keeps it after the release, so that the next hold of the same class on the same chain
        /// in the same place skips the hash and the lookup; every other write to the slot clears it.
        /// </summary>
        public int ValidatedGeneration;

        /// <summary>What it contributes to the chain key: class, read level, re-entry.</summary>
        public uint ChainId;

        /// <summary>0 exclusive, 1 shared, 2 shared and recursive (lockdep's <c>read</c>).</summary>
        public byte Read;

        /// <summary>The IRQ context it was acquired in (see <see cref="ThreadState.Context"/>).</summary>
        public byte Context;

        /// <summary>Acquired by a try operation, which cannot deadlock, so it was not validated.</summary>
        public bool Trylock;

        /// <summary>A re-entry of a Monitor or Lock the thread already held, which does not block either.</summary>
        public bool Reentry;

        /// <summary>Held with hard IRQs disabled.</summary>
        public bool HardIrqsOff;

        /// <summary>
        /// The chain id of a held lock: the class, the read level (which lockdep hashes in too) and whether it
        /// is a re-entry, so that a validated chain of re-entries does not stand for one of distinct instances.
        /// </summary>
        public static uint MakeChainId(LockClass cls, int read, bool reentry) => ((uint)cls.Index << 3) | (uint)read | (reentry ? 4u : 0u);
    }
}
