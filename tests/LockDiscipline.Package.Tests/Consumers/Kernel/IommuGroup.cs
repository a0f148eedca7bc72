// LD0009: a [RequiresLock] method called without the lock, an [ExcludesLock] one called with it.
using LockDiscipline;

namespace Kernel
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
            AddDeviceLocked(); // expect LD0009 'IommuGroup._mutex' '[RequiresLock]'
            _mutex.Lock();
            NotifyListeners(); // expect LD0009 'IommuGroup._mutex' '[ExcludesLock]'
            _mutex.Unlock();
        }
    }
}
