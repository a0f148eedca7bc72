using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KRwLock.ReadGuard"/>: disposing it releases the read hold.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws leaves the scope as it was. A copy of the struct is a second handle on
    /// the same hold, so do not copy it.
    /// </remarks>
    public struct KRwLockReadGuard : IDisposable
    {
        private KRwLock? _rwLock;

        internal KRwLockReadGuard(KRwLock rwLock)
        {
            _rwLock = rwLock;
        }

        /// <summary>Releases the hold (<see cref="KRwLock.ReadUnlock"/>), the first time only.</summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The hold is not there to release.</exception>
        public void Dispose()
        {
            KRwLock? rwLock = _rwLock;
            if (rwLock is null)
            {
                return;
            }

            rwLock.ReadUnlock();
            _rwLock = null;
        }
    }
}
