using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.LockApis;

/// <summary>
/// <c>SemaphoreSlim</c> created with an initial count of 1 is a mutex: <c>Wait</c>, <c>WaitAsync</c>
/// (site without the <c>await</c>), the timeout forms as try-acquisitions, and <c>Release</c>.
/// Semaphores that admit several holders are not locks and are ignored.
/// </summary>
public class SemaphoreSlimApiTests
{
    [Fact]
    public void Wait()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(1, 1), _output = new(1, 1);
                void Pump()
                {
                    _input.Wait();
                    try { _output.Wait(); try { } finally { _output.Release(); } }
                    finally { _input.Release(); }
                }
                void Drain()
                {
                    _output.Wait();
                    try { {|LD0001:_input.Wait()|}; try { } finally { _input.Release(); } }
                    finally { _output.Release(); }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Pipeline._input' while holding 'Pipeline._output'", message);
    }

    [Fact]
    public void WaitInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(1, 1), _output = new(1, 1);
                void Pump()
                {
                    _input.Wait();
                    try { _output.Wait(); try { } finally { _output.Release(); } }
                    finally { _input.Release(); }
                }
                void Drain()
                {
                    _input.Wait();
                    try { _output.Wait(); try { } finally { _output.Release(); } }
                    finally { _input.Release(); }
                }
            }
            """);

    [Fact]
    public void WaitAsync()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(1, 1), _output = new(1, 1);
                async Task Pump()
                {
                    await _input.WaitAsync();
                    try
                    {
                        await _output.WaitAsync();
                        try { await Task.Yield(); } finally { _output.Release(); }
                    }
                    finally { _input.Release(); }
                }
                async Task Drain()
                {
                    await _output.WaitAsync();
                    try
                    {
                        await {|LD0001:_input.WaitAsync()|};
                        try { await Task.Yield(); } finally { _input.Release(); }
                    }
                    finally { _output.Release(); }
                }
            }
            """);

    [Fact]
    public void WaitAsyncInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(1, 1), _output = new(1, 1);
                async Task Pump(CancellationToken ct)
                {
                    await _input.WaitAsync(ct);
                    try
                    {
                        await _output.WaitAsync(ct);
                        try { await Task.Delay(1, ct); } finally { _output.Release(); }
                    }
                    finally { _input.Release(); }
                }
                async Task Drain()
                {
                    await _input.WaitAsync();
                    try
                    {
                        _output.Wait();
                        try { await Task.Yield(); } finally { _output.Release(); }
                    }
                    finally { _input.Release(); }
                }
            }
            """);

    [Theory]
    [InlineData("_input.Wait(100)")]
    [InlineData("_input.Wait(TimeSpan.FromSeconds(1))")]
    [InlineData("_input.Wait(100, CancellationToken.None)")]
    public void WaitWithTimeoutHoldsTheLockWhenItSucceeds(string wait)
        => Verify.Diagnostics($$"""
            using System;
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(1, 1), _output = new(1, 1);
                void Pump()
                {
                    if ({{wait}})
                    {
                        try { _output.Wait(); try { } finally { _output.Release(); } }
                        finally { _input.Release(); }
                    }
                }
                void Drain()
                {
                    _output.Wait();
                    try { {|LD0001:_input.Wait()|}; try { } finally { _input.Release(); } }
                    finally { _output.Release(); }
                }
            }
            """);

    [Fact]
    public void WaitWithTimeoutAddsNoEdgeIntoTheTriedSemaphore()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(1, 1), _output = new(1, 1);
                void Pump()
                {
                    _input.Wait();
                    try { _output.Wait(); try { } finally { _output.Release(); } }
                    finally { _input.Release(); }
                }
                void Drain()
                {
                    _output.Wait();
                    try { if (_input.Wait(0)) { _input.Release(); } }
                    finally { _output.Release(); }
                }
            }
            """);

    [Fact]
    public void SemaphoreCreatedInConstructorIsALock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _input, _output;
                Pipeline()
                {
                    _input = new SemaphoreSlim(1, 1);
                    this._output = new SemaphoreSlim(1);
                }
                void Pump()
                {
                    _input.Wait();
                    try { _output.Wait(); try { } finally { _output.Release(); } }
                    finally { _input.Release(); }
                }
                void Drain()
                {
                    _output.Wait();
                    try { {|LD0001:_input.Wait()|}; try { } finally { _input.Release(); } }
                    finally { _output.Release(); }
                }
            }
            """);

    [Fact]
    public void SemaphoreWithSeveralSlotsIsNotALock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _input = new(3), _output = new SemaphoreSlim(2, 2);
                readonly SemaphoreSlim _assigned;
                Pipeline() { _assigned = new SemaphoreSlim(4); }
                void Pump()
                {
                    _input.Wait();
                    try { _output.Wait(); _assigned.Wait(); _output.Release(); }
                    finally { _input.Release(); }
                }
                void Drain()
                {
                    _assigned.Wait();
                    _output.Wait();
                    try { _input.Wait(); try { } finally { _input.Release(); } }
                    finally { _output.Release(); }
                }
                void Unbalanced() { _input.Release(); _output.Wait(); }
            }
            """);

    [Fact]
    public void SemaphoreProperty()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                SemaphoreSlim Input { get; } = new(1, 1);
                SemaphoreSlim Output { get; } = new(1, 1);
                void Pump()
                {
                    Input.Wait();
                    try { Output.Wait(); try { } finally { Output.Release(); } }
                    finally { Input.Release(); }
                }
                void Drain()
                {
                    Output.Wait();
                    try { {|LD0001:Input.Wait()|}; try { } finally { Input.Release(); } }
                    finally { Output.Release(); }
                }
            }
            """);

    [Fact]
    public void LocalSemaphoreCreatedWithOneIsALockButAParameterIsNot()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                void Local()
                {
                    var gate = new SemaphoreSlim(1, 1);
                    gate.Wait();
                    {|LD0003:gate.Wait()|};
                    gate.Release();
                    {|LD0007:gate.Release()|};
                }
                void Parameter(SemaphoreSlim gate)
                {
                    gate.Wait();
                    gate.Wait();
                    gate.Release();
                }
            }
            """);

    /// <summary>
    /// The initial count is the <c>initialCount</c> argument, wherever it is written: a semaphore
    /// starting at one slot is a lock whatever its maximum, and one starting empty is a signal.
    /// </summary>
    [Fact]
    public void InitialCountIsReadByParameterName()
        => Verify.Diagnostics("""
            using System.Threading;
            class Pipeline
            {
                readonly SemaphoreSlim _gate = new(maxCount: 4, initialCount: 1);
                readonly SemaphoreSlim _signal = new SemaphoreSlim(maxCount: 1, initialCount: 0);
                void WaitForData() => _signal.Wait();
                void DataArrived() => _signal.Release();
                void Use()
                {
                    _gate.Wait();
                    {|LD0003:_gate.Wait()|};
                    _gate.Release();
                    {|LD0007:_gate.Release()|};
                }
            }
            """);
}
