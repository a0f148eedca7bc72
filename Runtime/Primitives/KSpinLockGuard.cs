using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KSpinLock.Guard"/>: disposing it unlocks the spinlock.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws (disposed on the wrong thread) leaves the scope as it was. A copy of
    /// the struct is a second handle on the same hold, so do not copy it.
    /// </remarks>
    public struct KSpinLockGuard : IDisposable
    {
        private KSpinLock? _spinLock;

        internal KSpinLockGuard(KSpinLock spinLock)
        {
            _spinLock = spinLock;
        }

        /// <summary>Unlocks the spinlock (<see cref="KSpinLock.Unlock"/>), the first time only.</summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The calling thread does not hold the spinlock.</exception>
        public void Dispose()
        {
            KSpinLock? spinLock = _spinLock;
            if (spinLock is null)
            {
                return;
            }

            spinLock.Unlock();
            _spinLock = null;
        }
    }
}
