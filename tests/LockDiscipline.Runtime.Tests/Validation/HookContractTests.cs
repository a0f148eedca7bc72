using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>The hooks used the way the contract with the generator says, and the primitives' own release paths.</summary>
public class HookContractTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Test.cs", 1, "Test");

    [Fact]
    public void Guard_scopes_are_popped_by_the_primitives_release_path()
    {
        int mutexClass = Register("m", LockClassKind.Mutex);
        int spinClass = Register("s", LockClassKind.SpinLock);
        int rwClass = Register("rw", LockClassKind.RwSemaphore);
        int mapClass = Register("map", LockClassKind.LockMap);
        var mutex = new KMutex();
        var spin = new KSpinLock();
        var rw = new KRwSem();
        var map = new KLockMap();
        RunAs("guards", () =>
        {
            LockdepHooks.Acquire(mapClass, map, AcquireFlags.None, 0, Site);
            using (map.Guard())
            {
                LockdepHooks.Acquire(rwClass, rw, AcquireFlags.Read, 0, Site);
                using (rw.ReadGuard())
                {
                    LockdepHooks.Acquire(mutexClass, mutex, AcquireFlags.None, 0, Site);
                    using (mutex.Guard())
                    {
                        LockdepHooks.Acquire(spinClass, spin, AcquireFlags.DisablesHardIrqs, 0, Site);
                        using (spin.GuardIrqSave())
                        {
                            Assert.True(Lockdep.IsHeld("s"));
                            Assert.True(Lockdep.IsHeld("m"));
                        }

                        Assert.False(Lockdep.IsHeld("s"));
                        Assert.True(Lockdep.IsHeld("m"));
                    }

                    Assert.False(Lockdep.IsHeld("m"));
                    Assert.True(Lockdep.IsHeld("rw"));
                }

                Assert.False(Lockdep.IsHeld("rw"));
            }

            Assert.False(Lockdep.IsHeld("map"));

            // The same chain again is a cache hit all the way down.
            long hits = Lockdep.Statistics.ChainHits;
            LockdepHooks.Acquire(mapClass, map, AcquireFlags.None, 0, Site);
            using (map.Guard())
            {
                LockdepHooks.Acquire(rwClass, rw, AcquireFlags.Read, 0, Site);
                using (rw.ReadGuard())
                {
                }
            }

            Assert.Equal(hits + 2, Lockdep.Statistics.ChainHits);
        });
        Assert.Empty(Reports);
        Assert.Equal(4, Lockdep.Statistics.MaxDepth);
        Assert.Equal(3, Lockdep.Statistics.Dependencies);
    }

    [Fact]
    public void An_intercepted_release_is_not_popped_twice_by_the_primitives_path()
    {
        int mapClass = Register("map", LockClassKind.LockMap);
        var map = new KLockMap();
        RunAs("nested", () =>
        {
            // The same map twice (recursive read), then one explicit, intercepted release: one hold remains.
            LockdepHooks.Acquire(mapClass, map, AcquireFlags.Read, 0, Site);
            map.AcquireRead();
            LockdepHooks.Acquire(mapClass, map, AcquireFlags.Read, 0, Site);
            map.AcquireRead();
            Assert.True(LockdepHooks.Release(mapClass, map, Site));
            map.Release();
            Assert.True(Lockdep.IsHeld("map"));
            Assert.True(LockdepHooks.Release(mapClass, map, Site));
            map.Release();
            Assert.False(Lockdep.IsHeld("map"));
        });
        Assert.Empty(Reports);
    }

    [Fact]
    public void Out_of_order_release_keeps_the_chain_consistent()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int c = Register("c", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        var mc = new KMutex();
        RunAs("hand-over-hand", () =>
        {
            Lock(a, ma, Site);
            Lock(b, mb, Site);
            Unlock(a, ma, Site);
            Lock(c, mc, Site);
            Unlock(b, mb, Site);
            Unlock(c, mc, Site);
            Assert.False(Lockdep.IsHeld("a") || Lockdep.IsHeld("b") || Lockdep.IsHeld("c"));
        });
        Assert.Empty(Reports);

        // c was taken under b only, after a was released: a -> b and b -> c, no a -> c.
        string graph = Lockdep.DumpGraph();
        Assert.Contains(": a\n -> [00000001] b\n\n", graph);
        Assert.Contains(": b\n -> [00000002] c\n\n", graph);
        Assert.Equal(2, Lockdep.Statistics.Dependencies);
    }

    [Fact]
    public void A_failed_acquisition_is_forgotten()
    {
        int m = Register("m", LockClassKind.Mutex);
        var mutex = new KMutex();
        RunAs("recursion", () =>
        {
            Lock(m, mutex, Site);
            LockdepHooks.Acquire(m, mutex, AcquireFlags.None, 0, Site);
            Assert.Throws<LockRecursionException>(mutex.Lock);
            LockdepHooks.AcquireFailed(m, mutex);
            Unlock(m, mutex, Site);
            Assert.False(Lockdep.IsHeld("m"));
        });
        Assert.Equal(LockdepReportKind.RecursiveLocking, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void A_trylock_adds_no_dependency_on_itself_but_locks_under_it_do()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int c = Register("c", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        var mc = new KMutex();
        RunAs("try", () =>
        {
            // b -> a exists; a trylock of b under a cannot deadlock, so it is not a cycle.
            Lock(b, mb, Site);
            Lock(a, ma, Site);
            Unlock(a, ma, Site);
            Unlock(b, mb, Site);
            Lock(a, ma, Site);
            LockdepHooks.TryAcquired(b, mb, AcquireFlags.None, 0, mb.TryLock(), Site);
            Lock(c, mc, Site);
            Unlock(c, mc, Site);
            Unlock(b, mb, Site);
            Unlock(a, ma, Site);
            LockdepHooks.TryAcquired(b, mb, AcquireFlags.None, 0, acquired: false, Site);
            Assert.False(Lockdep.IsHeld("b"));
        });
        Assert.Empty(Reports);
        string graph = Lockdep.DumpGraph();
        Assert.Contains("a\n -> [00000002] c\n", graph);
        Assert.Contains(": b\n -> [00000000] a\n -> [00000002] c\n", graph);
    }

    [Fact]
    public void Monitor_and_Lock_reentry_on_one_instance_is_fine_but_two_instances_of_one_class_are_not()
    {
        int monitorClass = Register("Cache._items", LockClassKind.Monitor);
        int lockClass = Register("Cache._gate", LockClassKind.ThreadingLock);
        object items = new();
        object other = new();
        var gate = new Lock();

        // The hooks take the Lock as an identity (object), as generated code passes it; nothing locks on it
        // as a monitor, which is what CS9216 warns about.
#pragma warning disable CS9216
        RunAs("reentry", () =>
        {
            LockdepHooks.Acquire(monitorClass, items, AcquireFlags.None, 0, Site);
            Monitor.Enter(items);
            LockdepHooks.Acquire(lockClass, gate, AcquireFlags.None, 0, Site);
            gate.Enter();
            LockdepHooks.Acquire(monitorClass, items, AcquireFlags.None, 0, Site);
            Monitor.Enter(items);
            LockdepHooks.Acquire(lockClass, gate, AcquireFlags.None, 0, Site);
            gate.Enter();
            Assert.True(LockdepHooks.Release(lockClass, gate, Site));
            gate.Exit();
            Assert.True(LockdepHooks.Release(monitorClass, items, Site));
            Monitor.Exit(items);
            Assert.True(LockdepHooks.Release(lockClass, gate, Site));
            gate.Exit();
            Assert.True(Lockdep.IsHeld("Cache._items"));
            Assert.True(LockdepHooks.Release(monitorClass, items, Site));
            Monitor.Exit(items);
            Assert.Empty(Reports);

            LockdepHooks.Acquire(monitorClass, items, AcquireFlags.None, 0, Site);
            Monitor.Enter(items);
            LockdepHooks.Acquire(monitorClass, other, AcquireFlags.None, 0, Site);
            Monitor.Enter(other);
            Assert.True(LockdepHooks.Release(monitorClass, other, Site));
            Monitor.Exit(other);
            Assert.True(LockdepHooks.Release(monitorClass, items, Site));
            Monitor.Exit(items);
        });
#pragma warning restore CS9216
        Assert.Equal(LockdepReportKind.RecursiveLocking, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void A_nesting_subclass_is_a_class_of_its_own()
    {
        int dev = Register("&dev->mutex", LockClassKind.Mutex);
        var parent = new KMutex();
        var child = new KMutex();
        RunAs("nested", () =>
        {
            Lock(dev, parent, Site);
            LockdepHooks.Acquire(dev, child, AcquireFlags.None, 1, Site);
            child.LockNested(1);
            Unlock(dev, child, Site);
            Unlock(dev, parent, Site);
        });
        Assert.Empty(Reports);
        Assert.Contains(": &dev->mutex\n -> [00000001] &dev->mutex/1\n", Lockdep.DumpGraph());
        Assert.Equal(2, Lockdep.Statistics.Classes);
    }

    [Fact]
    public void Downgrade_turns_the_hold_into_a_read_hold()
    {
        int rw = Register("&mm->mmap_lock", LockClassKind.RwSemaphore);
        var sem = new KRwSem();
        RunAs("downgrade", () =>
        {
            LockdepHooks.Acquire(rw, sem, AcquireFlags.None, 0, Site);
            sem.DownWrite();
            LockdepHooks.AssertHeld(rw, shared: false, Site);
            LockdepHooks.Downgrade(rw, sem, Site);
            sem.DowngradeWrite();
            LockdepHooks.AssertHeld(rw, shared: true, Site);
            Assert.True(LockdepHooks.Release(rw, sem, Site));
            sem.UpRead();
            Assert.False(Lockdep.IsHeld("&mm->mmap_lock"));
        });
        Assert.Empty(Reports);
    }

    [Fact]
    public void Enabling_irqs_while_holding_a_lock_marks_it_irq_unsafe()
    {
        int kLock = Register("&k->k_lock", LockClassKind.SpinLock);
        var spin = new KSpinLock();
        RunAs("enable", () =>
        {
            LockdepHooks.Acquire(kLock, spin, AcquireFlags.DisablesHardIrqs, 0, Site);
            IrqFlags flags = spin.LockIrqSave();
            Assert.DoesNotContain("+", Lockdep.DumpGraph().Split('\n')[1]);
            Irq.LocalIrqEnable();
            Assert.Contains(" ++..: &k->k_lock", Lockdep.DumpGraph().Replace("+.+.", "++.."));
            Irq.LocalIrqDisable();
            Assert.True(LockdepHooks.Release(kLock, spin, Site));
            spin.UnlockIrqRestore(flags);
        });
        RunAs("irq", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.HardIrq, Site);
            LockdepHooks.Acquire(kLock, spin, AcquireFlags.None, 0, Site);
            spin.Lock();
            Assert.True(LockdepHooks.Release(kLock, spin, Site));
            spin.Unlock();
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
        });
        Assert.Equal(LockdepReportKind.InconsistentLockState, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void Unknown_class_ids_and_validation_before_registration_are_ignored()
    {
        var mutex = new KMutex();
        Assert.False(Lockdep.IsValidating);
        LockdepHooks.Acquire(0, mutex, AcquireFlags.None, 0, Site);
        Assert.True(LockdepHooks.Release(0, mutex, Site));
        Lockdep.AssertHeld("nothing");
        Assert.False(Lockdep.IsHeld("nothing"));

        Register("m", LockClassKind.Mutex);
        Assert.True(Lockdep.IsValidating);
        LockdepHooks.Acquire(42, mutex, AcquireFlags.None, 0, Site);
        Assert.True(LockdepHooks.Release(42, mutex, Site));
        LockdepHooks.Acquire(-1, mutex, AcquireFlags.None, 0, Site);
        Assert.Empty(Reports);
        Assert.Equal(Register("m", LockClassKind.SpinLock), LockdepHooks.RegisterClass("test:m", "other name", LockClassKind.Mutex));
    }

    [Fact]
    public void Assertions_by_class_name_for_user_code()
    {
        int m = Register("Cache._items", LockClassKind.Mutex);
        var mutex = new KMutex();
        RunAs("user", () =>
        {
            Lockdep.AssertNotHeld("Cache._items");
            Lock(m, mutex, Site);
            Lockdep.AssertHeld("Cache._items");
            Assert.True(Lockdep.IsHeld("Cache._items"));
            Lockdep.AssertHeld("Cache._stats");
            Unlock(m, mutex, Site);
        });
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.LockNotHeld, report.Kind);
        Assert.Equal("WARNING: lockdep_assert_held(Cache._stats) failed", report.Title);
        Assert.Contains(nameof(Assertions_by_class_name_for_user_code) + " (", report.Text);
        Assert.Contains("HookContractTests.cs:", report.Text);
    }
}
