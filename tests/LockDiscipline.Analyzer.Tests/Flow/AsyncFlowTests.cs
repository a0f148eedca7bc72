using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Async bodies: a semaphore may be held across awaits; an await is a throwing point like a call;
/// an awaited acquisition is the acquisition itself, however it is awaited.
/// </summary>
public class AsyncFlowTests
{
    [Fact]
    public void SemaphoreHeldAcrossAwaitIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                int _value;
                async Task<int> RefreshAsync()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await Task.Delay(10);
                        _value = await LoadAsync();
                        return _value;
                    }
                    finally { _gate.Release(); }
                }
                Task<int> LoadAsync() => Task.FromResult(1);
            }
            """);

    [Fact]
    public void AwaitBetweenAcquireAndTryLeaks()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task RefreshAsync()
                {
                    await {|LD0007:_gate.WaitAsync()|};
                    await Task.Delay(10);
                    try { } finally { _gate.Release(); }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("'Cache._gate' acquired here is not released if", message);
        Assert.Contains("Task.Delay(10)", message);
    }

    [Fact]
    public void WaitAsyncWithConfigureAwaitIsTheAcquisition()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task RefreshAsync(CancellationToken ct)
                {
                    await _gate.WaitAsync(ct).ConfigureAwait(false);
                    try { await Task.Delay(10, ct).ConfigureAwait(false); }
                    finally { _gate.Release(); }
                }
                async Task RefreshAsync()
                {
                    await _gate.WaitAsync().ConfigureAwait(false);
                    try { await Task.Delay(10).ConfigureAwait(false); }
                    finally { _gate.Release(); }
                }
            }
            """);

    [Fact]
    public void WaitAsyncWithTimeoutResultInLocal()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task<bool> TryRefreshAsync()
                {
                    var entered = await _gate.WaitAsync(100);
                    if (!entered) return false;
                    try { await Task.Delay(10); return true; }
                    finally { _gate.Release(); }
                }
                async Task RefreshIfFreeAsync()
                {
                    if (await _gate.WaitAsync(0))
                    {
                        try { await Task.Delay(10); }
                        finally { _gate.Release(); }
                    }
                }
            }
            """);

    [Fact]
    public void AsyncLambdaIsItsOwnBody()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly SemaphoreSlim _a = new(1, 1), _b = new(1, 1);
                Func<Task>? _refresh;
                void Init() => _refresh = async () =>
                {
                    await _a.WaitAsync();
                    try
                    {
                        await _b.WaitAsync();
                        try { await Task.Yield(); } finally { _b.Release(); }
                    }
                    finally { _a.Release(); }
                };
                async Task Flush()
                {
                    await _b.WaitAsync();
                    try
                    {
                        await {|LD0001:_a.WaitAsync()|};
                        try { await Task.Yield(); } finally { _a.Release(); }
                    }
                    finally { _b.Release(); }
                }
            }
            """);

    [Fact]
    public void WaitAsyncWithTimeoutAndConfigureAwait()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task<bool> TryRefreshAsync()
                {
                    var entered = await _gate.WaitAsync(100).ConfigureAwait(false);
                    if (!entered) return false;
                    try { await Task.Yield(); return true; }
                    finally { _gate.Release(); }
                }
                async Task RefreshIfFreeAsync()
                {
                    if (await _gate.WaitAsync(0).ConfigureAwait(false))
                    {
                        try { await Task.Yield(); }
                        finally { _gate.Release(); }
                    }
                }
            }
            """);
}
