using System;
using System.Threading;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// A sleeping, exclusive, non-recursive lock owned by the thread that takes it: the kernel's
    /// <c>struct mutex</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="Lock"/> is <c>mutex_lock</c>, <see cref="LockNested"/> is <c>mutex_lock_nested</c>,
    /// <see cref="TryLock"/> is <c>mutex_trylock</c>, <see cref="Unlock"/> is <c>mutex_unlock</c> and
    /// <see cref="IsLocked"/> is <c>mutex_is_locked</c>. Prefer <c>using (m.Guard())</c>, which is
    /// <c>guard(mutex)</c>.
    /// </para>
    /// <para>
    /// Like the kernel's mutex it spins briefly while the owner runs, then sleeps; a waiter that was woken
    /// and still lost the lock to a newcomer asks for a handoff, and the next unlock gives the mutex
    /// straight to it, so no waiter starves however hot the lock is.
    /// </para>
    /// <para>
    /// Waiting is uninterruptible, as <c>mutex_lock</c>'s is: a <see cref="Thread.Interrupt"/> that arrives
    /// meanwhile does not abort it, and is delivered at the thread's next blocking call instead.
    /// </para>
    /// <para>
    /// The lock class of an instance is the member that declares it, or its <see cref="LockClassAttribute"/>.
    /// </para>
    /// </remarks>
    public sealed class KMutex
    {
        // lockdep's MAX_LOCKDEP_SUBCLASSES.
        private const int SubclassCount = 8;

        private readonly object _gate = new object();

        // Managed thread id of the owner; 0 when unlocked. Ids are never 0.
        private int _owner;

        // Threads inside the sleeping part of Lock; Unlock takes _gate only when there are some.
        private int _waiters;

        // A starved waiter's id: the next unlock passes ownership to it instead of releasing.
        private int _handoff;

        /// <summary>Creates an unlocked mutex (<c>mutex_init</c>).</summary>
        public KMutex()
        {
        }

        /// <summary>Whether some thread holds the mutex (<c>mutex_is_locked</c>); a snapshot that may change at once.</summary>
        public bool IsLocked => Volatile.Read(ref _owner) != 0;

        /// <summary>Whether the calling thread holds the mutex (<c>lockdep_is_held</c> for its owner).</summary>
        public bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

        /// <summary>Acquires the mutex, sleeping until it is free (<c>mutex_lock</c>).</summary>
        /// <exception cref="LockRecursionException">
        /// The calling thread already holds it. The kernel would deadlock here, waiting for itself; this
        /// throws instead so the bug surfaces.
        /// </exception>
        public void Lock()
        {
            int self = Environment.CurrentManagedThreadId;
            if (Interlocked.CompareExchange(ref _owner, self, 0) != 0)
            {
                LockContended(self);
            }
        }

        /// <summary>
        /// Acquires the mutex like <see cref="Lock"/>, telling the lock validator that this is a nested
        /// instance of the same class, taken in a known order (<c>mutex_lock_nested</c>, for example a
        /// parent's then a child's).
        /// </summary>
        /// <param name="subclass">The nesting level, 0 to 7; 0 is the same as <see cref="Lock"/>.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="subclass"/> is not in 0..7.</exception>
        /// <exception cref="LockRecursionException">The calling thread already holds this instance.</exception>
        public void LockNested(int subclass)
        {
            if ((uint)subclass >= SubclassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(subclass), subclass, "A lock subclass is 0 to 7, as in lockdep.");
            }

            Lock();
        }

        /// <summary>
        /// Acquires the mutex if it is free, without waiting (<c>mutex_trylock</c>). Returns
        /// <see langword="false"/> when it is held, by the calling thread too.
        /// </summary>
        /// <returns><see langword="true"/> when the calling thread now holds the mutex.</returns>
        public bool TryLock()
        {
            return Interlocked.CompareExchange(ref _owner, Environment.CurrentManagedThreadId, 0) == 0;
        }

        /// <summary>Releases the mutex (<c>mutex_unlock</c>).</summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold it (it is unlocked, or another thread holds it).</exception>
        public void Unlock()
        {
            if (Volatile.Read(ref _owner) != Environment.CurrentManagedThreadId)
            {
                throw new SynchronizationLockException("KMutex unlocked by a thread that does not hold it.");
            }

            Release();
        }

        /// <summary>Acquires the mutex and returns a scope that releases it when disposed (<c>guard(mutex)</c>).</summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        /// <exception cref="LockRecursionException">The calling thread already holds the mutex.</exception>
        public KMutexGuard Guard()
        {
            Lock();
            return new KMutexGuard(this);
        }

        private void LockContended(int self)
        {
            if (Volatile.Read(ref _owner) == self)
            {
                throw new LockRecursionException("KMutex is already held by this thread; mutex_lock would deadlock here.");
            }

            // Optimistic spin (mutex_optimistic_spin): the owner usually releases soon, and a wake-up costs more.
            // Stopping before the spin would yield keeps this phase free of interrupt points.
            var spin = new SpinWait();
            while (!spin.NextSpinWillYield)
            {
                spin.SpinOnce();
                if (Volatile.Read(ref _owner) == 0 && Interlocked.CompareExchange(ref _owner, self, 0) == 0)
                {
                    return;
                }
            }

            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);

            // The increment is a full fence before we read _owner, and Release writes _owner before it reads
            // _waiters: one of us sees the other, so either we take the mutex or Release pulses us.
            Interlocked.Increment(ref _waiters);
            try
            {
                bool woken = false;
                while (true)
                {
                    int owner = Volatile.Read(ref _owner);
                    if (owner == self)
                    {
                        return; // Handed off by Release.
                    }

                    if (owner == 0 && Interlocked.CompareExchange(ref _owner, self, 0) == 0)
                    {
                        if (_handoff == self)
                        {
                            _handoff = 0;
                        }

                        return;
                    }

                    if (woken)
                    {
                        // Woken and beaten by a newcomer (MUTEX_FLAG_HANDOFF): claim the next release.
                        Interlocked.CompareExchange(ref _handoff, self, 0);
                    }

                    Uninterruptible.Wait(_gate, ref interrupted);
                    woken = true;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
                Monitor.Exit(_gate);
                Uninterruptible.Repost(interrupted);
            }
        }

        // The single release path; the caller has checked that this thread owns the mutex.
        private void Release()
        {
            // A Guard() scope's release is not intercepted: tell the lock validator here (a flag check when it is off).
            if (Engine.Active)
            {
                Engine.OnPrimitiveRelease(this);
            }

            bool interrupted = false;
            if (Volatile.Read(ref _handoff) == 0)
            {
                Interlocked.Exchange(ref _owner, 0);
                if (Volatile.Read(ref _waiters) == 0)
                {
                    return;
                }

                Uninterruptible.Enter(_gate, ref interrupted);
                try
                {
                    Monitor.Pulse(_gate);
                }
                finally
                {
                    Monitor.Exit(_gate);
                    Uninterruptible.Repost(interrupted);
                }

                return;
            }

            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                // Ownership goes straight to the starved waiter, so no newcomer can take it in between. Its
                // claim is only ever withdrawn by its own acquisition, which cannot happen while we own the
                // mutex, so the heir read here is the one we saw.
                int heir = _handoff;
                _handoff = 0;
                Volatile.Write(ref _owner, heir);
                Monitor.PulseAll(_gate);
            }
            finally
            {
                Monitor.Exit(_gate);
                Uninterruptible.Repost(interrupted);
            }
        }
    }
}
