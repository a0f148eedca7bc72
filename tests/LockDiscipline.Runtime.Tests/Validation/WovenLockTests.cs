// The woven hooks take a System.Threading.Lock as object, as woven code passes it: they tell locks apart by identity and never lock them.
#pragma warning disable CS9216

using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// The hooks woven code calls (<see cref="WovenLocks"/>), called in the order the weaver puts them: in
/// place of the <c>Monitor</c> call, or just before the <c>System.Threading.Lock</c> call that stays. The
/// site table is the text the generator writes.
/// </summary>
public class WovenLockTests : LockdepTestBase
{
    private const string Table =
        "System.Threading.Monitor.Enter\t0\tLedger.cs\t13\t9\tLedger.Post\t\n" +
        "System.Threading.Lock.EnterScope\t1\tLedger.cs\t15\t13\tLedger.Post\t\n" +
        "System.Threading.Lock.EnterScope\t1\tLedger.cs\t23\t9\tLedger.Audit\t\n" +
        "System.Threading.Monitor.Enter\t0\tLedger.cs\t25\t13\tLedger.Audit\t\n" +
        "System.Threading.Monitor.Exit\t0\tLedger.cs\t30\t9\tLedger.Release\t";

    private readonly LockSiteTable _sites;
    private readonly object _accounts = new();
    private readonly Lock _audit = new();

    // Registered after the base class has reset the validator, as the generated registry registers them.
    public WovenLockTests()
    {
        _sites = new LockSiteTable(Table, new[]
        {
            LockdepHooks.RegisterClass("member:F:Ledger._accounts", "Ledger._accounts", LockClassKind.Monitor),
            LockdepHooks.RegisterClass("member:F:Ledger._audit", "Ledger._audit", LockClassKind.ThreadingLock),
        });
    }

    [Fact]
    public void Lock_statements_taken_in_both_orders_on_two_threads_report_the_cycle_at_the_table_sites()
    {
        RunAs("post", () =>
        {
            bool taken = false;
            WovenLocks.MonitorEnter(_accounts, ref taken, _sites, 0);
            WovenLocks.Acquiring(_audit, _sites, 1);
            Lock.Scope scope = _audit.EnterScope();
            WovenLocks.ScopeDisposing(_audit);
            scope.Dispose();
            WovenLocks.LockStatementExit(_accounts);
        });
        Assert.Empty(Reports);

        RunAs("audit", () =>
        {
            WovenLocks.Acquiring(_audit, _sites, 2);
            Lock.Scope scope = _audit.EnterScope();
            bool taken = false;
            WovenLocks.MonitorEnter(_accounts, ref taken, _sites, 3);
            WovenLocks.LockStatementExit(_accounts);
            WovenLocks.ScopeDisposing(_audit);
            scope.Dispose();
            Assert.False(Lockdep.IsHeld("Ledger._audit"));
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Contains("(Ledger._accounts, Monitor), at: Ledger.Audit (Ledger.cs:25)", report.Text, StringComparison.Ordinal);
        Assert.Contains("(Ledger._audit, Lock), at: Ledger.Audit (Ledger.cs:23)", report.Text, StringComparison.Ordinal);
        Assert.Contains("Ledger.Post (Ledger.cs:15)", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_monitor_exit_without_the_monitor_is_reported_then_throws_as_the_BCL_does()
    {
        RunAs("release", () => Assert.Throws<SynchronizationLockException>(() => WovenLocks.MonitorExit(_accounts, _sites, 4)));

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.BadUnlockBalance, report.Kind);
        Assert.Contains("Ledger.Release (Ledger.cs:30)", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void With_SkipBadUnlocks_a_monitor_exit_without_the_monitor_is_reported_and_skipped()
    {
        Lockdep.SkipBadUnlocks = true;

        RunAs("release", () => WovenLocks.MonitorExit(_accounts, _sites, 4));

        Assert.Equal(LockdepReportKind.BadUnlockBalance, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void With_SkipBadUnlocks_a_monitor_held_but_taken_out_of_the_validators_sight_is_still_released()
    {
        Lockdep.SkipBadUnlocks = true;

        RunAs("unseen", () =>
        {
            Monitor.Enter(_accounts);
            WovenLocks.MonitorExit(_accounts, _sites, 4);
            Assert.False(Monitor.IsEntered(_accounts));
        });

        Assert.Empty(Reports);
    }

    [Fact]
    public void With_SkipBadUnlocks_a_lock_exit_without_the_lock_is_reported_and_the_hook_says_to_skip_it()
    {
        Lockdep.SkipBadUnlocks = true;

        RunAs("release", () => Assert.False(WovenLocks.Releasing(_audit, _audit.IsHeldByCurrentThread, _sites, 2)));

        Assert.Equal(LockdepReportKind.BadUnlockBalance, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void A_lock_exit_without_the_lock_is_reported_then_the_real_exit_throws()
    {
        RunAs("release", () =>
        {
            Assert.True(WovenLocks.Releasing(_audit, _audit.IsHeldByCurrentThread, _sites, 2));
            Assert.Throws<SynchronizationLockException>(() => _audit.Exit());
        });

        Assert.Equal(LockdepReportKind.BadUnlockBalance, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void A_monitor_taken_out_of_the_validators_sight_is_released_without_a_report()
    {
        RunAs("unseen", () =>
        {
            Monitor.Enter(_accounts);
            WovenLocks.MonitorExit(_accounts, _sites, 4);
            Assert.False(Monitor.IsEntered(_accounts));
        });

        Assert.Empty(Reports);
    }

    [Fact]
    public void An_explicit_enter_and_exit_pair_keeps_the_held_stack_exact()
    {
        RunAs("explicit", () =>
        {
            WovenLocks.MonitorEnter(_accounts, _sites, 0);
            Assert.True(Lockdep.IsHeld("Ledger._accounts"));
            WovenLocks.MonitorExit(_accounts, _sites, 4);
            Assert.False(Lockdep.IsHeld("Ledger._accounts"));
            Assert.False(Monitor.IsEntered(_accounts));
        });

        Assert.Empty(Reports);
    }

    [Fact]
    public void A_monitor_enter_that_throws_leaves_nothing_held()
    {
        RunAs("null", () =>
        {
            bool taken = false;
            Assert.Throws<ArgumentNullException>(() => WovenLocks.MonitorEnter(null!, ref taken, _sites, 0));
            Assert.False(taken);
            Assert.False(Lockdep.IsHeld("Ledger._accounts"));

            // A scope never entered has no lock to forget.
            WovenLocks.ScopeDisposing(null);
        });

        Assert.Empty(Reports);
    }

    /// <summary>
    /// <c>lock (this)</c> in a type and <c>lock (owner._member)</c> on the same object are two classes (the
    /// analyzer's); the monitor re-entered under the other class is re-entry of the same instance, not a
    /// dependency, in either order (docs/design.md, "Class keys").
    /// </summary>
    [Fact]
    public void One_object_locked_as_this_and_through_a_member_is_two_classes_and_its_reentry_is_not_reported()
    {
        var sites = new LockSiteTable(
            "System.Threading.Monitor.Enter\t0\tGate.cs\t5\t9\tGate.Close\t\n" +
            "System.Threading.Monitor.Enter\t1\tOwner.cs\t9\t9\tOwner.Shut\t",
            new[]
            {
                LockdepHooks.RegisterClass("type:T:Gate", "Gate", LockClassKind.Monitor),
                LockdepHooks.RegisterClass("member:F:Owner._gate", "Owner._gate", LockClassKind.Monitor),
            });
        object gate = new();
        foreach (int[] order in new[] { new[] { 0, 1 }, new[] { 1, 0 } })
        {
            RunAs("reenter", () =>
            {
                bool outer = false, inner = false;
                WovenLocks.MonitorEnter(gate, ref outer, sites, order[0]);
                WovenLocks.MonitorEnter(gate, ref inner, sites, order[1]);
                Assert.True(Lockdep.IsHeld("Gate") && Lockdep.IsHeld("Owner._gate"));
                WovenLocks.LockStatementExit(gate);
                WovenLocks.LockStatementExit(gate);
                Assert.False(Monitor.IsEntered(gate));
            });
        }

        Assert.Empty(Reports);
        Assert.Equal(0, Lockdep.Statistics.Dependencies);
    }

    /// <summary><c>lock (from) { lock (to) { } }</c> on two objects classed by one type: lockdep's report for two locks of one class nested.</summary>
    [Fact]
    public void Two_objects_of_one_class_nested_are_reported_as_possible_recursive_locking()
    {
        var sites = new LockSiteTable(
            "System.Threading.Monitor.Enter\t0\tAccount.cs\t7\t9\tAccount.Transfer\t\n" +
            "System.Threading.Monitor.Enter\t0\tAccount.cs\t9\t13\tAccount.Transfer\t",
            new[] { LockdepHooks.RegisterClass("type:T:Account", "Account", LockClassKind.Monitor) });
        object from = new(), to = new();
        RunAs("transfer", () =>
        {
            bool outer = false, inner = false;
            WovenLocks.MonitorEnter(from, ref outer, sites, 0);
            WovenLocks.MonitorEnter(to, ref inner, sites, 1);
            WovenLocks.LockStatementExit(to);
            WovenLocks.LockStatementExit(from);
        });

        Assert.Equal(LockdepReportKind.RecursiveLocking, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void The_site_table_decodes_what_the_generator_writes_and_rejects_anything_else()
    {
        Assert.Equal(5, _sites.Count);
        Assert.Equal(0, new LockSiteTable(string.Empty, Array.Empty<int>()).Count);
        Assert.Throws<FormatException>(() => new LockSiteTable("System.Threading.Monitor.Enter\t0\tLedger.cs", new[] { 1 }));
        Assert.Throws<FormatException>(() => new LockSiteTable("System.Threading.Monitor.Enter\t0\tLedger.cs\t13\t9\tLedger.Post", new[] { 1 }));
    }

    /// <summary>A row redirected to a generated method names it in the last field; an annotated call's row names no class.</summary>
    [Fact]
    public void A_call_of_an_annotated_method_has_no_class_and_every_site_keeps_its_place()
    {
        var sites = new LockSiteTable(
            "LockDiscipline.KMutex.Lock\t0\tDriver.cs\t4\t15\tDriver.Probe\tLock_0\n" +
            "Driver.Attach\t\tDriver.cs\t6\t9\tDriver.Probe\tAttach_1",
            new[] { 42 });

        Assert.Equal(42, sites.ClassId(0));
        Assert.Equal(LockSiteTable.NoClass, sites.ClassId(1));
        Assert.Equal("Driver.Probe (Driver.cs:6)", sites.Site(1).ToString());
    }
}
