using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KMutex.Guard"/>: disposing it unlocks the mutex.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws (disposed on the wrong thread) leaves the scope as it was. A copy of
    /// the struct is a second handle on the same hold, so do not copy it.
    /// </remarks>
    public struct KMutexGuard : IDisposable
    {
        private KMutex? _mutex;

        internal KMutexGuard(KMutex mutex)
        {
            _mutex = mutex;
        }

        /// <summary>Unlocks the mutex (<see cref="KMutex.Unlock"/>), the first time only.</summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The calling thread does not hold the mutex.</exception>
        public void Dispose()
        {
            KMutex? mutex = _mutex;
            if (mutex is null)
            {
                return;
            }

            mutex.Unlock();
            _mutex = null;
        }
    }
}
