using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Cause 1 of issue 10: calls on an object no other thread can have seen (a constructor's new object,
/// a fresh local that has not escaped) order its own locks against nothing. Locks the call reaches
/// that another thread can hold (static ones, and ones of objects handed to the new object) still count.
/// </summary>
public class FreshObjectTests
{
    // Store.Save holds the store lock and reaches Registry.Dispose; Registry.Dispose holds the registry
    // lock and takes the store lock. %GET% is Registry.Instance's body.
    private const string Hub = """
        using System.Threading;
        sealed class Registry
        {
            static Registry? s_instance;
            static Registry? s_last;
            readonly object _registryLock = new();
            readonly Store _store = new();
            public static Registry Instance
            {
                get
                {
                    %GET%
                }
            }
            public void Dispose() { lock (_registryLock) _store.Clear(); }
        }
        sealed class Store
        {
            readonly object _storeLock = new();
            Registry? _registry;
            public void Clear() { lock (_storeLock) { } }
            public void Save() { lock (_storeLock) _registry ??= Registry.Instance; }
        }
        """;

    /// <summary>
    /// The hub with the cycle reported, and the same-class nesting through the getter: a store whose lock is
    /// held while the registry clears some store, which the analysis cannot tell from this one (LD0014).
    /// </summary>
    private static string Reported(string getter) => Hub.Replace("%GET%", getter)
        .Replace("public void Clear() { lock (_storeLock)", "public void Clear() { lock ({|LD0001:_storeLock|})")
        .Replace("_registry ??= Registry.Instance;", "_registry ??= {|LD0014:Registry.Instance|};");

    [Fact]
    public void LoserOfACreationRaceDisposesAFreshInstanceQuietly()
    {
        Verify.Diagnostics(Hub.Replace("%GET%", """
            if (Volatile.Read(ref s_instance) is { } existing) return existing;
            var created = new Registry();
            var winner = Interlocked.CompareExchange(ref s_instance, created, null);
            if (winner is null) return created;
            created.Dispose();
            return winner;
            """));
    }

    [Fact]
    public void FreshInstanceDisposedBeforeItIsPublishedIsQuiet()
    {
        Verify.Diagnostics(Hub.Replace("%GET%", """
            var probe = new Registry();
            probe.Dispose();
            return s_instance!;
            """));
    }

    [Fact]
    public void WinnerOfTheRaceIsPublishedSoItsCallsCount()
    {
        Verify.Diagnostics(Reported("""
            var created = new Registry();
            var winner = Interlocked.CompareExchange(ref s_instance, created, null);
            if (winner is not null) return winner;
            created.Dispose();
            return created;
            """));
    }

    [Fact]
    public void InstanceStoredInAFieldBeforeTheCallCounts()
    {
        Verify.Diagnostics(Reported("""
            var created = new Registry();
            s_last = created;
            created.Dispose();
            return created;
            """));
    }

    [Fact]
    public void InstancePublishedOnOnePathBeforeTheCallCounts()
    {
        Verify.Diagnostics(Reported("""
            var created = new Registry();
            if (s_instance is null) s_last = created;
            created.Dispose();
            return created;
            """));
    }

    [Fact]
    public void InstancePublishedInAFinallyBeforeTheCallCounts()
    {
        Verify.Diagnostics(Reported("""
            var created = new Registry();
            try { } finally { s_last = created; }
            created.Dispose();
            return created;
            """));
    }

    [Fact]
    public void LocalThatMayStillHoldAPublishedObjectAfterACatchCounts()
    {
        Verify.Diagnostics(Reported("""
            var created = s_instance!;
            try { created = new Registry(); } catch (System.InvalidOperationException) { }
            created.Dispose();
            return created;
            """));
    }

    [Fact]
    public void ConstructorLockingItsOwnObjectUnderTheCallersLockIsQuiet()
    {
        Verify.Diagnostics("""
            sealed class Config
            {
                readonly object _configLock = new();
                public Config() { lock (_configLock) { } }
                public void Apply(Target target) { lock (_configLock) target.Write(); }
            }
            sealed class Target
            {
                readonly object _targetLock = new();
                public void Write() { lock (_targetLock) { } }
                public void Reload() { lock (_targetLock) { _ = new Config(); } }
            }
            """);
    }

    [Fact]
    public void ConstructorTakingAStaticLockUnderTheCallersLockCounts()
    {
        Verify.Diagnostics("""
            sealed class Config
            {
                static readonly object s_all = new();
                public Config() { lock (s_all) { } }
                public static void Apply(Target target) { lock (s_all) target.Write(); }
            }
            sealed class Target
            {
                readonly object _targetLock = new();
                public void Write() { lock ({|LD0001:_targetLock|}) { } }
                public void Reload() { lock (_targetLock) { _ = new Config(); } }
            }
            """);
    }

    [Fact]
    public void FreshObjectMadeFromASharedOneStillReachesTheSharedOnesLocks()
    {
        Verify.Diagnostics("""
            sealed class Wrapper
            {
                readonly object _wrapperLock = new();
                readonly Inner _inner;
                public Wrapper(Inner inner) { _inner = inner; }
                public void Close() { lock (_wrapperLock) _inner.Close(); }
            }
            sealed class Inner
            {
                readonly object _innerLock = new();
                readonly object _stateLock = new();
                public void Close() { lock (_innerLock) { } }
                public void Flush() { lock (_innerLock) lock ({|LD0001:_stateLock|}) { } }
                public void Replace() { lock (_stateLock) { var wrapper = new Wrapper(this); wrapper.Close(); } }
            }
            """);
    }
}
