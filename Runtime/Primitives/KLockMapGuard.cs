using System;

namespace LockDiscipline
{
    /// <summary>
    /// The scope returned by <see cref="KLockMap.Guard"/>: disposing it releases the map.
    /// </summary>
    /// <remarks>
    /// Use it in a <see langword="using"/> statement or declaration. Disposing releases exactly once: a
    /// second <see cref="Dispose"/> of the same variable, or <see cref="Dispose"/> of <c>default</c>, does
    /// nothing. A release that throws (disposed on the wrong thread) leaves the scope as it was. A copy of
    /// the struct is a second handle on the same hold, so do not copy it.
    /// </remarks>
    public struct KLockMapGuard : IDisposable
    {
        private KLockMap? _map;

        internal KLockMapGuard(KLockMap map)
        {
            _map = map;
        }

        /// <summary>Releases the map (<see cref="KLockMap.Release"/>), the first time only.</summary>
        /// <exception cref="System.Threading.SynchronizationLockException">The calling thread has not acquired the map.</exception>
        public void Dispose()
        {
            KLockMap? map = _map;
            if (map is null)
            {
                return;
            }

            map.Release();
            _map = null;
        }
    }
}
