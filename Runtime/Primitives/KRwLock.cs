using System;
using System.Threading;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// A busy-waiting reader/writer lock with the kernel's IRQ variants: the kernel's <c>rwlock_t</c>. Any
    /// number of readers, or one writer; holding it either way is atomic context.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="ReadLock"/>/<see cref="ReadUnlock"/> are <c>read_lock</c>/<c>read_unlock</c>,
    /// <see cref="WriteLock"/>/<see cref="WriteUnlock"/> are <c>write_lock</c>/<c>write_unlock</c>,
    /// <see cref="TryReadLock"/>/<see cref="TryWriteLock"/> the <c>_trylock</c> forms, and each has the
    /// <c>_irq</c>, <c>_irqsave</c>/<c>_irqrestore</c> and <c>_bh</c> variants of <see cref="KSpinLock"/>,
    /// which change the calling thread's simulated state in <see cref="Irq"/>.
    /// </para>
    /// <para>
    /// Readers are recursive: a reader is admitted whenever no writer holds the lock, even while a writer
    /// waits, so a thread (or an interrupt handler) that already reads can read again. That is how lockdep
    /// models <c>read_lock</c> (a recursive read: a cycle through read acquisitions alone is no deadlock),
    /// and what the queued rwlock guarantees to readers in interrupt context. The price is the one the
    /// kernel pays: a stream of readers can starve a writer.
    /// </para>
    /// <para>
    /// The writer is owned by its thread: only it may <see cref="WriteUnlock"/>. Readers are counted, not
    /// owned. A waiter never blocks in the operating system; it spins, yielding now and then, as
    /// <see cref="KSpinLock"/> does, and a <see cref="Thread.Interrupt"/> is delivered at the thread's next
    /// blocking call.
    /// </para>
    /// <para>
    /// The lock class of an instance is the member that declares it, or its <see cref="LockClassAttribute"/>.
    /// </para>
    /// </remarks>
    public sealed class KRwLock
    {
        private const int WriteLocked = -1;

        // The number of readers holding the lock, or WriteLocked while the writer holds it.
        private int _state;

        // Managed thread id of the writer; 0 when none. Ids are never 0.
        private int _writer;

        /// <summary>Creates an unlocked rwlock (<c>rwlock_init</c>).</summary>
        public KRwLock()
        {
        }

        /// <summary>Whether a writer or any reader holds the lock; a snapshot that may change at once.</summary>
        public bool IsLocked => Volatile.Read(ref _state) != 0;

        /// <summary>Whether some thread holds the lock for writing; a snapshot.</summary>
        public bool IsWriteLocked => Volatile.Read(ref _state) == WriteLocked;

        /// <summary>Whether the calling thread holds the lock for writing.</summary>
        public bool IsWriteHeldByCurrentThread => Volatile.Read(ref _writer) == Environment.CurrentManagedThreadId;

        /// <summary>The number of readers holding the lock; a snapshot.</summary>
        public int ReaderCount => Math.Max(0, Volatile.Read(ref _state));

        /// <summary>Acquires the lock for reading, spinning while a writer holds it (<c>read_lock</c>). IRQ state is left as it is.</summary>
        /// <exception cref="LockRecursionException">The calling thread holds it for writing; the kernel would spin forever here.</exception>
        public void ReadLock()
        {
            if (TryEnterRead())
            {
                return;
            }

            if (IsWriteHeldByCurrentThread)
            {
                throw new LockRecursionException("KRwLock is held for writing by this thread; read_lock would spin forever here.");
            }

            var spin = new SpinWait();
            bool interrupted = false;
            do
            {
                Uninterruptible.SpinOnce(ref spin, ref interrupted);
            }
            while (!TryEnterRead());

            Uninterruptible.Repost(interrupted);
        }

        /// <summary>Acquires the lock for reading if no writer holds it, without spinning (<c>read_trylock</c>).</summary>
        /// <returns><see langword="true"/> when the caller now holds it for reading.</returns>
        public bool TryReadLock() => TryEnterRead();

        /// <summary>Releases one reader (<c>read_unlock</c>). IRQ state is left as it is.</summary>
        /// <exception cref="SynchronizationLockException">No reader holds the lock.</exception>
        public void ReadUnlock()
        {
            int state;
            do
            {
                state = Volatile.Read(ref _state);
                if (state <= 0)
                {
                    throw new SynchronizationLockException("KRwLock.ReadUnlock with no readers holding it.");
                }
            }
            while (Interlocked.CompareExchange(ref _state, state - 1, state) != state);

            Released();
        }

        /// <summary>Acquires the lock for writing, spinning until no reader or writer holds it (<c>write_lock</c>). IRQ state is left as it is.</summary>
        /// <exception cref="LockRecursionException">The calling thread already holds it for writing; the kernel would spin forever here.</exception>
        public void WriteLock()
        {
            int self = Environment.CurrentManagedThreadId;
            if (Interlocked.CompareExchange(ref _state, WriteLocked, 0) != 0)
            {
                if (Volatile.Read(ref _writer) == self)
                {
                    throw new LockRecursionException("KRwLock is already held for writing by this thread; write_lock would spin forever here.");
                }

                var spin = new SpinWait();
                bool interrupted = false;
                do
                {
                    Uninterruptible.SpinOnce(ref spin, ref interrupted);
                }
                while (Volatile.Read(ref _state) != 0 || Interlocked.CompareExchange(ref _state, WriteLocked, 0) != 0);

                Uninterruptible.Repost(interrupted);
            }

            Volatile.Write(ref _writer, self);
        }

        /// <summary>Acquires the lock for writing if nobody holds it, without spinning (<c>write_trylock</c>).</summary>
        /// <returns><see langword="true"/> when the calling thread now holds it for writing.</returns>
        public bool TryWriteLock()
        {
            if (Interlocked.CompareExchange(ref _state, WriteLocked, 0) != 0)
            {
                return false;
            }

            Volatile.Write(ref _writer, Environment.CurrentManagedThreadId);
            return true;
        }

        /// <summary>Releases the writer (<c>write_unlock</c>). IRQ state is left as it is.</summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock for writing.</exception>
        public void WriteUnlock()
        {
            if (!IsWriteHeldByCurrentThread)
            {
                throw new SynchronizationLockException("KRwLock.WriteUnlock by a thread that does not hold it for writing.");
            }

            Released();
            Volatile.Write(ref _writer, 0);
            Volatile.Write(ref _state, 0);
        }

        /// <summary>Disables hard IRQs on this thread, then acquires the lock for reading (<c>read_lock_irq</c>).</summary>
        public void ReadLockIrq() => ReadLockIrqSave();

        /// <summary>Releases one reader, then enables hard IRQs on this thread (<c>read_unlock_irq</c>).</summary>
        public void ReadUnlockIrq()
        {
            ReadUnlock();
            Irq.LocalIrqEnable();
        }

        /// <summary>Saves the hard-IRQ state, disables hard IRQs, then acquires the lock for reading (<c>read_lock_irqsave</c>).</summary>
        /// <returns>The state before the call, for <see cref="ReadUnlockIrqRestore"/>.</returns>
        public IrqFlags ReadLockIrqSave() => WithIrqsSaved(ReadLock);

        /// <summary>Releases one reader, then puts back the saved hard-IRQ state (<c>read_unlock_irqrestore</c>).</summary>
        /// <param name="flags">The state returned by the matching <see cref="ReadLockIrqSave"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="flags"/> is <c>default(IrqFlags)</c>; the lock stays held.</exception>
        public void ReadUnlockIrqRestore(IrqFlags flags)
        {
            Irq.CheckSaved(flags, nameof(flags));
            ReadUnlock();
            Irq.LocalIrqRestore(flags);
        }

        /// <summary>Disables soft IRQs on this thread (one level deeper), then acquires the lock for reading (<c>read_lock_bh</c>).</summary>
        public void ReadLockBh() => WithBhDisabled(ReadLock);

        /// <summary>Releases one reader, then undoes one soft-IRQ disable on this thread (<c>read_unlock_bh</c>).</summary>
        public void ReadUnlockBh()
        {
            ReadUnlock();
            Irq.LocalBhEnable();
        }

        /// <summary>Disables hard IRQs on this thread, then acquires the lock for writing (<c>write_lock_irq</c>).</summary>
        public void WriteLockIrq() => WriteLockIrqSave();

        /// <summary>Releases the writer, then enables hard IRQs on this thread (<c>write_unlock_irq</c>).</summary>
        public void WriteUnlockIrq()
        {
            WriteUnlock();
            Irq.LocalIrqEnable();
        }

        /// <summary>Saves the hard-IRQ state, disables hard IRQs, then acquires the lock for writing (<c>write_lock_irqsave</c>).</summary>
        /// <returns>The state before the call, for <see cref="WriteUnlockIrqRestore"/>.</returns>
        public IrqFlags WriteLockIrqSave() => WithIrqsSaved(WriteLock);

        /// <summary>Releases the writer, then puts back the saved hard-IRQ state (<c>write_unlock_irqrestore</c>).</summary>
        /// <param name="flags">The state returned by the matching <see cref="WriteLockIrqSave"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="flags"/> is <c>default(IrqFlags)</c>; the lock stays held.</exception>
        public void WriteUnlockIrqRestore(IrqFlags flags)
        {
            Irq.CheckSaved(flags, nameof(flags));
            WriteUnlock();
            Irq.LocalIrqRestore(flags);
        }

        /// <summary>Disables soft IRQs on this thread (one level deeper), then acquires the lock for writing (<c>write_lock_bh</c>).</summary>
        public void WriteLockBh() => WithBhDisabled(WriteLock);

        /// <summary>Releases the writer, then undoes one soft-IRQ disable on this thread (<c>write_unlock_bh</c>).</summary>
        public void WriteUnlockBh()
        {
            WriteUnlock();
            Irq.LocalBhEnable();
        }

        /// <summary>Acquires the lock for reading and returns a scope that releases it when disposed (<c>guard(read_lock)</c>).</summary>
        /// <returns>The scope.</returns>
        public KRwLockReadGuard ReadGuard()
        {
            ReadLock();
            return new KRwLockReadGuard(this);
        }

        /// <summary>Acquires the lock for writing and returns a scope that releases it when disposed (<c>guard(write_lock)</c>).</summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        public KRwLockWriteGuard WriteGuard()
        {
            WriteLock();
            return new KRwLockWriteGuard(this);
        }

        /// <summary>
        /// Acquires the lock for reading as <see cref="ReadLockIrqSave"/> does and returns a scope that releases
        /// it and puts the saved IRQ state back when disposed (<c>guard(read_lock_irqsave)</c>).
        /// </summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        public KRwLockReadIrqSaveGuard ReadGuardIrqSave() => new KRwLockReadIrqSaveGuard(this, ReadLockIrqSave());

        /// <summary>
        /// Acquires the lock for writing as <see cref="WriteLockIrqSave"/> does and returns a scope that
        /// releases it and puts the saved IRQ state back when disposed (<c>guard(write_lock_irqsave)</c>).
        /// </summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        public KRwLockWriteIrqSaveGuard WriteGuardIrqSave() => new KRwLockWriteIrqSaveGuard(this, WriteLockIrqSave());

        /// <summary>
        /// The same as <see cref="WriteGuard"/>: the exclusive scope, so that <c>using (x.Guard())</c> means
        /// exclusive access for every kernel-style lock.
        /// </summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        public KRwLockWriteGuard Guard() => WriteGuard();

        private bool TryEnterRead()
        {
            int state;
            while ((state = Volatile.Read(ref _state)) >= 0)
            {
                if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
                {
                    return true;
                }
            }

            return false;
        }

        private static IrqFlags WithIrqsSaved(Action acquire)
        {
            IrqFlags flags = Irq.LocalIrqSave();
            try
            {
                acquire();
            }
            catch
            {
                Irq.LocalIrqRestore(flags);
                throw;
            }

            return flags;
        }

        private static void WithBhDisabled(Action acquire)
        {
            Irq.LocalBhDisable();
            try
            {
                acquire();
            }
            catch
            {
                Irq.LocalBhEnable();
                throw;
            }
        }

        // Guard scopes and the IRQ variants release through here without interception: tell the lock validator.
        private void Released()
        {
            if (Engine.Active)
            {
                Engine.OnPrimitiveRelease(this);
            }
        }
    }
}
