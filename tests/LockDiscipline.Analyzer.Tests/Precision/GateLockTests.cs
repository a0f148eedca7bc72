using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Gate locks (issue 10, other tools' shapes): a cycle whose every edge is taken while the same
/// other lock is held cannot interleave, so it is not a deadlock. The gate must be held on every
/// edge, on every path that takes it, and be one object for both threads.
/// </summary>
public class GateLockTests
{
    [Fact]
    public void OppositeOrdersUnderACommonGateAreQuiet()
    {
        Verify.Diagnostics("""
            class Ledger
            {
                readonly object _gate = new(), _savings = new(), _checking = new();
                public void ToChecking() { lock (_gate) lock (_savings) lock (_checking) { } }
                public void ToSavings() { lock (_gate) lock (_checking) lock (_savings) { } }
            }
            """);
    }

    [Fact]
    public void StaticGateHeldAcrossACallIsAGateToo()
    {
        Verify.Diagnostics("""
            class Ledger
            {
                static readonly object s_gate = new();
                readonly object _savings = new(), _checking = new();
                public void ToChecking() { lock (s_gate) lock (_savings) Checking(); }
                public void ToSavings() { lock (s_gate) lock (_checking) lock (_savings) { } }
                void Checking() { lock (_checking) { } }
            }
            """);
    }

    [Fact]
    public void GateMissingOnOneEdgeStillGivesTheCycle()
    {
        Verify.Diagnostics("""
            class Ledger
            {
                readonly object _gate = new(), _savings = new(), _checking = new();
                public void ToChecking() { lock (_gate) lock (_savings) lock (_checking) { } }
                public void ToSavings() { lock (_checking) lock ({|LD0001:_savings|}) { } }
            }
            """);
    }

    [Fact]
    public void GateMissingOnOnePathOfAnEdgeStillGivesTheCycle()
    {
        Verify.Diagnostics("""
            class Ledger
            {
                readonly object _gate = new(), _savings = new(), _checking = new();
                public void ToChecking() { lock (_gate) lock (_savings) lock (_checking) { } }
                public void ToSavings() { lock (_gate) lock (_checking) lock (_savings) { } }
                public void Audit() { lock (_checking) lock ({|LD0001:_savings|}) { } }
            }
            """);
    }

    [Fact]
    public void GatesOfTwoDifferentObjectsDoNotExclude()
    {
        // Each thread holds the gate of its own session; the two account locks are shared statics.
        Verify.Diagnostics("""
            static class Accounts { public static readonly object Savings = new(), Checking = new(); }
            class Session
            {
                readonly object _gate = new();
                public void ToChecking() { lock (_gate) lock (Accounts.Savings) lock (Accounts.Checking) { } }
                public void ToSavings() { lock (_gate) lock (Accounts.Checking) lock ({|LD0001:Accounts.Savings|}) { } }
            }
            """);
    }

    [Fact]
    public void ReadLockHeldOnBothEdgesIsNoGate()
    {
        Verify.Diagnostics("""
            using System.Threading;
            class Ledger
            {
                readonly ReaderWriterLockSlim _gate = new();
                readonly object _savings = new(), _checking = new();
                public void ToChecking() { _gate.EnterReadLock(); try { lock (_savings) lock (_checking) { } } finally { _gate.ExitReadLock(); } }
                public void ToSavings() { _gate.EnterReadLock(); try { lock (_checking) lock ({|LD0001:_savings|}) { } } finally { _gate.ExitReadLock(); } }
            }
            """);
    }
}
