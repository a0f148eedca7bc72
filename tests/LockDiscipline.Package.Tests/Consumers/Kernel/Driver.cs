// LD0005: _irqLock is HARDIRQ-safe (the handler takes it), _config is HARDIRQ-unsafe (ReadConfig
// takes it with IRQs on), and Reconfigure takes _config while holding _irqLock.
using LockDiscipline;

namespace Kernel
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
            _config.Lock(); // expect LD0005 'Driver._config' 'Driver._irqLock' 'HARDIRQ-safe -> HARDIRQ-unsafe'
            _config.Unlock();
            _irqLock.UnlockIrqRestore(flags);
        }

        public void ReadConfig()
        {
            _config.Lock();
            _config.Unlock();
        }
    }
}
