using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KRwLock.WriteGuard"/>: disposing it releases the write hold.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws leaves the scope as it was. A copy of the struct is a second handle on
    /// the same hold, so do not copy it.
    /// </remarks>
    public struct KRwLockWriteGuard : IDisposable
    {
        private KRwLock? _rwLock;

        internal KRwLockWriteGuard(KRwLock rwLock)
        {
            _rwLock = rwLock;
        }

        /// <summary>Releases the hold (<see cref="KRwLock.WriteUnlock"/>), the first time only.</summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The hold is not there to release.</exception>
        public void Dispose()
        {
            KRwLock? rwLock = _rwLock;
            if (rwLock is null)
            {
                return;
            }

            rwLock.WriteUnlock();
            _rwLock = null;
        }
    }
}
