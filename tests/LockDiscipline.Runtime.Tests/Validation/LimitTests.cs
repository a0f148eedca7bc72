using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>lockdep's manners at its capacity limits: say so once, stop validating, keep the program running.</summary>
public class LimitTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Limits.cs", 1, "Run");

    private void Restart(LockdepLimits limits)
    {
        Lockdep.Reset(limits);
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = Reports.Enqueue;
        Lockdep.CaptureStackTraces = false;
    }

    private void AssertTurnedOffOnce(string bug)
    {
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.ValidatorTurnedOff, report.Kind);
        Assert.Equal(bug, report.Title);
        Assert.StartsWith(bug + "\nturning off the locking correctness validator.\n", report.Text);
        Assert.False(Lockdep.IsValidating);
        Assert.False(Lockdep.Statistics.Validating);
    }

    /// <summary>Takes a chain of mutexes in order and releases them, with hooks, as generated code does.</summary>
    private static void TakeChain(int[] classes, KMutex[] mutexes)
    {
        for (int i = 0; i < classes.Length; i++)
        {
            Lock(classes[i], mutexes[i], Site);
        }

        for (int i = classes.Length - 1; i >= 0; i--)
        {
            Unlock(classes[i], mutexes[i], Site);
        }

        Assert.All(mutexes, m => Assert.False(m.IsLocked));
    }

    [Fact]
    public void Too_many_classes()
    {
        Restart(new LockdepLimits { MaxClasses = 4 });
        int[] ids = Enumerable.Range(0, 4).Select(i => Register("c" + i, LockClassKind.Mutex)).ToArray();
        Assert.Empty(Reports);
        Assert.Equal(-1, Register("c4", LockClassKind.Mutex));
        Assert.Equal(-1, Register("c5", LockClassKind.Mutex));
        AssertTurnedOffOnce("BUG: MAX_LOCKDEP_KEYS too low!");
        TakeChain(ids, ids.Select(_ => new KMutex()).ToArray());
        Assert.Single(Reports);
    }

    [Fact]
    public void Too_many_subclasses_count_as_classes()
    {
        Restart(new LockdepLimits { MaxClasses = 2 });
        int dev = Register("&dev->mutex", LockClassKind.Mutex);
        var mutexes = new[] { new KMutex(), new KMutex(), new KMutex() };
        Lock(dev, mutexes[0], Site);
        LockdepHooks.Acquire(dev, mutexes[1], AcquireFlags.None, 1, Site);
        mutexes[1].LockNested(1);
        LockdepHooks.Acquire(dev, mutexes[2], AcquireFlags.None, 2, Site);
        mutexes[2].LockNested(2);
        AssertTurnedOffOnce("BUG: MAX_LOCKDEP_KEYS too low!");
        foreach (KMutex m in mutexes.Reverse())
        {
            Unlock(dev, m, Site);
            Assert.False(m.IsLocked);
        }
    }

    [Fact]
    public void Too_many_dependencies()
    {
        // Each dependency takes two list entries, as in lockdep: 6 entries hold 3 dependencies.
        Restart(new LockdepLimits { MaxEntries = 6 });
        int[] ids = Enumerable.Range(0, 6).Select(i => Register("c" + i, LockClassKind.Mutex)).ToArray();
        KMutex[] mutexes = ids.Select(_ => new KMutex()).ToArray();
        TakeChain(ids[..4], mutexes[..4]);
        Assert.Empty(Reports);
        Assert.Equal(3, Lockdep.Statistics.Dependencies);
        TakeChain(ids, mutexes);
        AssertTurnedOffOnce("BUG: MAX_LOCKDEP_ENTRIES too low!");
        TakeChain(ids.Reverse().ToArray(), mutexes.Reverse().ToArray());
        Assert.Single(Reports);
    }

    [Fact]
    public void Too_many_chains()
    {
        Restart(new LockdepLimits { MaxChains = 3 });
        int[] ids = Enumerable.Range(0, 5).Select(i => Register("c" + i, LockClassKind.Mutex)).ToArray();
        KMutex[] mutexes = ids.Select(_ => new KMutex()).ToArray();
        TakeChain(ids[..3], mutexes[..3]);
        Assert.Empty(Reports);
        Assert.Equal(3, Lockdep.Statistics.ChainsCached);
        TakeChain(ids[3..], mutexes[3..]);
        AssertTurnedOffOnce("BUG: MAX_LOCKDEP_CHAINS too low!");
        TakeChain(ids, mutexes);
        Assert.Single(Reports);
    }

    [Fact]
    public void Too_deep_nesting()
    {
        Restart(new LockdepLimits { MaxLockDepth = 4 });
        int[] ids = Enumerable.Range(0, 5).Select(i => Register("c" + i, LockClassKind.Mutex)).ToArray();
        KMutex[] mutexes = ids.Select(_ => new KMutex()).ToArray();
        RunAs("deep", () => TakeChain(ids, mutexes));
        Assert.Equal(
            Expected("""
            BUG: MAX_LOCK_DEPTH too low!
            turning off the locking correctness validator.
            depth: 4  max: 4!
            4 locks held by deep/N:
             #0: (c0){+.+.}-{3:3}, at: Run (Limits.cs:1)
             #1: (c1){+.+.}-{3:3}, at: Run (Limits.cs:1)
             #2: (c2){+.+.}-{3:3}, at: Run (Limits.cs:1)
             #3: (c3){+.+.}-{3:3}, at: Run (Limits.cs:1)

            """),
            SingleReportText());
        AssertTurnedOffOnce("BUG: MAX_LOCK_DEPTH too low!");
    }

    [Fact]
    public void Too_many_stack_trace_frames()
    {
        Restart(new LockdepLimits { MaxStackTraceEntries = 1 });
        Lockdep.CaptureStackTraces = true;
        int[] ids = Enumerable.Range(0, 2).Select(i => Register("c" + i, LockClassKind.Mutex)).ToArray();
        TakeChain(ids, ids.Select(_ => new KMutex()).ToArray());
        AssertTurnedOffOnce("BUG: MAX_STACK_TRACE_ENTRIES too low!");
    }

    [Fact]
    public void Default_limits_are_lockdeps()
    {
        LockdepLimits limits = LockdepLimits.Default;
        Assert.Equal(8192, limits.MaxClasses);
        Assert.Equal(32768, limits.MaxEntries);
        Assert.Equal(65536, limits.MaxChains);
        Assert.Equal(48, limits.MaxLockDepth);
        Assert.Equal(524288, limits.MaxStackTraceEntries);
    }
}
