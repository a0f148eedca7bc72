using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Try-acquisitions hold the lock only on the edge where their result says so: the result used
/// directly in an <c>if</c>, negated, compared with a constant, stored in a local, or reported
/// through a <c>lockTaken</c> flag. Releasing on the other edge, or without looking, is LD0007.
/// </summary>
public class ConditionalAcquisitionTests
{
    [Fact]
    public void TryEnterResultDirectlyInIf()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Store
            {
                readonly object _a = new();
                readonly Lock _l = new();
                readonly KMutex _m = new();
                void Update()
                {
                    if (Monitor.TryEnter(_a)) { try { Work(); } finally { Monitor.Exit(_a); } }
                    if (_l.TryEnter()) { try { Work(); } finally { _l.Exit(); } }
                    if (_m.TryLock()) { _m.Unlock(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void NegatedResultWithEarlyReturn()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                readonly ReaderWriterLockSlim _rw = new();
                void Update()
                {
                    if (!_sem.Wait(100)) return;
                    try { Work(); } finally { _sem.Release(); }
                }
                void Read()
                {
                    if (_rw.TryEnterReadLock(10) == false) return;
                    try { Work(); } finally { _rw.ExitReadLock(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void ResultStoredInLocal()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                readonly object _a = new();
                readonly Mutex _mutex = new();
                void Update()
                {
                    bool ok = _sem.Wait(100);
                    if (!ok) return;
                    try { Work(); } finally { _sem.Release(); }
                }
                void Touch()
                {
                    var taken = Monitor.TryEnter(_a, 10);
                    if (taken)
                    {
                        try { Work(); } finally { Monitor.Exit(_a); }
                    }
                }
                void Log()
                {
                    var owned = _mutex.WaitOne(50);
                    if (owned) { try { Work(); } finally { _mutex.ReleaseMutex(); } }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void ResultCombinedWithAnotherCondition()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Update(bool enabled)
                {
                    if (enabled && Monitor.TryEnter(_a))
                    {
                        try { Work(); } finally { Monitor.Exit(_a); }
                    }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void LockTakenFlagChecksInFinally()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                SpinLock _spin = new(false);
                void Update()
                {
                    bool taken = false;
                    try { Monitor.Enter(_a, ref taken); Work(); }
                    finally { if (taken) Monitor.Exit(_a); }
                }
                void Spin()
                {
                    bool taken = false;
                    try { _spin.TryEnter(10, ref taken); Work(); }
                    finally { if (taken) _spin.Exit(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void ReleaseAfterUncheckedTryEnter()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Update()
                {
                    Monitor.TryEnter(_a);
                    try { Work(); }
                    finally { {|LD0007:Monitor.Exit(_a)|}; }
                }
                void Work() { }
            }
            """).Single().GetMessage();
        Assert.Contains("'Store._a' is released here on a path where it may not have been acquired", message);
    }

    [Fact]
    public void ReleaseOnTheFailureEdge()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                void Update()
                {
                    if (!_sem.Wait(0)) { {|LD0007:_sem.Release()|}; return; }
                    _sem.Release();
                }
            }
            """).Single().GetMessage();
        Assert.Contains("'Store._sem' is released here on a path where it is not held", message);
    }

    [Fact]
    public void ReleaseWithUncheckedLockTakenFlag()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Update()
                {
                    bool taken = false;
                    try { Monitor.TryEnter(_a, 10, ref taken); Work(); }
                    finally { {|LD0007:Monitor.Exit(_a)|}; }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void LockTryEnterWithTimeoutNegated()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly Lock _l = new();
                void Update()
                {
                    if (!_l.TryEnter(10)) return;
                    try { Work(); } finally { _l.Exit(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void TryEnterRetriedInALoop()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Update()
                {
                    while (!Monitor.TryEnter(_a, 10)) { Work(); }
                    try { Work(); } finally { Monitor.Exit(_a); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void TernaryOfTwoTryAcquiresStoredInALocal()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Endpoint
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task<bool> DeclaredAsync(bool synchronous, TimeSpan timeout)
                {
                    var entered = synchronous ? _gate.Wait(timeout) : await _gate.WaitAsync(timeout);
                    if (!entered) return false;
                    try { await Task.Delay(1); return true; }
                    finally { _gate.Release(); }
                }
                async Task<bool> AssignedAsync(bool useAsync, TimeSpan timeout)
                {
                    bool taken;
                    taken = useAsync ? await _gate.WaitAsync(timeout) : _gate.Wait(timeout);
                    if (!taken) return false;
                    try { await Task.Delay(1); }
                    finally { _gate.Release(); }
                    return true;
                }
                bool OneArmConstant(bool enabled)
                {
                    var taken = enabled ? _gate.Wait(10) : false;
                    if (!taken) return false;
                    _gate.Release();
                    return true;
                }
            }
            """);

    [Fact]
    public void TernaryTryAcquireReleasedOnTheFailureEdge()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Endpoint
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task<bool> ConnectAsync(bool synchronous, TimeSpan timeout)
                {
                    var entered = synchronous ? _gate.Wait(timeout) : await _gate.WaitAsync(timeout);
                    if (!entered)
                    {
                        {|LD0007:_gate.Release()|};
                        return false;
                    }
                    _gate.Release();
                    return true;
                }
            }
            """);

    [Fact]
    public void NullConditionalAcquireAndReleaseOnAReadonlyField()
        => Verify.Diagnostics("""
            using System.Threading;
            class SharedState
            {
                readonly Mutex? _crossProcess;
                readonly object _local = new();
                int _value;
                SharedState(string? name) { _crossProcess = name is null ? null : new Mutex(false, name); }
                void Set(int value)
                {
                    lock (_local)
                    {
                        _crossProcess?.WaitOne();
                        try { _value = value; }
                        finally { _crossProcess?.ReleaseMutex(); }
                    }
                }
            }
            """);

    [Fact]
    public void NullConditionalAcquireNeverReleasedOrOnAWritableField()
        => Verify.Diagnostics("""
            using System.Threading;
            class SharedState
            {
                readonly Mutex? _kept;
                Mutex? _swapped;
                int _value;
                SharedState(string? name) { _kept = _swapped = name is null ? null : new Mutex(false, name); }
                void Leak(int value)
                {
                    _kept?{|LD0007:.WaitOne()|};
                    _value = value;
                }
                // The field may be assigned between the two tests: '?.' is not trusted to pair them.
                void Pair(int value)
                {
                    _swapped?{|LD0007:.WaitOne()|};
                    try { _value = value; }
                    finally { _swapped?{|LD0007:.ReleaseMutex()|}; }
                }
            }
            """);
}
