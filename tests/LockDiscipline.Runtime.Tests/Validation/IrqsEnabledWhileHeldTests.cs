using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// Interrupts switched back on while a lock is held make the held class IRQ-unsafe, as lockdep's
/// <c>local_irq_enable</c> marks held locks: here through another lock's <c>UnlockIrq</c>, the way kernel
/// code gets it wrong, on real threads.
/// </summary>
public class IrqsEnabledWhileHeldTests : LockdepTestBase
{
    [Fact]
    public void UnlockIrqOfAnInnerLockUnderAnIrqSafeLockIsInconsistent()
    {
        int outerClass = Register("&desc->lock", LockClassKind.SpinLock);
        int innerClass = Register("&chip->lock", LockClassKind.RwLock);
        var outer = new KSpinLock();
        var inner = new KRwLock();
        RunAs("irq/9", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.HardIrq, At("Irq.Handle", "irq.cs", 1));
            LockdepHooks.Acquire(outerClass, outer, AcquireFlags.None, 0, At("Irq.Handle", "irq.cs", 2));
            outer.Lock();
            Assert.True(LockdepHooks.Release(outerClass, outer, At("Irq.Handle", "irq.cs", 3)));
            outer.Unlock();
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
        });
        Assert.Empty(Reports);

        RunAs("modprobe", () =>
        {
            LockdepHooks.Acquire(outerClass, outer, AcquireFlags.DisablesHardIrqs, 0, At("Irq.SetType", "irq.cs", 10));
            IrqFlags flags = outer.LockIrqSave();
            LockdepHooks.Acquire(innerClass, inner, AcquireFlags.Read | AcquireFlags.DisablesHardIrqs, 0, At("Chip.Mask", "chip.cs", 11));
            inner.ReadLockIrq();
            Assert.True(LockdepHooks.Release(innerClass, inner, At("Chip.Mask", "chip.cs", 12)));
            inner.ReadUnlockIrq();
            Assert.False(Irq.HardIrqsDisabled);
            Assert.True(LockdepHooks.Release(outerClass, outer, At("Irq.SetType", "irq.cs", 13)));
            outer.UnlockIrqRestore(flags);
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.InconsistentLockState, report.Kind);
        Assert.Contains("inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.", report.Text);
    }

    [Fact]
    public void ReaderInTheInterruptAndReaderWithInterruptsOnAreConsistent()
    {
        int tasks = Register("tasklist_lock", LockClassKind.RwLock);
        var tasklist = new KRwLock();
        RunAs("irq/1", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.HardIrq, At("Signal.Send", "signal.cs", 1));
            LockdepHooks.Acquire(tasks, tasklist, AcquireFlags.Read, 0, At("Signal.Send", "signal.cs", 2));
            tasklist.ReadLock();
            Assert.True(LockdepHooks.Release(tasks, tasklist, At("Signal.Send", "signal.cs", 3)));
            tasklist.ReadUnlock();
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
        });
        RunAs("ps", () =>
        {
            LockdepHooks.Acquire(tasks, tasklist, AcquireFlags.Read, 0, At("Proc.Show", "proc.cs", 1));
            tasklist.ReadLock();
            Assert.True(LockdepHooks.Release(tasks, tasklist, At("Proc.Show", "proc.cs", 2)));
            tasklist.ReadUnlock();
        });
        Assert.Empty(Reports);

        RunAs("fork", () =>
        {
            LockdepHooks.Acquire(tasks, tasklist, AcquireFlags.None, 0, At("Fork.Copy", "fork.cs", 1));
            tasklist.WriteLock();
            Assert.True(LockdepHooks.Release(tasks, tasklist, At("Fork.Copy", "fork.cs", 2)));
            tasklist.WriteUnlock();
        });
        Assert.Equal(LockdepReportKind.InconsistentLockState, Assert.Single(Reports).Kind);
    }
}
