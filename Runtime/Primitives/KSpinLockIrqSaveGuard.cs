using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KSpinLock.GuardIrqSave"/>: disposing it unlocks the spinlock and
    /// puts back the IRQ state saved when it was taken.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws (disposed on the wrong thread) leaves the scope as it was. A copy of
    /// the struct is a second handle on the same hold, so do not copy it.
    /// </remarks>
    public struct KSpinLockIrqSaveGuard : IDisposable
    {
        private KSpinLock? _spinLock;
        private readonly IrqFlags _flags;

        internal KSpinLockIrqSaveGuard(KSpinLock spinLock, IrqFlags flags)
        {
            _spinLock = spinLock;
            _flags = flags;
        }

        /// <summary>
        /// Unlocks the spinlock and restores the saved IRQ state (<see cref="KSpinLock.UnlockIrqRestore"/>),
        /// the first time only.
        /// </summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The calling thread does not hold the spinlock.</exception>
        public void Dispose()
        {
            KSpinLock? spinLock = _spinLock;
            if (spinLock is null)
            {
                return;
            }

            spinLock.UnlockIrqRestore(_flags);
            _spinLock = null;
        }
    }
}
