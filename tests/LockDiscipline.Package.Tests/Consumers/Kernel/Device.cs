// LD0008 (a warning): per-device IOMMU state read and written without the lock that guards it.
using LockDiscipline;

namespace Kernel
{
    public sealed class Device
    {
        private readonly KMutex _lock = new KMutex();

        [GuardedBy(nameof(_lock))]
        private object? _iommu;

        public Device()
        {
            _iommu = null;
        }

        public object? GetIommu()
        {
            return _iommu; // expect LD0008 'Device._iommu' 'Device._lock'
        }

        public void SetIommu(object iommu)
        {
            _lock.Lock();
            _iommu = iommu;
            _lock.Unlock();
        }
    }
}
