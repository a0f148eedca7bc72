using System;
using System.Threading;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// A busy-waiting exclusive lock owned by the thread that takes it, with the kernel's IRQ variants:
    /// the kernel's <c>spinlock_t</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="Lock"/>/<see cref="Unlock"/> are <c>spin_lock</c>/<c>spin_unlock</c>,
    /// <see cref="LockIrq"/>/<see cref="UnlockIrq"/> are <c>spin_lock_irq</c>/<c>spin_unlock_irq</c>,
    /// <see cref="LockIrqSave"/>/<see cref="UnlockIrqRestore"/> are
    /// <c>spin_lock_irqsave</c>/<c>spin_unlock_irqrestore</c>, <see cref="LockBh"/>/<see cref="UnlockBh"/>
    /// are <c>spin_lock_bh</c>/<c>spin_unlock_bh</c>, and <see cref="TryLock"/> is <c>spin_trylock</c>.
    /// The IRQ variants change the calling thread's simulated state in <see cref="Irq"/>.
    /// </para>
    /// <para>
    /// A waiter never blocks in the operating system; it spins, yielding its time slice now and then,
    /// because unlike a kernel spinlock holder a .NET thread can be preempted while it holds the lock.
    /// Hold it only for short, non-sleeping sections, as in the kernel. A <see cref="Thread.Interrupt"/>
    /// does not break the spin; it is delivered at the thread's next blocking call.
    /// </para>
    /// <para>
    /// The lock class of an instance is the member that declares it, or its <see cref="LockClassAttribute"/>.
    /// </para>
    /// </remarks>
    public sealed class KSpinLock
    {
        // Managed thread id of the owner; 0 when unlocked. Ids are never 0.
        private int _owner;

        /// <summary>Creates an unlocked spinlock (<c>spin_lock_init</c>).</summary>
        public KSpinLock()
        {
        }

        /// <summary>Whether some thread holds the lock (<c>spin_is_locked</c>); a snapshot that may change at once.</summary>
        public bool IsLocked => Volatile.Read(ref _owner) != 0;

        /// <summary>Whether the calling thread holds the lock.</summary>
        public bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

        /// <summary>Acquires the lock, spinning until it is free (<c>spin_lock</c>). IRQ state is left as it is.</summary>
        /// <exception cref="LockRecursionException">
        /// The calling thread already holds it. The kernel would spin forever here; this throws instead so
        /// the bug surfaces.
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
        /// Acquires the lock if it is free, without spinning (<c>spin_trylock</c>). Returns
        /// <see langword="false"/> when it is held, by the calling thread too.
        /// </summary>
        /// <returns><see langword="true"/> when the calling thread now holds the lock.</returns>
        public bool TryLock()
        {
            return Interlocked.CompareExchange(ref _owner, Environment.CurrentManagedThreadId, 0) == 0;
        }

        /// <summary>Releases the lock (<c>spin_unlock</c>). IRQ state is left as it is.</summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold it.</exception>
        public void Unlock()
        {
            if (Volatile.Read(ref _owner) != Environment.CurrentManagedThreadId)
            {
                throw new SynchronizationLockException("KSpinLock unlocked by a thread that does not hold it.");
            }

            // Guard scopes and the IRQ variants release through here without interception: tell the lock validator.
            if (Engine.Active)
            {
                Engine.OnPrimitiveRelease(this);
            }

            Volatile.Write(ref _owner, 0);
        }

        /// <summary>
        /// Disables hard IRQs on this thread, then acquires the lock (<c>spin_lock_irq</c>). Use it where IRQs
        /// are known to be enabled; <see cref="UnlockIrq"/> enables them unconditionally.
        /// </summary>
        /// <exception cref="LockRecursionException">The calling thread already holds the lock; IRQ state is left as it was.</exception>
        public void LockIrq()
        {
            LockIrqSave();
        }

        /// <summary>Releases the lock, then enables hard IRQs on this thread (<c>spin_unlock_irq</c>).</summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock; IRQ state is left as it is.</exception>
        public void UnlockIrq()
        {
            Unlock();
            Irq.LocalIrqEnable();
        }

        /// <summary>
        /// Saves the hard-IRQ state, disables hard IRQs, then acquires the lock (<c>spin_lock_irqsave</c>).
        /// Safe whatever the IRQ state, so it is the variant for code that an IRQ handler can also reach.
        /// </summary>
        /// <returns>The state before the call, for <see cref="UnlockIrqRestore"/>.</returns>
        /// <exception cref="LockRecursionException">The calling thread already holds the lock; IRQ state is left as it was.</exception>
        public IrqFlags LockIrqSave()
        {
            IrqFlags flags = Irq.LocalIrqSave();
            try
            {
                Lock();
            }
            catch
            {
                Irq.LocalIrqRestore(flags);
                throw;
            }

            return flags;
        }

        /// <summary>Releases the lock, then puts back the saved hard-IRQ state (<c>spin_unlock_irqrestore</c>).</summary>
        /// <param name="flags">The state returned by the matching <see cref="LockIrqSave"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="flags"/> is <c>default(IrqFlags)</c>; the lock stays held.</exception>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock; IRQ state is left as it is.</exception>
        public void UnlockIrqRestore(IrqFlags flags)
        {
            Irq.CheckSaved(flags, nameof(flags));
            Unlock();
            Irq.LocalIrqRestore(flags);
        }

        /// <summary>Disables soft IRQs on this thread (one level deeper), then acquires the lock (<c>spin_lock_bh</c>).</summary>
        /// <exception cref="LockRecursionException">The calling thread already holds the lock; soft-IRQ state is left as it was.</exception>
        public void LockBh()
        {
            Irq.LocalBhDisable();
            try
            {
                Lock();
            }
            catch
            {
                Irq.LocalBhEnable();
                throw;
            }
        }

        /// <summary>Releases the lock, then undoes one soft-IRQ disable on this thread (<c>spin_unlock_bh</c>).</summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock; soft-IRQ state is left as it is.</exception>
        public void UnlockBh()
        {
            Unlock();
            Irq.LocalBhEnable();
        }

        /// <summary>Acquires the lock and returns a scope that releases it when disposed (<c>guard(spinlock)</c>).</summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        /// <exception cref="LockRecursionException">The calling thread already holds the lock.</exception>
        public KSpinLockGuard Guard()
        {
            Lock();
            return new KSpinLockGuard(this);
        }

        /// <summary>
        /// Acquires the lock as <see cref="LockIrqSave"/> does and returns a scope that releases it and puts
        /// the saved IRQ state back when disposed (<c>guard(spinlock_irqsave)</c>).
        /// </summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        /// <exception cref="LockRecursionException">The calling thread already holds the lock; IRQ state is left as it was.</exception>
        public KSpinLockIrqSaveGuard GuardIrqSave()
        {
            IrqFlags flags = LockIrqSave();
            return new KSpinLockIrqSaveGuard(this, flags);
        }

        private void LockContended(int self)
        {
            if (Volatile.Read(ref _owner) == self)
            {
                throw new LockRecursionException("KSpinLock is already held by this thread; spin_lock would spin forever here.");
            }

            var spin = new SpinWait();
            bool interrupted = false;
            do
            {
                Uninterruptible.SpinOnce(ref spin, ref interrupted);
            }
            while (Volatile.Read(ref _owner) != 0 || Interlocked.CompareExchange(ref _owner, self, 0) != 0);

            Uninterruptible.Repost(interrupted);
        }
    }
}
