using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KRwLock.WriteGuardIrqSave"/>: disposing it releases the write hold
    /// and puts back the IRQ state saved when it was taken.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws leaves the scope as it was. A copy of the struct is a second handle on
    /// the same hold, so do not copy it.
    /// </remarks>
    public struct KRwLockWriteIrqSaveGuard : IDisposable
    {
        private KRwLock? _rwLock;
        private readonly IrqFlags _flags;

        internal KRwLockWriteIrqSaveGuard(KRwLock rwLock, IrqFlags flags)
        {
            _rwLock = rwLock;
            _flags = flags;
        }

        /// <summary>
        /// Releases the hold and restores the saved IRQ state (<see cref="KRwLock.WriteUnlockIrqRestore"/>),
        /// the first time only.
        /// </summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The hold is not there to release.</exception>
        public void Dispose()
        {
            KRwLock? rwLock = _rwLock;
            if (rwLock is null)
            {
                return;
            }

            rwLock.WriteUnlockIrqRestore(_flags);
            _rwLock = null;
        }
    }
}
