using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// Classes are told apart by key, not by the name reports print; declared orders reach the validator as
/// pairs of classes and an acquisition against one is reported once, on real threads with real locks.
/// </summary>
public sealed class ClassIdentityAndDeclaredOrderTests : LockdepTestBase
{
    [Fact]
    public void The_same_key_registered_twice_is_one_class()
    {
        int first = LockdepHooks.RegisterClass("member:F:N1.Cache._items", "Cache._items", LockClassKind.Monitor);
        int again = LockdepHooks.RegisterClass("member:F:N1.Cache._items", "Cache._items", LockClassKind.Monitor);

        Assert.Equal(first, again);
    }

    [Fact]
    public void Two_keys_with_one_name_are_two_classes_and_nesting_them_is_no_recursion()
    {
        int outer = LockdepHooks.RegisterClass("member:F:N1.Cache._items", "Cache._items", LockClassKind.Mutex);
        int inner = LockdepHooks.RegisterClass("member:F:N1.Cache.Nested._items", "Cache._items", LockClassKind.Mutex);
        var outerLock = new KMutex();
        var innerLock = new KMutex();

        Assert.NotEqual(outer, inner);
        RunAs("worker", () =>
        {
            Lock(outer, outerLock, At("Cache.Fill", "Cache.cs", 10));
            Lock(inner, innerLock, At("Nested.Fill", "Cache.cs", 20));
            Unlock(inner, innerLock, At("Nested.Fill", "Cache.cs", 21));
            Unlock(outer, outerLock, At("Cache.Fill", "Cache.cs", 11));
        });

        Assert.Empty(Reports);
    }

    [Fact]
    public void A_second_class_of_a_name_is_printed_with_its_name_version()
    {
        int first = LockdepHooks.RegisterClass("member:F:N1.Cache._items", "Cache._items", LockClassKind.Mutex);
        int second = LockdepHooks.RegisterClass("member:F:N2.Cache._items", "Cache._items", LockClassKind.Mutex);
        var a = new KMutex();
        var b = new KMutex();

        RunAs("worker", () =>
        {
            Lock(first, a, At("N1.Cache.Fill", "Cache.cs", 10));
            Lock(second, b, At("N2.Cache.Fill", "Cache.cs", 20));
            Unlock(second, b, At("N2.Cache.Fill", "Cache.cs", 21));
            Unlock(first, a, At("N1.Cache.Fill", "Cache.cs", 11));
            Lock(second, b, At("N2.Cache.Drain", "Cache.cs", 30));
            Lock(first, a, At("N1.Cache.Drain", "Cache.cs", 31));
            Unlock(first, a, At("N1.Cache.Drain", "Cache.cs", 32));
            Unlock(second, b, At("N2.Cache.Drain", "Cache.cs", 33));
        });

        var report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Contains("(Cache._items#2)", report.Text, StringComparison.Ordinal);
        Assert.Contains("(Cache._items)", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_acquisition_against_the_declared_order_is_reported_once_in_lockdep_layout()
    {
        int config = Register("dev_config_mutex", LockClassKind.Mutex);
        int stats = Register("dev_stats_mutex", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(config, stats, "Orders.cs:3");
        var configLock = new KMutex();
        var statsLock = new KMutex();

        RunAs("kworker", () =>
        {
            for (int i = 0; i < 2; i++)
            {
                Lock(stats, statsLock, At("Device.CollectStats", "Device.cs", 41));
                Lock(config, configLock, At("Device.CollectStats", "Device.cs", 42));
                Unlock(config, configLock, At("Device.CollectStats", "Device.cs", 43));
                Unlock(stats, statsLock, At("Device.CollectStats", "Device.cs", 44));
            }
        });

        Assert.Equal(
            Expected("""
            =====================================
            WARNING: declared lock order violated
            {ident}
            -------------------------------------
            kworker/N is trying to acquire lock:
            (dev_config_mutex){+.+.}-{3:3}, at: Device.CollectStats (Device.cs:42)

            but task is already holding lock:
            (dev_stats_mutex){+.+.}-{3:3}, at: Device.CollectStats (Device.cs:41)

            which the declared lock order puts after the new lock:

              dev_config_mutex before dev_stats_mutex, declared at Orders.cs:3

            other info that might help us debug this:
             Possible unsafe locking scenario:

                   CPU0
                   ----
              lock(dev_stats_mutex);
              lock(dev_config_mutex);

             *** the code that keeps the declared order can deadlock with this ***

            1 lock held by kworker/N:
             #0: (dev_stats_mutex){+.+.}-{3:3}, at: Device.CollectStats (Device.cs:41)

            """),
            SingleReportText());
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void A_transitive_declared_order_is_enforced_and_the_report_lists_each_declaration()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int c = Register("c", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:1");
        LockdepHooks.DeclareOrder(b, c, "Orders.cs:2");
        var lockA = new KMutex();
        var lockC = new KMutex();

        RunAs("worker", () =>
        {
            Lock(c, lockC, At("M", "M.cs", 1));
            Lock(a, lockA, At("M", "M.cs", 2));
            Unlock(a, lockA, At("M", "M.cs", 3));
            Unlock(c, lockC, At("M", "M.cs", 4));
        });

        var report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Contains("  a before b, declared at Orders.cs:1\n  b before c, declared at Orders.cs:2\n", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeping_the_declared_order_is_not_reported()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:1");
        var lockA = new KMutex();
        var lockB = new KMutex();

        RunAs("worker", () =>
        {
            Lock(a, lockA, At("M", "M.cs", 1));
            Lock(b, lockB, At("M", "M.cs", 2));
            Unlock(b, lockB, At("M", "M.cs", 3));
            Unlock(a, lockA, At("M", "M.cs", 4));
        });

        Assert.Empty(Reports);
    }

    [Fact]
    public void Declarations_that_contradict_each_other_order_nothing()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:1");
        LockdepHooks.DeclareOrder(b, a, "Orders.cs:2");
        var lockA = new KMutex();
        var lockB = new KMutex();

        RunAs("worker", () =>
        {
            Lock(b, lockB, At("M", "M.cs", 1));
            Lock(a, lockA, At("M", "M.cs", 2));
            Unlock(a, lockA, At("M", "M.cs", 3));
            Unlock(b, lockB, At("M", "M.cs", 4));
        });

        Assert.Empty(Reports);
    }

    [Fact]
    public void Orders_between_ids_that_were_never_registered_are_ignored()
    {
        int a = Register("a", LockClassKind.Mutex);

        LockdepHooks.DeclareOrder(a, 12345, "Orders.cs:1");
        LockdepHooks.DeclareOrder(-1, a, "Orders.cs:2");

        Assert.Empty(Reports);
    }
}
