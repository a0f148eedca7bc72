using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Rules;

/// <summary>LD0011: a lock owned by a thread held at an <c>await</c>, reported at the whole await expression.</summary>
public class ThreadAffineLockAcrossAwaitTests
{
    [Fact]
    public void MonitorHeldAcrossAwait()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                readonly object _gate = new();
                async Task RunAsync()
                {
                    Monitor.Enter(_gate);
                    try { {|LD0011:await Task.Delay(1)|}; }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """).Single().GetMessage();
        Assert.Equal(
            "'Service._gate' (Monitor) is held across this await: the continuation may run on another thread, which does not own the lock",
            message);
    }

    [Theory]
    [InlineData("readonly Lock _l = new();", "_l.Enter()", "_l.Exit()", "System.Threading.Lock")]
    [InlineData("readonly ReaderWriterLockSlim _l = new();", "_l.EnterReadLock()", "_l.ExitReadLock()", "ReaderWriterLockSlim (NoRecursion)")]
    [InlineData("readonly Mutex _l = new();", "_l.WaitOne()", "_l.ReleaseMutex()", "Mutex")]
    [InlineData("readonly KMutex _l = new();", "_l.Lock()", "_l.Unlock()", "KMutex")]
    [InlineData("readonly KSpinLock _l = new();", "_l.Lock()", "_l.Unlock()", "KSpinLock")]
    public void ThreadAffineKindHeldAcrossAwait(string declaration, string acquire, string release, string kind)
    {
        var message = Verify.Diagnostics($$"""
            using System.Threading;
            using System.Threading.Tasks;
            using LockDiscipline;
            class Service
            {
                {{declaration}}
                async Task RunAsync()
                {
                    {{acquire}};
                    try { {|LD0011:await Task.Yield()|}; }
                    finally { {{release}}; }
                }
            }
            """).Single().GetMessage();
        Assert.StartsWith($"'Service._l' ({kind}) is held across this await", message);
    }

    [Fact]
    public void SpinLockHeldAcrossAwait()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                SpinLock _spin = new(false);
                async Task RunAsync()
                {
                    bool taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        {|LD0011:await Task.Yield()|};
                    }
                    finally { if (taken) _spin.Exit(); }
                }
            }
            """);

    [Fact]
    public void EveryAwaitUnderTheLockIsReported()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                readonly object _gate = new();
                async Task<int> RunAsync(Task<int> work)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        {|LD0011:await Task.Yield()|};
                        return {|LD0011:await work|};
                    }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """);

    [Theory]
    [InlineData("readonly SemaphoreSlim _l = new(1, 1);", "_l.Wait()", "_l.Release()")]
    [InlineData("readonly KRwSem _l = new();", "_l.DownWrite()", "_l.UpWrite()")]
    [InlineData("readonly KRwSem _l = new();", "_l.DownRead()", "_l.UpRead()")]
    [InlineData("readonly KLockMap _l = new();", "_l.Acquire()", "_l.Release()")]
    public void AwaitFriendlyKindHeldAcrossAwaitIsClean(string declaration, string acquire, string release)
        => Verify.Diagnostics($$"""
            using System.Threading;
            using System.Threading.Tasks;
            using LockDiscipline;
            class Service
            {
                {{declaration}}
                async Task RunAsync()
                {
                    {{acquire}};
                    try { await Task.Yield(); }
                    finally { {{release}}; }
                }
            }
            """);

    [Fact]
    public void AwaitAfterReleaseOrInALambdaIsClean()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                readonly object _gate = new();
                int _count;
                Func<Task>? _later;
                async Task RunAsync()
                {
                    lock (_gate) { _count++; }
                    await Task.Yield();
                    Monitor.Enter(_gate);
                    _later = async () => await Task.Yield();
                    Monitor.Exit(_gate);
                    await Task.Yield();
                }
            }
            """);

    [Fact]
    public void AwaitInCatchAndFinallyWhileHeld()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                readonly object _gate = new();
                async Task RunAsync()
                {
                    Monitor.Enter(_gate);
                    try { Work(); }
                    catch { {|LD0011:await Task.Yield()|}; }
                    finally { {|LD0011:await Task.Yield()|}; Monitor.Exit(_gate); }
                }
                void Work() { }
            }
            """);

    /// <summary>An <c>await foreach</c> awaits twice (MoveNextAsync, DisposeAsync) but is one await in the source: one report, on the statement.</summary>
    [Fact]
    public void AwaitForeachIsReportedOnce()
        => Verify.Diagnostics("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                readonly object _gate = new();
                async Task RunAsync(IAsyncEnumerable<int> items)
                {
                    Monitor.Enter(_gate);
                    try { {|LD0011:await foreach (var item in items) { }|} }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """);

    [Fact]
    public void KernelGuardsAcrossAwait()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            using LockDiscipline;
            class Service
            {
                readonly KMutex _mutex = new();
                readonly KRwSem _sem = new();
                async Task Scoped() { using (_mutex.Guard()) { {|LD0011:await Task.Yield()|}; } }
                async Task Declared() { using var guard = _mutex.Guard(); {|LD0011:await Task.Yield()|}; }
                async Task Semaphore() { using (_sem.ReadGuard()) { await Task.Yield(); } }
            }
            """);

    [Fact]
    public void AsyncLocalFunctionIsItsOwnBody()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Service
            {
                readonly object _gate = new();
                Task RunAsync()
                {
                    return Local();
                    async Task Local()
                    {
                        Monitor.Enter(_gate);
                        try { {|LD0011:await Task.Yield()|}; }
                        finally { Monitor.Exit(_gate); }
                    }
                }
            }
            """);
}
