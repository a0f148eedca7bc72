using LockDiscipline;

namespace RuntimeDemo
{
    /// <summary>
    /// A device driver's state with three locking mistakes, each a classic lockdep report. The comments
    /// marked <c>runtime:</c> say what the generated checks record or report at that line (the package
    /// tests find the lines by them).
    /// </summary>
    public sealed class Device
    {
        [LockClass("dev_config_mutex")]
        private readonly KMutex _config = new KMutex();

        [LockClass("dev_stats_mutex")]
        private readonly KMutex _stats = new KMutex();

        [LockClass("dev_fault_lock")]
        private readonly KSpinLock _faults = new KSpinLock();

        [LockClass("dev_reset_mutex")]
        private readonly KMutex _reset = new KMutex();

        private int _faultCount;

        public int FaultCount => _faultCount;

        // 1. ABBA: Reconfigure takes config then stats, CollectStats takes stats then config. One thread
        //    runs both one after the other, so nothing deadlocks in this run, but two threads could.

        public void Reconfigure()
        {
            _config.Lock();
            _stats.Lock(); // runtime: dev_config_mutex -> dev_stats_mutex, the first order
            _stats.Unlock();
            _config.Unlock();
        }

        public void CollectStats()
        {
            _stats.Lock(); // runtime: dev_stats_mutex held for the reverse order
            _config.Lock(); // runtime: WARNING: possible circular locking dependency detected
            _config.Unlock();
            _stats.Unlock();
        }

        // 2. Inconsistent lock state: the fault lock is taken with interrupts on in process context and
        //    also in the hard-IRQ handler. If the interrupt arrives while ClearFaults holds the lock on
        //    the same CPU, the handler spins on it forever. ClearFaults should use LockIrqSave too.

        public void ClearFaults()
        {
            _faults.Lock(); // runtime: {HARDIRQ-ON-W} taken with hard IRQs on
            _faultCount = 0;
            _faults.Unlock();
        }

        [HardIrqContext]
        public void FaultInterrupt()
        {
            IrqFlags flags = _faults.LockIrqSave(); // runtime: WARNING: inconsistent lock state
            _faultCount++;
            _faults.UnlockIrqRestore(flags);
        }

        // 3. Bad unlock balance: FinishReset unlocks a mutex that this thread never locked.

        public void FinishReset()
        {
            _reset.Unlock(); // runtime: WARNING: bad unlock balance detected!
        }
    }
}
