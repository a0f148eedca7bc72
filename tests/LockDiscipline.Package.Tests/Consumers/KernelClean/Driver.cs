// Consumers/Kernel/Driver.cs fixed: _config is taken with IRQs off everywhere, so it is IRQ-safe too.
using LockDiscipline;

namespace KernelClean
{
    public sealed class Driver
    {
        private readonly KSpinLock _irqLock = new KSpinLock();
        private readonly KSpinLock _config = new KSpinLock();

        [HardIrqContext]
        public void Interrupt()
        {
            _irqLock.Lock();
            _irqLock.Unlock();
        }

        public void Reconfigure()
        {
            IrqFlags flags = _irqLock.LockIrqSave();
            _config.Lock();
            _config.Unlock();
            _irqLock.UnlockIrqRestore(flags);
        }

        public void ReadConfig()
        {
            IrqFlags flags = _config.LockIrqSave();
            _config.UnlockIrqRestore(flags);
        }
    }
}
