using System.Collections.Concurrent;
using System.Reflection;
using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// The generated checks compiled against the runtime library's engine (ld-engine), and run: intercepted
/// lock operations and annotated calls reach the real validator, which reports in lockdep's words with
/// the call sites the generator passed. These are the only tests that drive the process-wide engine.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private const string Source = """
        using LockDiscipline;

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
        Assert.Contains("at: Iommu.Vfio (EndToEnd.cs:24)", report.Text);
        Assert.Contains("Iommu.Boot (EndToEnd.cs:16)", report.Text);
    }

    [Fact]
    public void A_call_without_the_required_lock_is_reported()
    {
        Run("AddDeviceUnlocked");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.LockNotHeld, report.Kind);
        Assert.Contains("EndToEnd.cs:32", report.Text);
    }

    [Fact]
    public void A_might_sleep_call_under_a_spinlock_is_reported()
    {
        Run("AllocateUnderSpinLock");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.SleepInAtomicContext, report.Kind);
        Assert.Contains("sleeping function called from invalid context at EndToEnd.cs:40", report.Text);
    }

    [Fact]
    public void A_second_unlock_is_reported_and_skipped_instead_of_throwing()
    {
        Run("UnlockTwice");

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.BadUnlockBalance, report.Kind);
        Assert.Contains("Iommu.UnlockTwice (EndToEnd.cs:48)", report.Text);
    }

    private static void Run(string method)
    {
        try
        {
            Iommu.Value.GetMethod(method)!.Invoke(null, null);
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
