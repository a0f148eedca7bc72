// LD0006: Free holds a spinlock across a call whose callee takes a mutex, which may sleep.
using LockDiscipline;

namespace Kernel
{
    public sealed class IovaCache
    {
        private readonly KSpinLock _cpuLock = new KSpinLock();
        private readonly KMutex _domainMutex = new KMutex();

        public void Free()
        {
            _cpuLock.Lock();
            Flush(); // expect LD0006 'IovaCache._cpuLock' 'IovaCache.Flush -> IovaCache.Reclaim'
            _cpuLock.Unlock();
        }

        private void Flush() => Reclaim();

        private void Reclaim()
        {
            _domainMutex.Lock();
            _domainMutex.Unlock();
        }
    }
}
