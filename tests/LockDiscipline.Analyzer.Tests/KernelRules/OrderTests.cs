using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0002, declared orders: <c>[assembly: LockOrder]</c>, <c>[AcquiredBefore]</c> and
/// <c>[AcquiredAfter]</c>, transitive, naming <c>[LockClass]</c> names, members of the same type or
/// <c>Type.member</c> paths. In one body at the acquisition; through calls at the call. Declarations
/// that contradict each other are LD0012 at each contradicting attribute.
/// </summary>
public class DeclaredOrderTests
{
    [Fact]
    public void AssemblyOrderIsTransitive()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("a", "b", "c")]
            class Locks
            {
                [LockClass("a")] static readonly KMutex A = new();
                [LockClass("b")] static readonly KMutex B = new();
                [LockClass("c")] static readonly KMutex C = new();
                void Bad() { C.Lock(); {|LD0002:A.Lock()|}; A.Unlock(); C.Unlock(); }
            }
            """).Single();
        Assert.Equal(
            "lock order violation: acquiring 'a' while holding 'c', but the declared order puts 'a' before 'c' (File0.cs:2)",
            diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:8 [C.Lock()]", "File0.cs:2 [LockOrder(\"a\", \"b\", \"c\")]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void FollowingTheDeclaredOrderIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("a", "b", "c")]
            class Locks
            {
                [LockClass("a")] static readonly KMutex A = new();
                [LockClass("b")] static readonly KMutex B = new();
                [LockClass("c")] static readonly KMutex C = new();
                [LockClass("x")] static readonly KMutex X = new();
                void Good() { A.Lock(); B.Lock(); C.Lock(); C.Unlock(); B.Unlock(); A.Unlock(); }
                void Unrelated() { C.Lock(); X.Lock(); X.Unlock(); C.Unlock(); }
                void Sequential() { C.Lock(); C.Unlock(); A.Lock(); A.Unlock(); }
            }
            """);

    [Fact]
    public void AcquiredBeforeOnAMonitorField()
    {
        // The declared order is violated, and the two orders also form a cycle.
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            class Bank
            {
                [AcquiredBefore(nameof(_ledger))] readonly object _accounts = new();
                readonly object _ledger = new();
                void Transfer() { lock (_accounts) { lock (_ledger) { } } }
                void Audit() { lock (_ledger) { lock ({|LD0001:{|LD0002:_accounts|}|}) { } } }
            }
            """);
        var order = diagnostics.Only("LD0002");
        Assert.Equal(
            "lock order violation: acquiring 'Bank._accounts' while holding 'Bank._ledger', but the declared order puts 'Bank._accounts' before 'Bank._ledger' (File0.cs:4)",
            order.GetMessage());
        Assert.Contains("File0.cs:4 [AcquiredBefore(nameof(_ledger))]", Sites.Additional(order));
    }

    [Fact]
    public void AcquiredAfterOnAKernelMutex()
        => Assert.Contains(
            "the declared order puts 'Bank._accounts' before 'Bank._ledger' (File0.cs:5)",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Bank
                {
                    readonly KMutex _accounts = new();
                    [AcquiredAfter(nameof(_accounts))] readonly KMutex _ledger = new();
                    void Audit() { _ledger.Lock(); {|LD0002:_accounts.Lock()|}; _accounts.Unlock(); _ledger.Unlock(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void TypeAndNamespaceQualifiedMemberNames()
        => Assert.Contains(
            "acquiring 'Bank.Accounts' while holding 'Journal.Lines'",
            Verify.Diagnostics("""
                using LockDiscipline;
                [assembly: LockOrder("Bank.Accounts", "Ledgers.Journal.Lines")]
                class Bank
                {
                    public static readonly KMutex Accounts = new();
                }
                namespace Ledgers
                {
                    class Journal
                    {
                        public static readonly KMutex Lines = new();
                        void Post() { Lines.Lock(); {|LD0002:Bank.Accounts.Lock()|}; Bank.Accounts.Unlock(); Lines.Unlock(); }
                    }
                }
                """).Single().GetMessage());

    [Fact]
    public void OrderAcrossFiles()
        => Verify.Diagnostics(
            """
            using LockDiscipline;
            [assembly: LockOrder("dmar_global_lock", "&group->mutex")]
            class Intel
            {
                [LockClass("dmar_global_lock")] public static readonly KRwSem DmarGlobalLock = new();
            }
            """,
            """
            using LockDiscipline;
            class Group
            {
                [LockClass("&group->mutex")] readonly KMutex _mutex = new();
                void ResvRegions() { _mutex.Lock(); {|LD0002:Intel.DmarGlobalLock.DownRead()|}; Intel.DmarGlobalLock.UpRead(); _mutex.Unlock(); }
            }
            """);

    [Fact]
    public void GuardsAndIrqSavingAcquisitionsAreChecked()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("a", "b")]
            class Locks
            {
                [LockClass("a")] static readonly KSpinLock A = new();
                [LockClass("b")] static readonly KSpinLock B = new();
                void Bad() { B.Lock(); using ({|LD0002:A.Guard()|}) { } B.Unlock(); }
                void Bad2() { var f = B.LockIrqSave(); {|LD0002:A.Lock()|}; A.Unlock(); B.UnlockIrqRestore(f); }
            }
            """);

    [Fact]
    public void ThroughAnInterfaceCall()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("journal", "bank")]
            interface IJournal { void Append(); }
            sealed class Journal : IJournal
            {
                [LockClass("journal")] readonly KMutex _lines = new();
                public void Append() { _lines.Lock(); _lines.Unlock(); }
            }
            class Bank
            {
                [LockClass("bank")] readonly KMutex _accounts = new();
                readonly IJournal _journal = new Journal();
                void Post() { _accounts.Lock(); {|LD0002:_journal.Append()|}; _accounts.Unlock(); }
                void Fine() { _accounts.Lock(); _accounts.Unlock(); _journal.Append(); }
            }
            """).Single();
        Assert.Equal(
            "lock order violation: acquiring 'journal' while holding 'bank', but the declared order puts 'journal' before 'bank' (File0.cs:2); this call leads to the acquisition at File0.cs:7",
            diagnostic.GetMessage());
        Assert.Equal(
            new[] { "File0.cs:7 [_lines.Lock()]", "File0.cs:2 [LockOrder(\"journal\", \"bank\")]", "File0.cs:13 [_accounts.Lock()]" },
            Sites.Additional(diagnostic));
    }

    [Fact]
    public void ThroughAStoredDelegate()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            [assembly: LockOrder("journal", "bank")]
            class Journal
            {
                [LockClass("journal")] readonly KMutex _lines = new();
                public void Append() { _lines.Lock(); _lines.Unlock(); }
            }
            class Bank
            {
                [LockClass("bank")] readonly KMutex _accounts = new();
                readonly Action _onPost;
                public Bank(Journal journal) { _onPost = journal.Append; }
                void Post() { _accounts.Lock(); {|LD0002:_onPost()|}; _accounts.Unlock(); }
            }
            """);

    [Fact]
    public void EveryCallThatLeadsToAViolationIsReported()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("a", "b")]
            class Locks
            {
                [LockClass("a")] static readonly KMutex A = new();
                [LockClass("b")] static readonly KMutex B = new();
                void Direct() { B.Lock(); {|LD0002:A.Lock()|}; A.Unlock(); B.Unlock(); }
                void ThroughCall() { B.Lock(); {|LD0002:TakeA()|}; B.Unlock(); }
                void ThroughTwoCalls() { B.Lock(); {|LD0002:Via()|}; B.Unlock(); }
                void Via() => TakeA();
                void TakeA() { A.Lock(); A.Unlock(); }
            }
            """);

    [Fact]
    public void ContradictoryAcquiredBeforePair()
        => Assert.All(
            Verify.Diagnostics("""
                using LockDiscipline;
                class Bank
                {
                    [{|LD0012:AcquiredBefore(nameof(_ledger))|}] readonly KMutex _accounts = new();
                    [{|LD0012:AcquiredBefore(nameof(_accounts))|}] readonly KMutex _ledger = new();
                }
                """),
            d => Assert.Contains("declared lock orders contradict each other", d.GetMessage()));

    [Fact]
    public void ContradictionThroughTransitivity()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: {|LD0012:LockOrder("a", "b")|}]
            [assembly: {|LD0012:LockOrder("b", "c")|}]
            [assembly: {|LD0012:LockOrder("c", "a")|}]
            class Locks
            {
                [LockClass("a")] static readonly KMutex A = new();
                [LockClass("b")] static readonly KMutex B = new();
                [LockClass("c")] static readonly KMutex C = new();
            }
            """);

    [Fact]
    public void AssemblyOrderAndMemberOrderThatAgreeAreClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("Bank._accounts", "Bank._ledger")]
            class Bank
            {
                [AcquiredBefore(nameof(_ledger))] readonly KMutex _accounts = new();
                [AcquiredAfter(nameof(_accounts))] readonly KMutex _ledger = new();
                void Post() { _accounts.Lock(); _ledger.Lock(); _ledger.Unlock(); _accounts.Unlock(); }
            }
            """);
}

/// <summary>
/// <c>KMutex.LockNested(n)</c>: a nesting subclass <c>"&lt;class&gt;/n"</c> (lockdep's
/// <c>mutex_lock_nested</c>), ordered like any other class and never recursion with its base class.
/// </summary>
public class NestingSubclassTests
{
    [Fact]
    public void ParentThenNestedChildIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Node
            {
                public readonly KMutex Mutex = new();
                static void Link(Node parent, Node child) { parent.Mutex.Lock(); child.Mutex.LockNested(1); child.Mutex.Unlock(); parent.Mutex.Unlock(); }
                static void Chain(Node a, Node b, Node c) { a.Mutex.Lock(); b.Mutex.LockNested(1); c.Mutex.LockNested(2); c.Mutex.Unlock(); b.Mutex.Unlock(); a.Mutex.Unlock(); }
                static void Deep(Node a, Node b) { a.Mutex.Lock(); Child(b); a.Mutex.Unlock(); }
                static void Child(Node b) { b.Mutex.LockNested(1); b.Mutex.Unlock(); }
            }
            """);

    [Fact]
    public void SubclassIsOrderedLikeAnotherClass()
        => Assert.Contains(
            "acquiring 'Node.Mutex' while holding 'Node.Mutex/1' (Node.Unlink at File0.cs:6), but the existing dependency chain is 'Node.Mutex' -> 'Node.Mutex/1' (Node.Link at File0.cs:5)",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Node
                {
                    public readonly KMutex Mutex = new();
                    static void Link(Node parent, Node child) { parent.Mutex.Lock(); child.Mutex.LockNested(1); child.Mutex.Unlock(); parent.Mutex.Unlock(); }
                    static void Unlink(Node parent, Node child) { child.Mutex.LockNested(1); {|LD0001:parent.Mutex.Lock()|}; parent.Mutex.Unlock(); child.Mutex.Unlock(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void SameSubclassOnTwoInstancesIsIndistinguishableNesting()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Node
            {
                public readonly KMutex Mutex = new();
                static void A(Node a, Node b) { a.Mutex.LockNested(1); {|LD0014:b.Mutex.LockNested(1)|}; b.Mutex.Unlock(); a.Mutex.Unlock(); }
                static void B(Node a, Node b) { a.Mutex.Lock(); {|LD0014:b.Mutex.LockNested(0)|}; b.Mutex.Unlock(); a.Mutex.Unlock(); }
                static void D(Node a, Node b) { a.Mutex.Lock(); {|LD0014:Plain(b)|}; a.Mutex.Unlock(); }
                static void Plain(Node b) { b.Mutex.Lock(); b.Mutex.Unlock(); }
            }
            """);

    [Fact]
    public void UnlockReleasesTheSubclass()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Node
            {
                public readonly KMutex Mutex = new();
                static void Link(Node parent, Node child)
                {
                    parent.Mutex.Lock();
                    child.Mutex.LockNested(1);
                    child.Mutex.Unlock();
                    child.Mutex.LockNested(1);
                    child.Mutex.Unlock();
                    parent.Mutex.Unlock();
                }
                static void Leak(Node child) { {|LD0007:child.Mutex.LockNested(1)|}; }
            }
            """);
}
