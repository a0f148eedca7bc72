using System.Collections.Concurrent;
using System.Reflection;
using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// A release of a lock the thread does not hold, through every woven path (the checked call of each lock
/// API, the <c>Monitor.Exit</c> and <c>Lock.Exit</c> hooks of a lock classed by type): the same program
/// compiled with checks (woven) and without (as a Release build has none) throws the same exception,
/// after the "bad unlock balance" report; with <see cref="Lockdep.SkipBadUnlocks"/> the reported
/// release is skipped. Each operation runs on a thread of its own.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class BadUnlockTests : IDisposable
{
    private const string FileName = "BadUnlock.cs";

    // One type per test below, and one member per release, so each release has a lock class of its own: the
    // engine reports bad unlock balance once per class.
    private const string LocksTemplate = """
            public sealed class TYPE
            {
                public readonly object Gate = new();
                public readonly Lock Door = new();
                public readonly SemaphoreSlim Slot = new(1, 1);
                public readonly ReaderWriterLockSlim TableRead = new();
                public readonly ReaderWriterLockSlim TableWrite = new();
                public readonly ReaderWriterLockSlim TableUpgradeable = new();
                public readonly KMutex Mutex = new();
                public readonly KSpinLock Spin = new();
                public readonly KRwSem SemRead = new();
                public readonly KRwSem SemWrite = new();
                public readonly KRwLock RwLockRead = new();
                public readonly KRwLock RwLockWrite = new();
                public readonly KLockMap Map = new();

                public void ExitGate() => Monitor.Exit(Gate);
                public void ExitThis() => Monitor.Exit(this);
                public void ExitDoor() => Door.Exit();
                public void ExitDoorParameter() => ExitLock(Door);
                public void ReleaseSlot() => Slot.Release();
                public void ExitTableRead() => TableRead.ExitReadLock();
                public void ExitTableWrite() => TableWrite.ExitWriteLock();
                public void ExitTableUpgradeable() => TableUpgradeable.ExitUpgradeableReadLock();
                public void UnlockMutex() => Mutex.Unlock();
                public void UnlockSpin() => Spin.Unlock();
                public void UpReadSem() => SemRead.UpRead();
                public void UpWriteSem() => SemWrite.UpWrite();
                public void ReadUnlockRwLock() => RwLockRead.ReadUnlock();
                public void WriteUnlockRwLock() => RwLockWrite.WriteUnlock();
                public void ReleaseMap() => Map.Release();

                private static void ExitLock(Lock door) => door.Exit();
            }

        """;

    private static readonly string Source =
        "using System.Threading;\nusing LockDiscipline;\n\nnamespace BadUnlock\n{\n"
        + LocksTemplate.Replace("TYPE", "Thrown") + LocksTemplate.Replace("TYPE", "Skipped") + "}\n";

    private static readonly Lazy<Assembly> Checked = new(() => Build(GeneratorHarness.ChecksOn));

    private static readonly Lazy<Assembly> Unchecked = new(() => Build(GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", "false"))));

    private readonly ConcurrentQueue<LockdepReport> _reports = new();

    public BadUnlockTests()
    {
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = report =>
        {
            if (report.Text.Contains(FileName + ":", StringComparison.Ordinal))
            {
                _reports.Enqueue(report);
            }
        };
    }

    /// <summary>
    /// Each release, and the member whose class its report names: null for <c>Monitor.Exit(this)</c>, classed by
    /// its type, and for the semaphore, which has no owner and so is never reported.
    /// </summary>
    public static TheoryData<string, string?> Releases => new()
    {
        { "ExitGate", "Gate" },
        { "ExitThis", null },
        { "ExitDoor", "Door" },
        { "ReleaseSlot", null },
        { "ExitTableRead", "TableRead" },
        { "ExitTableWrite", "TableWrite" },
        { "ExitTableUpgradeable", "TableUpgradeable" },
        { "UnlockMutex", "Mutex" },
        { "UnlockSpin", "Spin" },
        { "UpReadSem", "SemRead" },
        { "UpWriteSem", "SemWrite" },
        { "ReadUnlockRwLock", "RwLockRead" },
        { "WriteUnlockRwLock", "RwLockWrite" },
        { "ReleaseMap", "Map" },
    };

    /// <summary>The releases the mode skips: all but a semaphore's, never reported since a semaphore has no owner.</summary>
    public static TheoryData<string, string?> SkippedReleases
    {
        get
        {
            var skipped = new TheoryData<string, string?>();
            foreach (var release in Releases)
            {
                if ((string)release[0] != "ReleaseSlot")
                {
                    skipped.Add((string)release[0], (string?)release[1]);
                }
            }

            return skipped;
        }
    }

    public void Dispose()
    {
        Lockdep.Callback = null;
        Lockdep.Mode = LockdepMode.Log;
        Lockdep.SkipBadUnlocks = false;
    }

    [Fact]
    public void Without_checks_every_release_of_a_lock_not_held_throws()
    {
        foreach (var release in Releases)
        {
            Assert.NotNull(RunOnThread(Unchecked.Value, "Thrown", (string)release[0]));
        }
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void A_release_of_a_lock_not_held_is_reported_then_throws_what_it_throws_without_checks(string method, string? member)
    {
        var expected = RunOnThread(Unchecked.Value, "Thrown", method)!;

        var thrown = RunOnThread(Checked.Value, "Thrown", method);

        Assert.NotNull(thrown);
        Assert.Equal(expected.GetType(), thrown.GetType());
        Assert.Equal(expected.Message, thrown.Message);
        if (member is null && method != "ReleaseSlot")
        {
            // Classed by type (this): the class is the type's name, reported at the call.
            AssertReported(method, "(Thrown)");
        }
        else if (member is not null)
        {
            AssertReported(method, "(Thrown." + member + ")");
        }
        else
        {
            Assert.Empty(_reports);
        }
    }

    [Theory]
    [MemberData(nameof(SkippedReleases))]
    public void With_SkipBadUnlocks_a_reported_release_is_skipped_and_nothing_is_thrown(string method, string? member)
    {
        Lockdep.SkipBadUnlocks = true;

        Assert.Null(RunOnThread(Checked.Value, "Skipped", method));

        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.BadUnlockBalance, report.Kind);
        Assert.Contains(member is null ? "(Skipped)" : "(Skipped." + member + ")", report.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A <c>Lock.Exit</c> on a parameter: its class is the type's, <c>(Lock)</c> in both types, and reported
    /// once, so the default and the skipping mode run here in that order.
    /// </summary>
    [Fact]
    public void A_lock_exit_on_a_parameter_is_reported_then_throws_what_it_throws_without_checks_and_is_skipped_with_SkipBadUnlocks()
    {
        var expected = RunOnThread(Unchecked.Value, "Thrown", "ExitDoorParameter")!;

        var thrown = RunOnThread(Checked.Value, "Thrown", "ExitDoorParameter");

        Assert.NotNull(thrown);
        Assert.Equal(expected.GetType(), thrown.GetType());
        Assert.Equal(expected.Message, thrown.Message);
        AssertReported("ExitLock", "(Lock)");

        Lockdep.SkipBadUnlocks = true;
        Assert.Null(RunOnThread(Checked.Value, "Skipped", "ExitDoorParameter"));
    }

    [Fact]
    public void With_SkipBadUnlocks_a_semaphore_release_past_its_maximum_still_throws_since_a_semaphore_has_no_owner_to_report()
    {
        Lockdep.SkipBadUnlocks = true;

        var thrown = RunOnThread(Checked.Value, "Skipped", "ReleaseSlot");

        Assert.IsType<SemaphoreFullException>(thrown);
        Assert.Empty(_reports);
    }

    private void AssertReported(string method, string lockClass, string type = "Thrown")
    {
        var report = Assert.Single(_reports);
        Assert.Equal(LockdepReportKind.BadUnlockBalance, report.Kind);
        Assert.Contains(lockClass, report.Text, StringComparison.Ordinal);
        Assert.Contains(type + "." + method + " (" + FileName + ":" + LineOf(method) + ")", report.Text, StringComparison.Ordinal);
    }

    // The line of the method in the Thrown class, as the generator numbers lines (from 1).
    private static int LineOf(string method)
    {
        var lines = Source.Split('\n');
        return Array.FindIndex(lines, line => line.Contains("void " + method + "(", StringComparison.Ordinal)) + 1;
    }

    private static Exception? RunOnThread(Assembly assembly, string type, string method)
    {
        var locks = Activator.CreateInstance(assembly.GetType("BadUnlock." + type, throwOnError: true)!)!;
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                locks.GetType().GetMethod(method)!.Invoke(locks, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                thrown = e.InnerException;
            }
        });
        thread.Start();
        thread.Join();
        return thrown;
    }

    private static Assembly Build(IReadOnlyDictionary<string, string> properties)
    {
        var run = GeneratorHarness.Run(FileName, Source, properties);
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
        return run.Load();
    }
}
