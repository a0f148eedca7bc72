using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KRwSem.WriteGuard"/> and <see cref="KRwSem.Guard"/>: disposing it
    /// releases the writer.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws (disposed on the wrong thread) leaves the scope as it was. A copy of
    /// the struct is a second handle on the same hold, so do not copy it.
    /// </remarks>
    public struct KRwSemWriteGuard : IDisposable
    {
        private KRwSem? _sem;

        internal KRwSemWriteGuard(KRwSem sem)
        {
            _sem = sem;
        }

        /// <summary>Releases the writer (<see cref="KRwSem.UpWrite"/>), the first time only.</summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The calling thread does not hold the semaphore for writing.</exception>
        public void Dispose()
        {
            KRwSem? sem = _sem;
            if (sem is null)
            {
                return;
            }

            sem.UpWrite();
            _sem = null;
        }
    }
}
