namespace LockDiscipline.Runtime.Tests;

// Tests that touch IRQ state run on their own thread (TestThread.Run), so each starts with IRQs enabled
// and leaves nothing behind on the xunit thread.
public class KSpinLockTests
{
    private const int Threads = 4;
    private const int Iterations = 200_000;

    [Fact]
    public void Lock_excludes_under_contention()
    {
        var spinLock = new KSpinLock();
        int total = Contention.CountUnder(Threads, Iterations, _ => spinLock.Lock(), _ => spinLock.Unlock());
        Assert.Equal(Threads * Iterations, total);
        Assert.False(spinLock.IsLocked);
    }

    [Fact]
    public void Irq_and_bh_variants_exclude_under_contention_and_restore_each_thread()
    {
        var spinLock = new KSpinLock();
        var flags = new IrqFlags[Threads];
        int total = Contention.CountUnder(
            Threads,
            Iterations / 4,
            t =>
            {
                switch (t)
                {
                    case 0: flags[t] = spinLock.LockIrqSave(); break;
                    case 1: spinLock.LockIrq(); break;
                    case 2: spinLock.LockBh(); break;
                    default:
                        while (!spinLock.TryLock())
                        {
                            Thread.SpinWait(20);
                        }

                        break;
                }
            },
            t =>
            {
                switch (t)
                {
                    case 0: spinLock.UnlockIrqRestore(flags[t]); break;
                    case 1: spinLock.UnlockIrq(); break;
                    case 2: spinLock.UnlockBh(); break;
                    default: spinLock.Unlock(); break;
                }

                Assert.False(Irq.HardIrqsDisabled);
                Assert.False(Irq.SoftIrqsDisabled);
            });
        Assert.Equal(Threads * (Iterations / 4), total);
    }

    [Fact]
    public void TryLock_succeeds_only_when_free_and_not_for_the_owner()
    {
        var spinLock = new KSpinLock();
        Assert.True(spinLock.TryLock());
        Assert.True(spinLock.IsHeldByCurrentThread);
        Assert.False(spinLock.TryLock());

        bool otherGotIt = true;
        TestThread.Run(() => otherGotIt = spinLock.TryLock());
        Assert.False(otherGotIt);

        spinLock.Unlock();
        TestThread.Run(() =>
        {
            otherGotIt = spinLock.TryLock();
            spinLock.Unlock();
        });
        Assert.True(otherGotIt);
    }

    [Fact]
    public void Unlock_by_a_non_owner_throws_and_leaves_the_owner_holding_it()
    {
        var spinLock = new KSpinLock();
        Assert.Throws<SynchronizationLockException>(spinLock.Unlock);

        spinLock.Lock();
        Exception? error = null;
        TestThread.Run(() => error = Record.Exception(spinLock.Unlock));
        Assert.IsType<SynchronizationLockException>(error);
        Assert.True(spinLock.IsHeldByCurrentThread);
        spinLock.Unlock();
        Assert.False(spinLock.IsLocked);
    }

    [Fact]
    public void A_spinning_waiter_gets_the_lock_only_after_it_is_unlocked()
    {
        var spinLock = new KSpinLock();
        spinLock.Lock();
        bool started = false;
        bool acquired = false;
        var waiter = TestThread.Start(() =>
        {
            Volatile.Write(ref started, true);
            spinLock.Lock();
            Volatile.Write(ref acquired, true);
            spinLock.Unlock();
        });

        TestThread.WaitUntil(() => Volatile.Read(ref started), "the waiter starts");
        Thread.Yield(); // Give the waiter every chance to get in wrongly.
        Assert.False(Volatile.Read(ref acquired));
        spinLock.Unlock();
        waiter.Join();
        Assert.True(acquired);
    }

    [Fact]
    public void Recursive_lock_throws_and_leaves_irq_state_as_it_was() => TestThread.Run(() =>
    {
        var spinLock = new KSpinLock();
        spinLock.Lock();

        Assert.Throws<LockRecursionException>(spinLock.Lock);
        Assert.Throws<LockRecursionException>(() => spinLock.LockIrqSave());
        Assert.False(Irq.HardIrqsDisabled);
        Assert.Throws<LockRecursionException>(spinLock.LockIrq);
        Assert.False(Irq.HardIrqsDisabled);
        Assert.Throws<LockRecursionException>(spinLock.LockBh);
        Assert.False(Irq.SoftIrqsDisabled);
        Assert.Throws<LockRecursionException>(() => spinLock.GuardIrqSave());
        Assert.False(Irq.HardIrqsDisabled);

        Assert.True(spinLock.IsHeldByCurrentThread);
        spinLock.Unlock();
    });

    [Fact]
    public void LockIrq_disables_and_UnlockIrq_enables_hard_irqs() => TestThread.Run(() =>
    {
        var spinLock = new KSpinLock();
        spinLock.LockIrq();
        Assert.True(Irq.HardIrqsDisabled);
        Assert.True(spinLock.IsHeldByCurrentThread);
        spinLock.UnlockIrq();
        Assert.False(Irq.HardIrqsDisabled);
        Assert.False(spinLock.IsLocked);
    });

    [Fact]
    public void Nested_irqsave_sections_restore_the_exact_prior_state() => TestThread.Run(() =>
    {
        var outer = new KSpinLock();
        var inner = new KSpinLock();

        IrqFlags outerFlags = outer.LockIrqSave();
        Assert.True(outerFlags.HardIrqsWereEnabled);
        Assert.True(Irq.HardIrqsDisabled);

        IrqFlags innerFlags = inner.LockIrqSave();
        Assert.False(innerFlags.HardIrqsWereEnabled);

        inner.UnlockIrqRestore(innerFlags);
        Assert.True(Irq.HardIrqsDisabled);
        outer.UnlockIrqRestore(outerFlags);
        Assert.False(Irq.HardIrqsDisabled);

        // Starting from disabled, a save/restore pair leaves them disabled.
        Irq.LocalIrqDisable();
        IrqFlags flags = outer.LockIrqSave();
        outer.UnlockIrqRestore(flags);
        Assert.True(Irq.HardIrqsDisabled);
        Irq.LocalIrqEnable();
    });

    [Fact]
    public void GuardIrqSave_restores_the_exact_prior_state() => TestThread.Run(() =>
    {
        var spinLock = new KSpinLock();
        using (spinLock.GuardIrqSave())
        {
            Assert.True(Irq.HardIrqsDisabled);
            Assert.True(spinLock.IsHeldByCurrentThread);
        }

        Assert.False(Irq.HardIrqsDisabled);
        Assert.False(spinLock.IsLocked);

        Irq.LocalIrqDisable();
        using (spinLock.GuardIrqSave())
        {
            Assert.True(Irq.HardIrqsDisabled);
        }

        Assert.True(Irq.HardIrqsDisabled);
        Assert.False(spinLock.IsLocked);
    });

    [Fact]
    public void UnlockIrqRestore_rejects_flags_that_were_never_saved_and_keeps_the_lock() => TestThread.Run(() =>
    {
        var spinLock = new KSpinLock();
        IrqFlags flags = spinLock.LockIrqSave();
        Assert.Throws<ArgumentException>(() => spinLock.UnlockIrqRestore(default));
        Assert.True(spinLock.IsHeldByCurrentThread);
        Assert.True(Irq.HardIrqsDisabled);
        spinLock.UnlockIrqRestore(flags);
        Assert.False(Irq.HardIrqsDisabled);
    });

    [Fact]
    public void Irq_unlock_by_a_non_owner_changes_neither_the_lock_nor_that_threads_irq_state()
    {
        var spinLock = new KSpinLock();
        spinLock.Lock();
        TestThread.Run(() =>
        {
            Irq.LocalIrqDisable();
            Assert.Throws<SynchronizationLockException>(spinLock.UnlockIrq);
            Assert.True(Irq.HardIrqsDisabled);

            Irq.LocalBhDisable();
            Assert.Throws<SynchronizationLockException>(spinLock.UnlockBh);
            Assert.True(Irq.SoftIrqsDisabled);
        });
        Assert.True(spinLock.IsHeldByCurrentThread);
        spinLock.Unlock();
    }

    [Fact]
    public void LockBh_nests_with_local_bh_disable() => TestThread.Run(() =>
    {
        var first = new KSpinLock();
        var second = new KSpinLock();

        Irq.LocalBhDisable();
        first.LockBh();
        second.LockBh();
        Assert.True(Irq.SoftIrqsDisabled);

        second.UnlockBh();
        Assert.True(Irq.SoftIrqsDisabled);
        first.UnlockBh();
        Assert.True(Irq.SoftIrqsDisabled);
        Irq.LocalBhEnable();
        Assert.False(Irq.SoftIrqsDisabled);
        Assert.False(Irq.HardIrqsDisabled);
    });
}
