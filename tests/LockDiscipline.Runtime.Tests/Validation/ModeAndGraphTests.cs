using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>What a report does (log, throw, call back), each problem once, and the graph as text.</summary>
public class ModeAndGraphTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Modes.cs", 3, "Run");

    /// <summary>a then b on one thread, b then a on another: a cycle.</summary>
    private static void Inversion(int a, KMutex ma, int b, KMutex mb)
    {
        RunAs("first", () =>
        {
            Lock(a, ma, Site);
            Lock(b, mb, Site);
            Unlock(b, mb, Site);
            Unlock(a, ma, Site);
        });
        RunAs("second", () =>
        {
            Lock(b, mb, Site);
            Lock(a, ma, Site);
            Unlock(a, ma, Site);
            Unlock(b, mb, Site);
        });
    }

    [Fact]
    public void Each_problem_is_reported_once()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        Inversion(a, ma, b, mb);
        Inversion(a, ma, b, mb);
        Inversion(a, ma, b, mb);
        Assert.Single(Reports);
        Assert.Equal(1, Lockdep.Statistics.Reports);
    }

    [Fact]
    public void Throw_mode_throws_before_the_lock_is_taken_and_records_nothing()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        Lockdep.Mode = LockdepMode.Throw;
        LockdepException? thrown = null;
        RunAs("first", () =>
        {
            Lock(a, ma, Site);
            Lock(b, mb, Site);
            Unlock(b, mb, Site);
            Unlock(a, ma, Site);
        });
        RunAs("second", () =>
        {
            Lock(b, mb, Site);
            thrown = Assert.Throws<LockdepException>(() => Lock(a, ma, Site));
            Assert.False(ma.IsLocked);
            Assert.False(Lockdep.IsHeld("a"));
            Unlock(b, mb, Site);
            Assert.False(Lockdep.IsHeld("b"));
        });

        Assert.NotNull(thrown);
        Assert.Equal(LockdepReportKind.CircularDependency, thrown.Report.Kind);
        Assert.Equal(thrown.Report.Text, thrown.Message);
        Assert.Empty(Reports);

        RunAs("unbalanced", () =>
        {
            LockdepException unlock = Assert.Throws<LockdepException>(() => Unlock(a, ma, Site));
            Assert.Equal(LockdepReportKind.BadUnlockBalance, unlock.Report.Kind);
        });
    }

    [Fact]
    public void Log_mode_writes_to_standard_error_and_continues()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        Lockdep.Mode = LockdepMode.Log;
        TextWriter original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Inversion(a, new KMutex(), b, new KMutex());
        }
        finally
        {
            Console.SetError(original);
        }

        string text = captured.ToString();
        Assert.StartsWith("\n======================================================\nWARNING: possible circular locking dependency detected\n", text);
        Assert.Empty(Reports);
    }

    [Fact]
    public void Callback_mode_without_a_callback_logs()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        Lockdep.Callback = null;
        TextWriter original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Inversion(a, new KMutex(), b, new KMutex());
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("WARNING: possible circular locking dependency detected", captured.ToString());
    }

    [Fact]
    public void A_callback_may_take_locks_itself()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int log = Register("Log._gate", LockClassKind.Mutex);
        var gate = new KMutex();
        Lockdep.Callback = report =>
        {
            Lock(log, gate, Site);
            Reports.Enqueue(report);
            Unlock(log, gate, Site);
        };
        Inversion(a, new KMutex(), b, new KMutex());
        Assert.Single(Reports);

        // The callback ran before the lock being taken (a) was recorded: its lock depends on the held b only.
        string graph = Lockdep.DumpGraph();
        Assert.Contains(": a\n -> [00000001] b\n\n", graph);
        Assert.Contains(": b\n -> [00000002] Log._gate\n\n", graph);
    }

    [Fact]
    public void Stack_traces_show_where_each_dependency_was_first_seen()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        Lockdep.CaptureStackTraces = true;
        Inversion(a, new KMutex(), b, new KMutex());
        string text = Assert.Single(Reports).Text;
        Assert.Contains("-> #1 (b){+.+.}-{3:3}:\n       Run (Modes.cs:3)\n       LockDiscipline.Runtime.Tests.Validation.LockdepTestBase.Lock (", text);
        Assert.Contains("\nstack backtrace:\n LockDiscipline.Runtime.Tests.Validation.LockdepTestBase.Lock (", text);
        Assert.Contains(nameof(Inversion), text);
        Assert.DoesNotContain("LockDiscipline.Validation.", text);
    }

    [Fact]
    public void Stack_traces_leave_out_the_generated_interceptors()
    {
        int a = Register("a", LockClassKind.Mutex);
        Lockdep.CaptureStackTraces = true;
        var mutex = new KMutex();
        RunAs("generated", () =>
        {
            // A sleeping lock with hard IRQs off: the report is made inside the interceptor's call.
            Irq.LocalIrqDisable();
            GeneratedInterceptors.Lock(a, mutex, Site);
            Irq.LocalIrqEnable();
            Unlock(a, mutex, Site);
        });
        string text = Assert.Single(Reports).Text;
        Assert.StartsWith("BUG: sleeping function called from invalid context at Modes.cs:3\n", text);
        Assert.Contains("stack backtrace:\n LockDiscipline.Runtime.Tests.Validation.ModeAndGraphTests+", text);
        Assert.DoesNotContain(nameof(GeneratedInterceptors), text);
    }

    [Fact]
    public void The_graph_as_text_statistics_and_dot()
    {
        int group = Register("&group->mutex", LockClassKind.Mutex);
        int dmar = Register("dmar_global_lock", LockClassKind.RwSemaphore);
        int klist = Register("&k->k_lock", LockClassKind.SpinLock);
        var mutex = new KMutex();
        var rwsem = new KRwSem();
        var spin = new KSpinLock();
        RunAs("boot", () =>
        {
            LockdepHooks.Acquire(dmar, rwsem, AcquireFlags.None, 0, new LockSite("intel.cs", 10, "Init"));
            rwsem.DownWrite();
            Lock(group, mutex, new LockSite("iommu.cs", 20, "AddDevice"));
            LockdepHooks.Acquire(klist, spin, AcquireFlags.DisablesHardIrqs, 0, new LockSite("klist.cs", 30, "Next"));
            IrqFlags flags = spin.LockIrqSave();
            Assert.True(LockdepHooks.Release(klist, spin, Site));
            spin.UnlockIrqRestore(flags);
            Unlock(group, mutex, Site);
            Assert.True(LockdepHooks.Release(dmar, rwsem, Site));
            rwsem.UpWrite();
        });

        Assert.Equal(
            """
            all lock classes:
            00000000 FD:    2 BD:    2 +.+.: &group->mutex
             -> [00000002] &k->k_lock

            00000001 FD:    3 BD:    1 +.+.: dmar_global_lock
             -> [00000000] &group->mutex

            00000002 FD:    1 BD:    3 ....: &k->k_lock


            """.Replace("\r\n", "\n"),
            Lockdep.DumpGraph());
        Assert.Equal(
            """
            digraph lockdep {
              node [shape=box, fontname="monospace"];
              c0 [label="&group->mutex\n{+.+.}"];
              c1 [label="dmar_global_lock\n{+.+.}"];
              c2 [label="&k->k_lock\n{....}"];
              c0 -> c2 [label="Next (klist.cs:30)"];
              c1 -> c0 [label="AddDevice (iommu.cs:20)"];
            }

            """.Replace("\r\n", "\n"),
            Lockdep.ToDot());

        LockdepStatistics stats = Lockdep.Statistics;
        Assert.True(stats.Validating);
        Assert.Equal(3, stats.Classes);
        Assert.Equal(2, stats.Dependencies);
        Assert.Equal(3, stats.ChainsCached);
        Assert.Equal(3, stats.ChainLookups);
        Assert.Equal(0, stats.ChainHits);
        Assert.Equal(3, stats.MaxDepth);
        Assert.Equal(0, stats.Reports);
        Assert.Contains(" dependency chains:", stats.ToString());
    }
}

/// <summary>Stands for the generator's interceptors, whose frames stack traces leave out.</summary>
[System.CodeDom.Compiler.GeneratedCode("LockDiscipline.Generator", "0.1.0")]
internal static class GeneratedInterceptors
{
    public static void Lock(int cls, KMutex mutex, LockSite site)
    {
        LockdepHooks.Acquire(cls, mutex, AcquireFlags.None, 0, site);
        mutex.Lock();
    }
}
