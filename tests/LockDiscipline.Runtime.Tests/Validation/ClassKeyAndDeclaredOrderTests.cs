using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// Issue 9: a class is its key, not its display name, and the declared lock order is checked at run time.
/// Real threads and real locks, the hooks called as generated code calls them.
/// </summary>
public class ClassKeyAndDeclaredOrderTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Orders.cs", 1, "Run");

    /// <summary>Takes <paramref name="outer"/> then <paramref name="inner"/> on a new thread, and releases both.</summary>
    private static void Nest(string thread, int outer, KMutex outerLock, LockSite outerSite, int inner, KMutex innerLock, LockSite innerSite)
    {
        RunAs(thread, () =>
        {
            Lock(outer, outerLock, outerSite);
            Lock(inner, innerLock, innerSite);
            Unlock(inner, innerLock, innerSite);
            Unlock(outer, outerLock, outerSite);
        });
    }

    [Fact]
    public void One_name_under_two_keys_is_two_classes_and_the_second_prints_as_name_2()
    {
        // Two types named Cache in two namespaces, each with a field _items.
        int first = LockdepHooks.RegisterClass("type:Shop.Cache._items", "Cache._items", LockClassKind.Mutex);
        int second = LockdepHooks.RegisterClass("type:Stock.Cache._items", "Cache._items", LockClassKind.Mutex);
        Assert.NotEqual(first, second);

        var shop = new KMutex();
        var stock = new KMutex();
        RunAs("cache", () =>
        {
            Lock(first, shop, At("Shop.Cache.Refill", "Shop.cs", 10));
            Lock(second, stock, At("Stock.Cache.Reserve", "Stock.cs", 20));
            Assert.True(Lockdep.IsHeld("Cache._items"));
            Assert.True(Lockdep.IsHeld("Cache._items#2"));
            Lockdep.AssertHeld("Cache._items#2");
            Unlock(second, stock, At("Stock.Cache.Reserve", "Stock.cs", 21));
            Assert.False(Lockdep.IsHeld("Cache._items#2"));
            Unlock(first, shop, At("Shop.Cache.Refill", "Shop.cs", 11));
        });
        Assert.Empty(Reports);
        Assert.Equal(2, Lockdep.Statistics.Classes);
        Assert.Contains(": Cache._items\n -> [00000001] Cache._items#2\n", Lockdep.DumpGraph());

        // Two instances of the second class nested: that one is recursive locking, and says which class.
        var other = new KMutex();
        Nest("reserve", second, stock, At("Stock.Cache.Reserve", "Stock.cs", 20), second, other, At("Stock.Cache.Split", "Stock.cs", 30));
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
        Assert.Equal(new[] { "Cache._items#2" }, report.Classes);
        Assert.Contains("(Cache._items#2){+.+.}-{3:3}, at: Stock.Cache.Split (Stock.cs:30)\n", report.Text);
        Assert.Contains("  lock(Cache._items#2);\n  lock(Cache._items#2);\n", report.Text);
    }

    [Fact]
    public void A_name_version_skips_a_printed_name_that_another_class_was_given()
    {
        int literal = LockdepHooks.RegisterClass("name:x#2", "x#2", LockClassKind.Mutex);
        int first = LockdepHooks.RegisterClass("type:A.x", "x", LockClassKind.Mutex);
        int second = LockdepHooks.RegisterClass("type:B.x", "x", LockClassKind.Mutex);
        var mutex = new KMutex();
        RunAs("names", () =>
        {
            Lock(second, mutex, Site);
            Assert.True(Lockdep.IsHeld("x#3"));
            Assert.False(Lockdep.IsHeld("x#2") || Lockdep.IsHeld("x"));
            Unlock(second, mutex, Site);
        });
        Assert.Equal(3, new[] { literal, first, second }.Distinct().Count());
        Assert.Contains(": x#3\n", Lockdep.DumpGraph());
    }

    [Fact]
    public void The_same_key_registered_again_is_the_same_class()
    {
        // Two assemblies registering one [LockClass] name, the second with other display text and kind.
        int first = LockdepHooks.RegisterClass("name:group->mutex", "group->mutex", LockClassKind.Mutex);
        int again = LockdepHooks.RegisterClass("name:group->mutex", "group->mutex (other assembly)", LockClassKind.SpinLock);
        Assert.Equal(first, again);
        Assert.Equal(1, Lockdep.Statistics.Classes);
        Assert.DoesNotContain("other assembly", Lockdep.DumpGraph());
        Assert.Throws<ArgumentNullException>(() => LockdepHooks.RegisterClass(null!, "name", LockClassKind.Mutex));
        Assert.Throws<ArgumentNullException>(() => LockdepHooks.RegisterClass("key", null!, LockClassKind.Mutex));
    }

    [Fact]
    public void A_broken_declared_order_is_reported_once_and_the_program_continues()
    {
        int ledger = Register("Orders._ledger", LockClassKind.Mutex);
        int audit = Register("Orders._audit", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(ledger, audit, "[assembly: LockOrder] at Orders.cs:3");
        var ledgerLock = new KMutex();
        var auditLock = new KMutex();

        Nest("post", ledger, ledgerLock, At("Orders.Post", "Orders.cs", 10), audit, auditLock, At("Orders.Audit", "Orders.cs", 20));
        Assert.Empty(Reports);

        bool continued = false;
        RunAs("review", () =>
        {
            Lock(audit, auditLock, At("Orders.Review", "Orders.cs", 30));
            Lock(ledger, ledgerLock, At("Orders.Reread", "Orders.cs", 40));
            Assert.True(ledgerLock.IsLocked);
            Assert.True(Lockdep.IsHeld("Orders._ledger"));
            Unlock(ledger, ledgerLock, At("Orders.Reread", "Orders.cs", 41));
            Unlock(audit, auditLock, At("Orders.Review", "Orders.cs", 31));
            continued = true;
        });
        Assert.True(continued);

        // Again, on another thread at other sites: the pair was reported already.
        Nest("review2", audit, auditLock, At("Orders.Close", "Orders.cs", 50), ledger, ledgerLock, At("Orders.Sum", "Orders.cs", 60));

        // The nesting also closes a cycle with post's ledger -> audit: lockdep's own report, besides.
        Assert.Equal(2, Reports.Count);
        Assert.Equal(LockdepReportKind.CircularDependency, Reports.First().Kind);
        LockdepReport report = Reports.Last();
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Equal("WARNING: declared lock order violated", report.Title);
        Assert.Equal(new[] { "Orders._ledger", "Orders._audit" }, report.Classes);
        Assert.Contains("(Orders._ledger){+.+.}-{3:3}, at: Orders.Reread (Orders.cs:40)\n", report.Text);
        Assert.Contains("(Orders._audit){+.+.}-{3:3}, at: Orders.Review (Orders.cs:30)\n", report.Text);
        Assert.Contains("-> #0 (Orders._ledger) before (Orders._audit):\n       [assembly: LockOrder] at Orders.cs:3\n", report.Text);
        Assert.Equal(2, Lockdep.Statistics.Reports);
    }

    [Fact]
    public void A_broken_declared_order_is_reported_before_any_inverse_path_exists()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:3");
        Nest("first", b, new KMutex(), Site, a, new KMutex(), Site);
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Equal(new[] { "a", "b" }, report.Classes);
    }

    [Fact]
    public void An_order_declared_after_the_chain_was_validated_is_checked_when_it_is_next_taken()
    {
        // An assembly loaded late declares an order on classes already in use.
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        var ma = new KMutex();
        var mb = new KMutex();
        Nest("early", b, mb, Site, a, ma, Site);
        Assert.Empty(Reports);
        Assert.Equal(2, Lockdep.Statistics.ChainsCached);

        LockdepHooks.DeclareOrder(a, b, "Late.cs:3");
        Assert.Equal(0, Lockdep.Statistics.ChainsCached);
        Nest("late", b, mb, Site, a, ma, Site);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, Assert.Single(Reports).Kind);
        Assert.Equal(1, Lockdep.Statistics.Dependencies);
    }

    [Fact]
    public void A_held_lock_below_the_innermost_counts_too()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int other = Register("other", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:3");
        var ma = new KMutex();
        var mb = new KMutex();
        var mo = new KMutex();
        RunAs("deep", () =>
        {
            Lock(b, mb, At("Deep.Outer", "Deep.cs", 1));
            Lock(other, mo, At("Deep.Middle", "Deep.cs", 2));
            Lock(a, ma, At("Deep.Inner", "Deep.cs", 3));
            Unlock(a, ma, Site);
            Unlock(other, mo, Site);
            Unlock(b, mb, Site);
        });
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Contains("but task is already holding lock:\n(b){+.+.}-{3:3}, at: Deep.Outer (Deep.cs:1)\n", report.Text);
        Assert.Contains("2 locks held by deep/", report.Text);
    }

    [Fact]
    public void A_declared_order_broken_through_other_declarations_is_reported_with_the_chain()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int c = Register("c", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "[assembly: LockOrder] at Orders.cs:3");
        LockdepHooks.DeclareOrder(b, c, "Orders.cs:12");
        Nest("transitive", c, new KMutex(), At("T.Outer", "T.cs", 1), a, new KMutex(), At("T.Inner", "T.cs", 2));

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Equal(new[] { "a", "c" }, report.Classes);
        Assert.Contains(
            "-> #0 (a) before (b):\n       [assembly: LockOrder] at Orders.cs:3\n\n-> #1 (b) before (c):\n       Orders.cs:12\n",
            report.Text);
        Assert.Contains("Chain exists of:\n  a --> b --> c\n", report.Text);
    }

    [Fact]
    public void A_declared_order_kept_is_not_reported()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int c = Register("c", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:3");
        LockdepHooks.DeclareOrder(b, c, "Orders.cs:4");
        var ma = new KMutex();
        var mb = new KMutex();
        var mc = new KMutex();
        RunAs("kept", () =>
        {
            Lock(a, ma, Site);
            Lock(b, mb, Site);
            Lock(c, mc, Site);
            Unlock(c, mc, Site);
            Unlock(b, mb, Site);
            Lock(c, mc, Site);
            Unlock(c, mc, Site);
            Unlock(a, ma, Site);
        });
        Assert.Empty(Reports);
    }

    [Fact]
    public void Declared_orders_that_contradict_each_other_are_ignored()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        int c = Register("c", LockClassKind.Mutex);
        int d = Register("d", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:3");
        LockdepHooks.DeclareOrder(b, a, "Orders.cs:4");
        LockdepHooks.DeclareOrder(b, c, "Orders.cs:5");
        LockdepHooks.DeclareOrder(d, d, "Orders.cs:6");

        // a and b contradict each other, so neither direction is reported, nor c before a (through a -> b);
        // a class declared before itself is no order either.
        Nest("ab", a, new KMutex(), Site, b, new KMutex(), Site);
        Nest("ca", c, new KMutex(), Site, a, new KMutex(), Site);
        Nest("dd", d, new KMutex(), Site, d, new KMutex(), Site);
        Assert.All(Reports, r => Assert.NotEqual(LockdepReportKind.DeclaredOrderViolation, r.Kind));
        Reports.Clear();

        // b before c stands.
        Nest("cb", c, new KMutex(), Site, b, new KMutex(), Site);
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, report.Kind);
        Assert.Equal(new[] { "b", "c" }, report.Classes);
    }

    [Fact]
    public void Unknown_ids_are_ignored_and_a_pair_declared_twice_counts_once()
    {
        LockdepHooks.DeclareOrder(0, 1, "before any registration");
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);

        // Index 2 becomes a's nesting subclass 1, an id that RegisterClass never returned.
        var parent = new KMutex();
        var child = new KMutex();
        RunAs("subclass", () =>
        {
            Lock(a, parent, Site);
            LockdepHooks.Acquire(a, child, AcquireFlags.None, 1, Site);
            child.LockNested(1);
            Unlock(a, child, Site);
            Unlock(a, parent, Site);
        });
        Assert.Empty(Reports);
        Assert.Equal(3, Lockdep.Statistics.Classes);

        LockdepHooks.DeclareOrder(b, 42, "Orders.cs:7");
        LockdepHooks.DeclareOrder(-1, b, "Orders.cs:8");
        LockdepHooks.DeclareOrder(b, 2, "Orders.cs:9");
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:3");
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:30");
        Assert.Throws<ArgumentNullException>(() => LockdepHooks.DeclareOrder(a, b, null!));

        Nest("ba", b, new KMutex(), Site, a, new KMutex(), Site);
        LockdepReport report = Assert.Single(Reports);
        Assert.Contains("       Orders.cs:3\n", report.Text);
        Assert.DoesNotContain("Orders.cs:30", report.Text);
        string dot = Lockdep.ToDot();
        Assert.Contains("  c0 -> c1 [style=dashed, label=\"Orders.cs:3\"];\n", dot);
        Assert.Single(dot.Split('\n'), line => line.Contains("style=dashed"));
    }

    [Fact]
    public void Throw_mode_throws_before_the_lock_is_taken()
    {
        int a = Register("a", LockClassKind.Mutex);
        int b = Register("b", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(a, b, "Orders.cs:3");
        Lockdep.Mode = LockdepMode.Throw;
        var ma = new KMutex();
        var mb = new KMutex();
        RunAs("throws", () =>
        {
            Lock(b, mb, Site);
            LockdepException thrown = Assert.Throws<LockdepException>(() => Lock(a, ma, Site));
            Assert.Equal(LockdepReportKind.DeclaredOrderViolation, thrown.Report.Kind);
            Assert.False(ma.IsLocked);
            Unlock(b, mb, Site);

            // Reported once: the same nesting now goes through.
            Lock(b, mb, Site);
            Lock(a, ma, Site);
            Unlock(a, ma, Site);
            Unlock(b, mb, Site);
        });
    }
}
