using System.Collections.Concurrent;
using System.Reflection;
using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// The generated checks compiled against the runtime library's engine (ld-engine), and run: intercepted
/// lock operations and annotated calls reach the real validator, which reports in lockdep's words with
/// the call sites the generator passed. These and BadUnlockTests are the tests that drive the process-wide engine.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class EndToEndTests : IDisposable
{
    private const string Source = """
        using System.Threading;
        using LockDiscipline;

        [assembly: LockOrder("e2e_config", "e2e_stats")]

        namespace EndToEnd
        {
            public static class Iommu
            {
                [LockClass("e2e_dmar_global_lock")]
                private static readonly KRwSem s_dmarGlobalLock = new();

                private static readonly KMutex s_groupMutex = new();
                private static readonly KSpinLock s_faultLock = new();

                public static void Boot()
                {
                    s_dmarGlobalLock.DownWrite();
                    s_groupMutex.Lock();
                    s_groupMutex.Unlock();
                    s_dmarGlobalLock.UpWrite();
                }

                public static void Vfio()
                {
                    s_groupMutex.Lock();
                    s_dmarGlobalLock.DownRead();
                    s_dmarGlobalLock.UpRead();
                    s_groupMutex.Unlock();
                }

                [RequiresLock(nameof(s_groupMutex))]
                private static void AddDeviceLocked() { }

                public static void AddDeviceUnlocked() => AddDeviceLocked();

                [MightSleep]
                private static void Allocate() { }

                public static void AllocateUnderSpinLock()
                {
                    s_faultLock.Lock();
                    Allocate();
                    s_faultLock.Unlock();
                }

                public static void UnlockTwice()
                {
                    s_groupMutex.Lock();
                    s_groupMutex.Unlock();
                    s_groupMutex.Unlock();
                }
            }

            public static class Device
            {
                [LockClass("e2e_config")] private static readonly KMutex s_config = new();
                [LockClass("e2e_stats")] private static readonly KMutex s_stats = new();

                public static void CollectStats()
                {
                    s_stats.Lock();
                    s_config.Lock();
                    s_config.Unlock();
                    s_stats.Unlock();
                }
            }

            public static class Throttle
            {
                // A semaphore counts as a lock when its initial count is 1, however the arguments are written.
                private static readonly SemaphoreSlim s_gate = new(maxCount: 2, initialCount: 1);
                private static readonly KMutex s_queue = new();

                public static void Submit()
                {
                    s_gate.Wait();
                    s_queue.Lock();
                    s_queue.Unlock();
                    s_gate.Release();
                }

                public static void Drain()
                {
                    s_queue.Lock();
                    s_gate.Wait();
                    s_gate.Release();
                    s_queue.Unlock();
                }
            }

            public static class Caches
            {
                public static void Nest() => new N1.Cache().Fill(new N2.Cache());
            }
        }

        namespace EndToEnd.N1
        {
            public sealed class Cache
            {
                private readonly object _items = new();

                public void Fill(N2.Cache inner)
                {
                    Monitor.Enter(_items);
                    inner.Touch();
                    Monitor.Exit(_items);
                }
            }
        }

        namespace EndToEnd.N2
        {
            public sealed class Cache
            {
                private readonly object _items = new();

                public void Touch()
                {
                    Monitor.Enter(_items);
                    Monitor.Exit(_items);
                }
            }
        }
        """;

    private static readonly Lazy<Type> Iommu = new(Build);

    private readonly ConcurrentQueue<LockdepReport> _reports = new();

    public EndToEndTests()
    {
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = report =>
        {
            // Only this program's reports: other tests' K* primitives also talk to the process-wide engine.
            if (report.Text.Contains("EndToEnd.cs:", StringComparison.Ordinal))
            {
                _reports.Enqueue(report);
            }
        };
    }

    public void Dispose()
    {
        Lockdep.Callback = null;
        Lockdep.Mode = LockdepMode.Log;
    }

    [Fact]
    public void An_inversion_through_intercepted_calls_is_a_circular_dependency_report_at_the_call_sites()
    {
        Run("Boot");
        Run("Vfio");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Contains("(e2e_dmar_global_lock)", report.Text);
        Assert.Contains("(Iommu.s_groupMutex)", report.Text);
        Assert.Contains("at: Iommu.Vfio (EndToEnd.cs:27)", report.Text);
        Assert.Contains("Iommu.Boot (EndToEnd.cs:19)", report.Text);
    }

    [Fact]
    public void A_call_without_the_required_lock_is_reported()
    {
        Run("AddDeviceUnlocked");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.LockNotHeld, report.Kind);
        Assert.Contains("EndToEnd.cs:35", report.Text);
    }

    [Fact]
    public void A_might_sleep_call_under_a_spinlock_is_reported()
    {
        Run("AllocateUnderSpinLock");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.SleepInAtomicContext, report.Kind);
        Assert.Contains("sleeping function called from invalid context at EndToEnd.cs:43", report.Text);
    }

    [Fact]
    public void A_second_unlock_is_reported_then_throws_as_without_checks()
    {
        var thrown = Assert.Throws<SynchronizationLockException>(() => Run("UnlockTwice"));

        Assert.Equal("KMutex unlocked by a thread that does not hold it.", thrown.Message);

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.BadUnlockBalance, report.Kind);
        Assert.Contains("Iommu.UnlockTwice (EndToEnd.cs:51)", report.Text);
    }

    [Fact]
    public void A_declared_order_broken_at_run_time_is_reported_naming_both_classes_and_the_declaration()
    {
        Run("CollectStats", "EndToEnd.Device");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Contains("declared lock order violated", report.Text);
        Assert.Contains("(e2e_config)", report.Text);
        Assert.Contains("(e2e_stats)", report.Text);
        Assert.Contains("EndToEnd.cs:4\n", report.Text.Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_semaphore_created_with_named_arguments_is_checked_like_any_lock()
    {
        Run("Submit", "EndToEnd.Throttle");
        Run("Drain", "EndToEnd.Throttle");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Contains("(Throttle.s_gate)", report.Text);
    }

    [Fact]
    public void Two_classes_with_the_same_name_in_two_namespaces_are_two_lock_classes()
    {
        Run("Nest", "EndToEnd.Caches");

        Assert.Empty(_reports);
    }

    private static void Run(string method, string type = "EndToEnd.Iommu")
    {
        try
        {
            var declaring = type == "EndToEnd.Iommu" ? Iommu.Value : Iommu.Value.Assembly.GetType(type, throwOnError: true)!;
            declaring.GetMethod(method)!.Invoke(null, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    private static Type Build()
    {
        var run = GeneratorHarness.Run("EndToEnd.cs", Source);
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
        Assert.DoesNotContain(run.Output.SyntaxTrees, tree => tree.FilePath == "/hooks/RecordingHooks.cs");
        return run.Load().GetType("EndToEnd.Iommu", throwOnError: true)!;
    }
}
