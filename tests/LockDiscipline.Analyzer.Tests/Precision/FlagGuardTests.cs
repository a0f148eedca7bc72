using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Cause 1 of issue 10, a branch guarded by state that cannot hold: every caller of a private method has
/// just tested a flag under the lock that guards the flag's writes, and the method tests the flag again
/// before anything runs, so the branch its callers ruled out adds no dependency. Each condition the
/// reasoning needs, when broken, leaves the cycle reported.
/// </summary>
public class FlagGuardTests
{
    // Dispose nests the pending lock before the channel lock; Send -> Drain the other way round, under the flag.
    private const string Channel = """
        sealed class Channel
        {
            readonly object _channelLock = new();
            readonly object _pendingLock = new();
            bool _disposed;
            public void Send() { %SEND% }
            %ACCESS% void Drain() { %DRAIN% }
            public void Dispose() { lock (_pendingLock) { lock (%CHANNEL%) { %DISPOSE% } } }
            %EXTRA%
        }
        """;

    private const string TestUnderLock = "lock (_channelLock) { if (_disposed) return; Drain(); }";

    private static string Source(
        string send = TestUnderLock,
        string drain = "if (_disposed) { lock (_pendingLock) { } }",
        string dispose = "_disposed = true;",
        string extra = "",
        string access = "private",
        bool cycle = false)
        => Channel.Replace("%SEND%", send).Replace("%DRAIN%", drain).Replace("%DISPOSE%", dispose).Replace("%EXTRA%", extra)
            .Replace("%ACCESS%", access)
            .Replace("%CHANNEL%", cycle ? "{|LD0001:_channelLock|}" : "_channelLock");

    [Theory]
    [InlineData(TestUnderLock, "if (_disposed) { lock (_pendingLock) { } }")]
    [InlineData("lock (_channelLock) { if (!_disposed) Drain(); }", "if (!_disposed) return; lock (_pendingLock) { }")]
    [InlineData("lock (_channelLock) { if (_disposed == false) { Drain(); } }", "if (_disposed) { lock (_pendingLock) { } }")]
    [InlineData(TestUnderLock, "if (_disposed) { lock (_pendingLock) { } } else { System.Console.WriteLine(); }")]
    public void BranchTheOnlyCallerRuledOutUnderTheFlagsLockAddsNoDependency(string send, string drain)
    {
        Verify.Diagnostics(Source(send, drain));
    }

    [Fact]
    public void EveryCallerRulingTheBranchOutKeepsItUnreachable()
    {
        Verify.Diagnostics(Source(extra: "public void Flush() { lock (_channelLock) { if (!_disposed) Drain(); } }"));
    }

    [Fact]
    public void InternalMethodOnlyThisAssemblyCallsIsJudgedByItsCallersToo()
    {
        Verify.Diagnostics(Source(access: "internal"));
    }

    [Fact]
    public void FlagWrittenOnlyInTheConstructorNeedsNoLock()
    {
        Verify.Diagnostics(Source(dispose: string.Empty, extra: "public Channel(bool disposed) { _disposed = disposed; }"));
    }

    [Theory]
    // The caller tests the flag before taking the lock: another thread may set it in between.
    [InlineData("if (_disposed) return; lock (_channelLock) Drain();", "")]
    // Something runs between the caller's test and the call: it may set the flag.
    [InlineData("lock (_channelLock) { if (_disposed) return; Flush(); Drain(); }", "void Flush() { System.Console.WriteLine(); }")]
    // Another caller does not test the flag.
    [InlineData(TestUnderLock, "public void Poll() { lock (_channelLock) Drain(); }")]
    // Another caller tests it without the lock that guards its writes.
    [InlineData(TestUnderLock, "public void Poll() { if (!_disposed) Drain(); }")]
    public void BranchACallerDoesNotRuleOutUnderTheLockStaysReported(string send, string extra)
    {
        Verify.Diagnostics(Source(send, extra: extra, cycle: true));
    }

    [Theory]
    // A write of the flag without the lock the caller holds.
    [InlineData("public void MarkDisposed() { _disposed = true; }")]
    [InlineData("public void MarkDisposed() { lock (_pendingLock) _disposed = true; }")]
    // A write by reference may happen anywhere.
    [InlineData("public void MarkDisposed() { lock (_channelLock) System.Threading.Volatile.Write(ref _disposed, true); }")]
    // A deconstruction writes it too.
    [InlineData("public void MarkDisposed() { int n; (_disposed, n) = (true, 1); }")]
    // A write of another object's flag holds this object's lock, not that object's.
    [InlineData("public void Kill(Channel other) { lock (_channelLock) other._disposed = true; }")]
    public void FlagWrittenWithoutTheCallersLockStaysReported(string extra)
    {
        Verify.Diagnostics(Source(extra: extra, cycle: true));
    }

    [Theory]
    // The callee runs code before its test: that code may set the flag on this thread.
    [InlineData("System.Console.WriteLine(); if (_disposed) { lock (_pendingLock) { } }")]
    [InlineData("_disposed = true; if (_disposed) { lock (_pendingLock) { } }")]
    public void CalleeThatMayChangeTheFlagBeforeItsTestStaysReported(string drain)
    {
        Verify.Diagnostics(Source(drain: drain, cycle: true));
    }

    [Fact]
    public void MethodAnotherAssemblyMayCallStaysReported()
    {
        Verify.Diagnostics(Source(access: "public", cycle: true).Replace("sealed class Channel", "public sealed class Channel"));
    }
}
