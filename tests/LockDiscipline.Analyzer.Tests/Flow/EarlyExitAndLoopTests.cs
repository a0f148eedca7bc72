using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>Early returns, throws, loops, breaks and gotos: the lockset follows every path of the graph.</summary>
public class EarlyExitAndLoopTests
{
    [Fact]
    public void ReturnInsideLockStatementReleases()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                int _count;
                int Read(bool fast)
                {
                    lock (_a)
                    {
                        if (fast) return _count;
                        lock (_b) { return _count + 1; }
                    }
                }
                int ReadAgain(bool fast)
                {
                    lock (_a)
                    {
                        switch (_count)
                        {
                            case 0: return 0;
                            case 1: lock (_b) { return 1; }
                            default: break;
                        }
                    }
                    return -1;
                }
            }
            """);

    [Fact]
    public void EdgeAfterAnEarlyReturnInsideTheLockStillCounts()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                void One(bool skip) { lock (_a) { if (skip) return; lock (_b) { } } }
                void Two() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """);

    [Fact]
    public void EarlyReturnBeforeTheReleaseLeaks()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                int _count;
                void Update(bool skip)
                {
                    {|LD0007:Monitor.Enter(_a)|};
                    if (skip) return;
                    _count++;
                    Monitor.Exit(_a);
                }
            }
            """).Single().GetMessage();
        Assert.Contains("'Store._a' acquired here is still held when Store.Update returns on some path", message);
    }

    [Fact]
    public void EarlyReturnBeforeTheAcquisitionIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                int _count;
                void Update(bool skip)
                {
                    if (skip) return;
                    Monitor.Enter(_a);
                    _count++;
                    Monitor.Exit(_a);
                }
            }
            """);

    [Fact]
    public void EarlyReturnInsideTryFinallyIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Store
            {
                readonly KMutex _m = new();
                int Update(bool skip)
                {
                    _m.Lock();
                    try
                    {
                        if (skip) return 0;
                        Work();
                        return 1;
                    }
                    finally { _m.Unlock(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void ThrowBeforeTheReleaseLeaks()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Store
            {
                readonly KMutex _m = new();
                int _count;
                void Update(int value)
                {
                    {|LD0007:_m.Lock()|};
                    if (value < 0) throw new ArgumentOutOfRangeException(nameof(value));
                    _count += value;
                    _m.Unlock();
                }
            }
            """);

    [Fact]
    public void LockInLoopBodyAddsItsEdges()
        => Verify.Diagnostics("""
            using System.Collections.Generic;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One(List<int> items)
                {
                    foreach (var item in items)
                    {
                        lock (_a) { if (item == 0) continue; lock (_b) { if (item < 0) break; } }
                    }
                }
                void Two(int n)
                {
                    for (var i = 0; i < n; i++) { lock (_b) { lock ({|LD0001:_a|}) { } } }
                }
            }
            """);

    [Fact]
    public void BalancedLockInLoopIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Store
            {
                readonly object _a = new();
                readonly KMutex _m = new();
                int _count;
                void Update(int n)
                {
                    while (n-- > 0)
                    {
                        Monitor.Enter(_a);
                        _count++;
                        Monitor.Exit(_a);
                    }
                    do
                    {
                        _m.Lock();
                        if (_count > 10) { _m.Unlock(); break; }
                        _count++;
                        _m.Unlock();
                    }
                    while (true);
                }
            }
            """);

    [Fact]
    public void AcquireInLoopWithoutReleaseLeaks()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                int _count;
                void Update(int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        {|LD0007:Monitor.Enter(_a)|};
                        _count++;
                    }
                }
            }
            """);

    [Fact]
    public void GotoOutOfLockStatementReleases()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new();
                int _count;
                void Update()
                {
                retry:
                    lock (_a)
                    {
                        if (_count++ < 3) goto retry;
                        if (_count > 10) goto done;
                    }
                done:
                    return;
                }
            }
            """);
}
