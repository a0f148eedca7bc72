// Consumers/Kernel/IovaCache.cs fixed: what may sleep runs after the spinlock is released.
using LockDiscipline;

namespace KernelClean
{
    public sealed class IovaCache
    {
        private readonly KSpinLock _cpuLock = new KSpinLock();
        private readonly KMutex _domainMutex = new KMutex();

        public void Free()
        {
            _cpuLock.Lock();
            _cpuLock.Unlock();
            Flush();
        }

        private void Flush() => Reclaim();

        private void Reclaim()
        {
            _domainMutex.Lock();
            _domainMutex.Unlock();
        }
    }
}
