using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Rules;

/// <summary>
/// LD0007, its three kinds: held when the method returns (at the acquisition), not released when
/// a call between acquisition and release throws (at the acquisition), and released where it is
/// not held or possibly not acquired (at the release). Method contracts move the responsibility.
/// </summary>
public class UnbalancedLockTests
{
    [Fact]
    public void HeldAtNormalExit()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Begin(bool early)
                {
                    {|LD0007:Monitor.Enter(_a)|};
                    if (early) return;
                    Monitor.Exit(_a);
                }
            }
            """).Single().GetMessage();
        Assert.Equal("bad unlock balance detected: 'Store._a' acquired here is still held when Store.Begin returns on some path", message);
    }

    [Fact]
    public void HeldAtNormalExitOnOneBranch()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                int _count;
                void Begin(bool fast)
                {
                    if (fast) { {|LD0007:_sem.Wait()|}; }
                    _count++;
                }
            }
            """).Single().GetMessage();
        Assert.Contains("'Store._sem' acquired here may still be held when Store.Begin returns", message);
    }

    [Fact]
    public void NotReleasedWhenACallThrows()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                void Update()
                {
                    {|LD0007:_sem.Wait()|};
                    Work();
                    _sem.Release();
                }
                void Work() { }
            }
            """).Single().GetMessage();
        Assert.Equal(
            "bad unlock balance detected: 'Store._sem' acquired here is not released if 'Work()' throws; release it in a finally block",
            message);
    }

    [Fact]
    public void ReleasedWhenNotHeld()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void End(bool twice)
                {
                    Monitor.Enter(_a);
                    Monitor.Exit(_a);
                    if (twice) {|LD0007:Monitor.Exit(_a)|};
                }
            }
            """).Single().GetMessage();
        Assert.Equal("bad unlock balance detected: 'Store._a' is released here on a path where it is not held", message);
    }

    [Fact]
    public void ReleasedTwice()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Store
            {
                readonly KMutex _m = new();
                void Update()
                {
                    _m.Lock();
                    _m.Unlock();
                    {|LD0007:_m.Unlock()|};
                }
            }
            """);

    [Fact]
    public void ReleasingTheWrongLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Store
            {
                readonly KMutex _a = new(), _b = new();
                void Update()
                {
                    {|LD0007:_a.Lock()|};
                    {|LD0007:_b.Unlock()|};
                }
            }
            """);

    [Fact]
    public void CancellableWaitInsideTryMayNotHaveAcquired()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                async Task UpdateAsync(CancellationToken ct)
                {
                    try
                    {
                        await _sem.WaitAsync(ct);
                        await Task.Delay(1);
                    }
                    finally { {|LD0007:_sem.Release()|}; }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("'Store._sem' is released here on a path where it", message);
        Assert.Contains("(when '_sem.WaitAsync(ct)' throws before the lock is taken)", message);
    }

    [Fact]
    public void CancellableSynchronousWaitInsideTryMayNotHaveAcquired()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                void Update(CancellationToken ct)
                {
                    try { _sem.Wait(ct); Work(); }
                    finally { {|LD0007:_sem.Release()|}; }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void CancellableWaitBeforeTryIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                async Task UpdateAsync(CancellationToken ct)
                {
                    await _sem.WaitAsync(ct);
                    try { await Task.Delay(1, ct); }
                    finally { _sem.Release(); }
                }
                void Update(CancellationToken ct)
                {
                    _sem.Wait(ct);
                    try { Work(); }
                    finally { _sem.Release(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void UncancellableWaitInsideTryIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Store
            {
                readonly SemaphoreSlim _sem = new(1, 1);
                async Task UpdateAsync()
                {
                    try
                    {
                        await _sem.WaitAsync();
                        await Task.Delay(1);
                    }
                    finally { _sem.Release(); }
                }
            }
            """);

    [Fact]
    public void ContractMethodsMayLeaveHeldAndRelease()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new();
                [AcquiresLock(nameof(_mutex))] public void Lock() => _mutex.Lock();
                [ReleasesLock(nameof(_mutex))] public void Unlock() => _mutex.Unlock();
                [TryAcquiresLock(true, nameof(_mutex))] public bool TryLock() => _mutex.TryLock();
                public void Update() { Lock(); try { Work(); } finally { Unlock(); } }
                public void Poll() { if (TryLock()) { try { Work(); } finally { Unlock(); } } }
                void Work() { }
            }
            class Owner
            {
                void Use(Device device) { device.Lock(); try { } finally { device.Unlock(); } }
            }
            """);

    [Fact]
    public void ContractReleaseCallIsTheReleaseItself()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new();
                int _count;
                [AcquiresLock(nameof(_mutex))] public void Lock() => _mutex.Lock();
                [ReleasesLock(nameof(_mutex))] public void Unlock() => _mutex.Unlock();
                public void Update() { Lock(); _count++; Unlock(); }
            }
            """);

    [Fact]
    public void CallerOfAcquiringMethodMustRelease()
    {
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new();
                [AcquiresLock(nameof(_mutex))] public void Lock() => _mutex.Lock();
                [ReleasesLock(nameof(_mutex))] public void Unlock() => _mutex.Unlock();
                public void Leak(bool early) { {|LD0007:Lock()|}; if (early) return; Unlock(); }
            }
            class Owner
            {
                void Use(Device device) { {|LD0007:device.Lock()|}; }
                void Drop(Device device) { {|LD0007:device.Unlock()|}; }
            }
            """);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("'Device._mutex' acquired here is still held when Device.Leak returns"));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("'Device._mutex' is released here on a path where it is not held"));
    }

    [Fact]
    public void MethodWithoutContractMayNotLeaveALockHeld()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new(), _other = new();
                [AcquiresLock(nameof(_mutex))] public void Lock() { _mutex.Lock(); {|LD0007:_other.Lock()|}; }
            }
            """);

    [Fact]
    public void ReleasingAgainAfterAReleasingCall()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new();
                [ReleasesLock(nameof(_mutex))] public void Unlock() => _mutex.Unlock();
                public void Once() { _mutex.Lock(); Unlock(); }
                public void Twice() { _mutex.Lock(); Unlock(); {|LD0007:_mutex.Unlock()|}; }
            }
            """);

    [Fact]
    public void ConstructorsAndAccessorsAreNamedInTheMessage()
    {
        var messages = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                public Store() { {|LD0007:Monitor.Enter(_a)|}; }
                int Count { get { {|LD0007:Monitor.Enter(_a)|}; return 1; } }
            }
            """).Select(d => d.GetMessage()).ToList();
        Assert.Contains(messages, m => m.Contains("still held when Store.ctor returns"));
        Assert.Contains(messages, m => m.Contains("still held when Store.Count.get returns"));
    }

    [Fact]
    public void ReleasingInTheWrongMode()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Catalog
            {
                readonly KRwSem _sem = new();
                readonly ReaderWriterLockSlim _rw = new();
                void ReadThenUpWrite() { {|LD0007:_sem.DownRead()|}; {|LD0007:_sem.UpWrite()|}; }
                void DowngradedThenUpWrite() { _sem.DownWrite(); _sem.DowngradeWrite(); {|LD0007:_sem.UpWrite()|}; _sem.UpRead(); }
                void ReadThenExitWrite() { {|LD0007:_rw.EnterReadLock()|}; {|LD0007:_rw.ExitWriteLock()|}; }
            }
            """);

    [Fact]
    public void ExpressionBodiedMembersAreBodies()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new(), _c = new(), _d = new();
                Store() => {|LD0007:Monitor.Enter(_a)|};
                bool Begin() => {|LD0007:Monitor.TryEnter(_b, 10)|} && false;
                bool Count => {|LD0007:Monitor.TryEnter(_c)|} || true;
                void Outer()
                {
                    Local();
                    void Local() => {|LD0007:Monitor.Enter(_d)|};
                }
            }
            """);
}
