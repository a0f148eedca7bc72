// Consumers/Kernel/Klist.cs fixed: k_lock is taken with IRQs off everywhere.
using LockDiscipline;

namespace KernelClean
{
    public sealed class Klist
    {
        [LockClass("&k->k_lock")]
        private readonly KSpinLock _lock = new KSpinLock();

        public void AddTail()
        {
            IrqFlags flags = _lock.LockIrqSave();
            _lock.UnlockIrqRestore(flags);
        }

        public void Next()
        {
            IrqFlags flags = _lock.LockIrqSave();
            _lock.UnlockIrqRestore(flags);
        }
    }

    public sealed class Dmar
    {
        private readonly Klist _devices = new Klist();

        [HardIrqContext]
        public void Fault() => DumpPtes();

        private void DumpPtes() => _devices.Next();
    }
}
