// Consumers/Kernel/Device.cs fixed: the guarded state is read under its lock.
using LockDiscipline;

namespace KernelClean
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
            _lock.Lock();
            object? iommu = _iommu;
            _lock.Unlock();
            return iommu;
        }

        public void SetIommu(object iommu)
        {
            _lock.Lock();
            _iommu = iommu;
            _lock.Unlock();
        }
    }
}
