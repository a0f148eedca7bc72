using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Cause 8 of issue 10: what an async callee does after it has certainly yielded runs as a
/// continuation, on a thread that does not hold the caller's thread-affine lock (Monitor, Lock).
/// A SemaphoreSlim the caller holds can still be held there, and an await that may complete
/// synchronously proves nothing.
/// </summary>
public class CodeAfterAwaitTests
{
    // Publish takes the buffer lock, then the state lock; Start reaches FlushLaterAsync under %OUTER%.
    private const string Consumer = """
        using System.Threading;
        using System.Threading.Tasks;
        sealed class Consumer
        {
            readonly object _stateLock = new();
            readonly SemaphoreSlim _gate = new(1, 1);
            readonly object _bufferLock = new();
            public void Start() { %START% }
            async Task FlushLaterAsync() { %BODY% lock (_bufferLock) { } }
            public void Publish() { lock (_bufferLock) { lock (%STATE%) { } %GATE%; _gate.Release(); } }
        }
        """;

    /// <summary>The cycle closes in Publish: at the state lock when the caller's monitor counts, at the gate when its semaphore does.</summary>
    private static string Source(string start, string body, bool monitorCounts = false, bool semaphoreCounts = false)
        => Consumer.Replace("%START%", start).Replace("%BODY%", body)
            .Replace("%STATE%", monitorCounts ? "{|LD0001:_stateLock|}" : "_stateLock")
            .Replace("%GATE%", semaphoreCounts ? "{|LD0001:_gate.Wait()|}" : "_gate.Wait()");

    [Theory]
    [InlineData("await Task.Yield();")]
    [InlineData("await Task.Delay(50).ConfigureAwait(false);")]
    [InlineData("await Task.Delay(System.TimeSpan.FromSeconds(5), CancellationToken.None);")]
    [InlineData("if (_gate.CurrentCount > 0) await Task.Yield(); else await Task.Delay(10);")]
    public void AcquisitionAfterACertainYieldIsNotUnderTheCallersMonitor(string body)
    {
        Verify.Diagnostics(Source("lock (_stateLock) _ = FlushLaterAsync();", body));
    }

    [Fact]
    public void AcquisitionAfterACertainYieldThroughAnotherCallIsNotUnderTheCallersMonitor()
    {
        Verify.Diagnostics(Consumer
            .Replace("%START%", "lock (_stateLock) _ = RunAsync();")
            .Replace("%BODY%", string.Empty)
            .Replace("%STATE%", "_stateLock")
            .Replace("%GATE%", "_gate.Wait()")
            .Replace("public void Publish()", "async Task RunAsync() { await Task.Yield(); await FlushLaterAsync(); }\n    public void Publish()"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("await Task.Delay(0);")]
    [InlineData("await _gate.WaitAsync(); _gate.Release();")]
    [InlineData("if (_gate.CurrentCount > 0) await Task.Yield();")]
    [InlineData("try { System.Console.WriteLine(); await Task.Yield(); } catch (System.IO.IOException) { }")]
    public void AcquisitionBeforeAnyCertainYieldIsUnderTheCallersMonitor(string body)
    {
        Verify.Diagnostics(Source("lock (_stateLock) _ = FlushLaterAsync();", body + " await Task.CompletedTask;", monitorCounts: true));
    }

    [Fact]
    public void SemaphoreHeldByTheCallerCanStillBeHeldAfterTheYield()
    {
        Verify.Diagnostics(Source("_gate.Wait(); try { _ = FlushLaterAsync(); } finally { _gate.Release(); }", "await Task.Yield();", semaphoreCounts: true));
    }
}
