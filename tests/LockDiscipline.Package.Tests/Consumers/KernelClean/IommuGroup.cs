// Consumers/Kernel/IommuGroup.cs fixed: each call made in the state its contract asks for.
using LockDiscipline;

namespace KernelClean
{
    public sealed class IommuGroup
    {
        private readonly KMutex _mutex = new KMutex();

        [RequiresLock(nameof(_mutex))]
        private void AddDeviceLocked()
        {
        }

        [ExcludesLock(nameof(_mutex))]
        private void NotifyListeners()
        {
        }

        public void AddDevice()
        {
            _mutex.Lock();
            AddDeviceLocked();
            _mutex.Unlock();
            NotifyListeners();
        }
    }
}
