using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.LockApis;

/// <summary>
/// <c>System.Threading.Lock</c>: the <c>lock</c> statement on it (lowered to <c>EnterScope</c>),
/// <c>Enter</c>/<c>Exit</c>, <c>TryEnter</c> and explicit scopes.
/// </summary>
public class ThreadingLockApiTests
{
    [Fact]
    public void LockStatementOnLock()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert() { lock (_rows) { lock (_index) { } } }
                void Rebuild() { lock (_index) { lock ({|LD0001:_rows|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Table._rows' while holding 'Table._index'", message);
    }

    /// <summary>
    /// The same inversion in a file without nullable annotations: Roslyn 4.14 lowers <c>lock</c> on a
    /// <c>Lock</c> to <c>EnterScope</c> in the flow graph only when nullable is off (with it on, the
    /// graph holds an invalid operation), so this test isolates that difference.
    /// </summary>
    [Fact]
    public void LockStatementOnLockWithNullableDisabled()
        => Verify.Diagnostics("""
            #nullable disable
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert() { lock (_rows) { lock (_index) { } } }
                void Rebuild() { lock (_index) { lock ({|LD0001:_rows|}) { } } }
            }
            """);

    [Fact]
    public void LockStatementOnLockInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert() { lock (_rows) { lock (_index) { } } }
                void Rebuild() { lock (_rows) { lock (_index) { } } }
            }
            """);

    [Fact]
    public void EnterAndExit()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert()
                {
                    _rows.Enter();
                    try { _index.Enter(); try { } finally { _index.Exit(); } }
                    finally { _rows.Exit(); }
                }
                void Rebuild()
                {
                    _index.Enter();
                    try { {|LD0001:_rows.Enter()|}; try { } finally { _rows.Exit(); } }
                    finally { _index.Exit(); }
                }
            }
            """);

    [Fact]
    public void EnterAndExitInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert()
                {
                    _rows.Enter();
                    try { _index.Enter(); try { } finally { _index.Exit(); } }
                    finally { _rows.Exit(); }
                }
                void Rebuild() { lock (_rows) { _index.Enter(); _index.Exit(); } }
            }
            """);

    [Fact]
    public void EnterScopeInUsingStatement()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert() { using (_rows.EnterScope()) { using (_index.EnterScope()) { } } }
                void Rebuild() { using (_index.EnterScope()) { using ({|LD0001:_rows.EnterScope()|}) { } } }
            }
            """);

    [Fact]
    public void EnterScopeInUsingDeclaration()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert()
                {
                    using var rows = _rows.EnterScope();
                    using var index = _index.EnterScope();
                }
                void Rebuild()
                {
                    using var index = _index.EnterScope();
                    using var rows = {|LD0001:_rows.EnterScope()|};
                }
            }
            """);

    [Fact]
    public void EnterScopeInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert() { using (_rows.EnterScope()) { using (_index.EnterScope()) { } } }
                void Rebuild()
                {
                    using var rows = _rows.EnterScope();
                    using var index = _index.EnterScope();
                }
                void Scan()
                {
                    using (_index.EnterScope()) { }
                    using (_rows.EnterScope()) { }
                }
            }
            """);

    [Theory]
    [InlineData("_rows.TryEnter()")]
    [InlineData("_rows.TryEnter(100)")]
    [InlineData("_rows.TryEnter(TimeSpan.FromSeconds(1))")]
    public void TryEnterHoldsTheLockWhenItSucceeds(string tryEnter)
        => Verify.Diagnostics($$"""
            using System;
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert()
                {
                    if ({{tryEnter}})
                    {
                        try { using (_index.EnterScope()) { } }
                        finally { _rows.Exit(); }
                    }
                }
                void Rebuild() { using (_index.EnterScope()) { using ({|LD0001:_rows.EnterScope()|}) { } } }
            }
            """);

    [Fact]
    public void TryEnterAddsNoEdgeIntoTheTriedLock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                void Insert() { using (_rows.EnterScope()) { using (_index.EnterScope()) { } } }
                void Rebuild()
                {
                    using (_index.EnterScope())
                    {
                        if (_rows.TryEnter()) { _rows.Exit(); }
                    }
                }
            }
            """);

    [Fact]
    public void LockStatementOnLockReleasesOnReturnThrowAndGoto()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                int _count;
                int Insert(int x)
                {
                    lock (_rows)
                    {
                        if (x == 0) return 0;
                        if (x < 0) throw new ArgumentException(nameof(x));
                        Work();
                        lock (_index) { return 1; }
                    }
                }
                void Retry() { retry: lock (_rows) { if (_count++ < 3) goto retry; } }
                void Rebuild() { lock (_index) { Work(); lock ({|LD0001:_rows|}) { } } }
                void Work() { }
            }
            """);

    [Fact]
    public void LockStatementOnLockInLambdaAndThroughLocal()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new(), _index = new();
                Action? _later;
                void Insert() { _later = () => { lock (_rows) { lock (_index) { } } }; }
                void Rebuild() { var index = _index; lock (index) { lock ({|LD0001:_rows|}) { } } }
            }
            """);

    [Fact]
    public void LockStatementOnLockMixedWithMonitor()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new();
                readonly object _stats = new();
                void Insert() { lock (_rows) { Work(); lock (_stats) { } } }
                void Dump() { lock (_stats) { lock ({|LD0001:_rows|}) { Work(); } } }
                void Work() { }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Table._rows' while holding 'Table._stats'", message);
    }

    [Fact]
    public void LockStatementOnTwoLockParameters()
        => Verify.Diagnostics("""
            using System.Threading;
            class Table
            {
                readonly Lock _rows = new();
                static void Merge(Lock first, Lock second) { lock (first) { lock ({|LD0014:second|}) { } } }
                void Reenter() { lock (_rows) { lock (_rows) { } } }
            }
            """);
}
