// LD0004, the klist regression: AddTail takes k_lock with a plain Lock(), so with hard IRQs on,
// while the DMAR fault handler reaches Next through two calls.
//
// Every line that must carry a diagnostic ends with a marker comment naming the rule and what its
// message must name; the package tests read the markers, so keep them on the right line.
using LockDiscipline;

namespace Kernel
{
    public sealed class Klist
    {
        [LockClass("&k->k_lock")]
        private readonly KSpinLock _lock = new KSpinLock();

        public void AddTail()
        {
            _lock.Lock();
            _lock.Unlock();
        }

        public void Next()
        {
            IrqFlags flags = _lock.LockIrqSave(); // expect LD0004 '&k->k_lock' 'Dmar.Fault -> Dmar.DumpPtes -> Klist.Next' 'Klist.AddTail'
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
