using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// The common acquisition path skips work when it can prove the work was done before: a chain found in the
/// chain cache is not validated again, and a thread that takes the same class on the same chain in the
/// same place as last time reuses that hold's chain key without hashing or looking it up. These tests take
/// chains again and again, as loops do, and check that each shortcut still lets every report through once.
/// </summary>
public class FastPathTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Loop.cs", 1, "Run");

    private static void Nest(int outer, KMutex outerLock, int inner, KMutex innerLock)
    {
        Lock(outer, outerLock, Site);
        Lock(inner, innerLock, Site);
        Unlock(inner, innerLock, Site);
        Unlock(outer, outerLock, Site);
    }

    [Fact]
    public void A_chain_validated_on_another_thread_is_a_cache_hit_and_the_reverse_order_is_still_reported()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        RunAs("first", () => Nest(a, ma, b, mb));
        LockdepStatistics before = Lockdep.Statistics;

        RunAs("second", () =>
        {
            Nest(a, ma, b, mb);
            LockdepStatistics after = Lockdep.Statistics;
            Assert.Equal(before.ChainsCached, after.ChainsCached);
            Assert.Equal(before.ChainHits + 2, after.ChainHits);
            Nest(b, mb, a, ma);
            Nest(b, mb, a, ma);
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "a", "b" }, report.Classes);
        Assert.False(ma.IsLocked || mb.IsLocked);
    }

    [Fact]
    public void An_order_declared_while_a_thread_repeats_a_chain_is_reported_at_its_next_repetition_once()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        RunAs("loop", () =>
        {
            for (int i = 0; i < 3; i++)
            {
                Nest(b, mb, a, ma);
            }

            Assert.Empty(Reports);
            LockdepHooks.DeclareOrder(a, b, "Late.cs:3");
            for (int i = 0; i < 3; i++)
            {
                Nest(b, mb, a, ma);
            }
        });

        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, Assert.Single(Reports).Kind);
        Assert.False(ma.IsLocked || mb.IsLocked);
    }

    [Fact]
    public void A_class_registered_while_a_thread_repeats_a_chain_gets_its_own_chain_and_dependencies()
    {
        int x = Register("x", LockClassKind.Mutex);
        int y = Register("y", LockClassKind.Mutex);
        var mx = new KMutex();
        var my = new KMutex();
        var mz = new KMutex();
        RunAs("loop", () =>
        {
            for (int i = 0; i < 3; i++)
            {
                Nest(x, mx, y, my);
            }

            int z = Register("z", LockClassKind.Mutex);
            Nest(x, mx, z, mz);
            Assert.Equal(2, Lockdep.Statistics.Dependencies);
            RunAs("reverse", () => Nest(z, mz, x, mx));
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "x", "z" }, report.Classes);
    }

    [Fact]
    public void A_try_in_the_place_of_a_validated_hold_does_not_make_a_later_blocking_hold_pass_as_validated()
    {
        // Slot 1 first holds y on top of x, validated (twice: the second time on the common path, which
        // remembers it in the slot); then y by a try on top of z, which validates nothing; then y, blocking,
        // on top of z: the chain z, y is new and its dependency must be recorded.
        int x = Register("x", LockClassKind.Mutex);
        int y = Register("y", LockClassKind.Mutex);
        int z = Register("z", LockClassKind.Mutex);
        var mx = new KMutex();
        var my = new KMutex();
        var mz = new KMutex();
        RunAs("loop", () =>
        {
            Nest(x, mx, y, my);
            Nest(x, mx, y, my);
            Lock(z, mz, Site);
            Assert.True(my.TryLock());
            LockdepHooks.TryAcquired(y, my, AcquireFlags.None, 0, acquired: true, Site);
            Unlock(y, my, Site);
            Unlock(z, mz, Site);
            Assert.Equal(1, Lockdep.Statistics.Dependencies);
            Nest(z, mz, y, my);
            Assert.Equal(2, Lockdep.Statistics.Dependencies);
        });
        RunAs("reverse", () => Nest(y, my, z, mz));

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "z", "y" }, report.Classes);
    }

    [Fact]
    public void Monitor_and_Lock_chains_repeated_through_the_hooks_are_hits_and_an_inversion_is_reported_once()
    {
        int items = Register("Cache._items", LockClassKind.Monitor);
        int gate = Register("Cache._gate", LockClassKind.ThreadingLock);
        object itemsLock = new();
        var gateLock = new Lock();

        // The hooks take the Lock as an identity (object), as generated code passes it.
#pragma warning disable CS9216
        void Forward()
        {
            LockdepHooks.Acquire(items, itemsLock, AcquireFlags.None, 0, Site);
            Monitor.Enter(itemsLock);
            LockdepHooks.Acquire(gate, gateLock, AcquireFlags.None, 0, Site);
            gateLock.Enter();
            Assert.True(LockdepHooks.Release(gate, gateLock, Site));
            gateLock.Exit();
            Assert.True(LockdepHooks.Release(items, itemsLock, Site));
            Monitor.Exit(itemsLock);
        }

        RunAs("forward", () =>
        {
            Forward();
            long hits = Lockdep.Statistics.ChainHits;
            Forward();
            Forward();
            Assert.Equal(hits + 4, Lockdep.Statistics.ChainHits);
        });
        RunAs("reverse", () =>
        {
            for (int i = 0; i < 2; i++)
            {
                LockdepHooks.Acquire(gate, gateLock, AcquireFlags.None, 0, Site);
                gateLock.Enter();
                LockdepHooks.Acquire(items, itemsLock, AcquireFlags.None, 0, Site);
                Monitor.Enter(itemsLock);
                Assert.True(LockdepHooks.Release(items, itemsLock, Site));
                Monitor.Exit(itemsLock);
                Assert.True(LockdepHooks.Release(gate, gateLock, Site));
                gateLock.Exit();
            }
        });
#pragma warning restore CS9216

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "Cache._items", "Cache._gate" }, report.Classes);
        Assert.False(gateLock.IsHeldByCurrentThread || Monitor.IsEntered(itemsLock));
    }

    [Fact]
    public void The_class_limit_reached_while_a_thread_repeats_a_chain_is_reported_once_and_the_loop_runs_on()
    {
        Lockdep.Reset(new LockdepLimits { MaxClasses = 2 });
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = Reports.Enqueue;
        Lockdep.CaptureStackTraces = false;
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        RunAs("loop", () =>
        {
            for (int i = 0; i < 3; i++)
            {
                Nest(a, ma, b, mb);
            }

            Assert.Equal(-1, Register("c", LockClassKind.Mutex));
            for (int i = 0; i < 3; i++)
            {
                Nest(b, mb, a, ma);
            }
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.ValidatorTurnedOff, report.Kind);
        Assert.Equal("BUG: MAX_LOCKDEP_KEYS too low!", report.Title);
        Assert.False(Lockdep.IsValidating);
        Assert.False(ma.IsLocked || mb.IsLocked);
    }
}
