using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Cause 6 of issue 10: an interface call on an element of a private readonly collection whose every
/// element is a <c>new T(...)</c> runs only those types' implementations (allocation-site types), so a
/// cell notifying its remote watchers does not reach its own class's lock. Anything that could put another
/// object into the collection keeps every implementation a target.
/// </summary>
public class ElementAllocationTests
{
    private const string Cell = """
        using System.Collections.Generic;
        interface IRef { void Send(); }
        sealed class Remote : IRef { readonly object _connection = new(); public void Send() { lock (_connection) { } } }
        sealed class Cell : IRef
        {
            readonly object _stateLock = new();
            %FIELD%
            public void Send() { lock (_stateLock) { } }
            public void Terminate() { lock (_stateLock) { %NOTIFY% } }
            %EXTRA%
        }
        """;

    private static string Source(string field, string notify = "foreach (var w in _watchers) w.Send();", string extra = "")
        => Cell.Replace("%FIELD%", field).Replace("%NOTIFY%", notify).Replace("%EXTRA%", extra);

    [Theory]
    [InlineData("readonly IRef[] _watchers = { new Remote() };")]
    [InlineData("readonly IRef[] _watchers = new IRef[] { new Remote(), new Remote() };")]
    [InlineData("private readonly IRef[] _watchers = [new Remote()];")]
    [InlineData("readonly List<IRef> _watchers = new List<IRef> { new Remote() };")]
    [InlineData("readonly IRef[] _watchers; public Cell() { _watchers = new IRef[] { new Remote() }; }")]
    public void CallOnAnElementOfAllocatedTypesRunsOnlyTheirImplementations(string field)
    {
        Verify.Diagnostics(Source(field));
    }

    [Theory]
    [InlineData("if (_watchers.Count > 0) _watchers[0].Send();")]
    [InlineData("for (var i = 0; i < _watchers.Count; i++) _watchers[i].Send();")]
    public void ElementReadByIndexRunsOnlyTheAllocatedTypes(string notify)
    {
        Verify.Diagnostics(Source("readonly List<IRef> _watchers = new();", notify, "public void Watch() { _watchers.Add(new Remote()); } public void Forget(IRef r) { _watchers.Remove(r); }"));
    }

    [Theory]
    [InlineData("readonly IRef[] _watchers = { new Remote(), new Cell() };", "")]
    [InlineData("readonly List<IRef> _watchers = new();", "public void Watch(IRef r) { _watchers.Add(r); }")]
    [InlineData("readonly IRef[] _watchers = { new Remote() };", "public void Replace(IRef r) { _watchers[0] = r; }")]
    [InlineData("readonly IRef[] _watchers = { new Remote() };", "public void Swap(IRef r) { (_watchers[0], r) = (r, _watchers[0]); }")]
    [InlineData("readonly IRef[] _watchers = { new Remote() };", "public IRef[] Watchers => _watchers;")]
    [InlineData("readonly IRef[] _watchers = { new Remote() };", "public void Fill(IRef r) { System.Array.Fill(_watchers, r); }")]
    [InlineData("internal readonly IRef[] _watchers = { new Remote() };", "")]
    [InlineData("IRef[] _watchers = { new Remote() };", "")]
    [InlineData("readonly List<IRef> _watchers; public Cell(List<IRef> watchers) { _watchers = watchers; }", "")]
    public void ElementThatMayBeAnotherObjectReachesEveryImplementation(string field, string extra)
    {
        Verify.Diagnostics(Source(field, "foreach (var w in _watchers) {|LD0014:w.Send()|};", extra));
    }

    /// <summary>
    /// The narrowed target still orders the caller's lock before its own: a remote closing its cell under its lock
    /// closes a cycle (and nests its class on the remote the cell notifies, another instance).
    /// </summary>
    [Fact]
    public void CycleThroughTheAllocatedTypeIsStillReported()
    {
        Verify.Diagnostics("""
            interface IRef { void Send(); }
            sealed class Remote : IRef
            {
                readonly object _connection = new();
                public void Send() { lock (_connection) { } }
                public void Close(Cell cell) { lock (_connection) { {|LD0014:cell.Terminate()|}; } }
            }
            sealed class Cell : IRef
            {
                readonly object _stateLock = new();
                readonly IRef[] _watchers = { new Remote() };
                public void Send() { lock (_stateLock) { } }
                public void Terminate() { lock ({|LD0001:_stateLock|}) { foreach (var w in _watchers) w.Send(); } }
            }
            """);
    }
}
