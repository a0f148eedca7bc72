using LockDiscipline.Analyzer.Tests.Harness;
using LockDiscipline.Analyzer.Tests.KernelRules;

namespace LockDiscipline.Analyzer.Tests.Rules;

/// <summary>
/// LD0003: a class acquired while held on the provably same instance, for a lock that is not
/// reentrant (in that mode). The same class on two instances that cannot be told apart is LD0014 (the
/// tests here that show it say so); upgradeable reads may take the read or write lock;
/// try-acquisitions never block.
/// </summary>
public class RecursiveLockingTests
{
    [Fact]
    public void KMutexTakenTwice()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                void Add()
                {
                    _mutex.Lock();
                    {|LD0003:_mutex.Lock()|};
                    _mutex.Unlock();
                    {|LD0007:_mutex.Unlock()|};
                }
            }
            """).Only("LD0003").GetMessage();
        Assert.Equal(
            "possible recursive locking detected: 'Group._mutex' is acquired while already held (since File0.cs:7); KMutex is not reentrant, so the thread waits for itself",
            message);
    }

    [Theory]
    [InlineData("readonly KSpinLock _l = new();", "_l.Lock()", "_l.Unlock()", "KSpinLock")]
    [InlineData("readonly KRwSem _l = new();", "_l.DownWrite()", "_l.UpWrite()", "KRwSem")]
    [InlineData("readonly KLockMap _l = new();", "_l.Acquire()", "_l.Release()", "KLockMap")]
    [InlineData("readonly SemaphoreSlim _l = new(1, 1);", "_l.Wait()", "_l.Release()", "SemaphoreSlim")]
    [InlineData("readonly ReaderWriterLockSlim _l = new();", "_l.EnterReadLock()", "_l.ExitReadLock()", "ReaderWriterLockSlim (NoRecursion)")]
    [InlineData("readonly ReaderWriterLockSlim _l = new();", "_l.EnterWriteLock()", "_l.ExitWriteLock()", "ReaderWriterLockSlim (NoRecursion)")]
    public void NonReentrantKindTakenTwice(string declaration, string acquire, string release, string kind)
    {
        var message = Verify.Diagnostics($$"""
            using System.Threading;
            using LockDiscipline;
            class Holder
            {
                {{declaration}}
                void Twice()
                {
                    {{acquire}};
                    {|LD0003:{{acquire}}|};
                    {{release}};
                    {|LD0007:{{release}}|};
                }
            }
            """).Only("LD0003").GetMessage();
        Assert.Contains($"'Holder._l' is acquired while already held (since File0.cs:8); {kind} ", message);
        Assert.Contains($"{kind} is not reentrant", message);
    }

    [Fact]
    public void ReaderWriterLockReadThenWrite()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.NoRecursion);
                void Upgrade()
                {
                    _rw.EnterReadLock();
                    try
                    {
                        {|LD0003:_rw.EnterWriteLock()|};
                        {|LD0007:_rw.ExitWriteLock()|};
                    }
                    finally { _rw.ExitReadLock(); }
                }
            }
            """);

    [Fact]
    public void SpinLockTakenTwice()
        => Verify.Diagnostics("""
            using System.Threading;
            class Ring
            {
                SpinLock _spin = new(false);
                void Twice()
                {
                    bool outer = false;
                    try
                    {
                        _spin.Enter(ref outer);
                        bool inner = false;
                        try { {|LD0003:_spin.Enter(ref inner)|}; }
                        finally { if (inner) _spin.Exit(); }
                    }
                    finally { if (outer) _spin.Exit(); }
                }
            }
            """);

    [Fact]
    public void UpgradeableReadThenWriteOrReadIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _rw = new();
                void Upgrade()
                {
                    _rw.EnterUpgradeableReadLock();
                    try
                    {
                        _rw.EnterWriteLock();
                        _rw.ExitWriteLock();
                        _rw.EnterReadLock();
                        _rw.ExitReadLock();
                    }
                    finally { _rw.ExitUpgradeableReadLock(); }
                }
            }
            """);

    [Fact]
    public void RecursiveReaderWriterLockOnTheSameInstanceIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.SupportsRecursion);
                void Nested()
                {
                    _rw.EnterReadLock();
                    try { _rw.EnterReadLock(); _rw.ExitReadLock(); }
                    finally { _rw.ExitReadLock(); }
                }
            }
            """);

    [Fact]
    public void TryAcquisitionWhileHeldIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                readonly SemaphoreSlim _sem = new(1, 1);
                void Probe()
                {
                    _mutex.Lock();
                    if (_mutex.TryLock()) { _mutex.Unlock(); }
                    _mutex.Unlock();
                    _sem.Wait();
                    if (_sem.Wait(0)) { _sem.Release(); }
                    _sem.Release();
                }
            }
            """);

    [Fact]
    public void MonitorReentryOnTheSameInstanceIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Counter
            {
                readonly object _sync = new();
                readonly Lock _lock = new();
                int _value;
                void Add() { lock (_sync) { lock (this._sync) { _value++; } } }
                void AddTwice() { lock (_sync) { Increment(); } }
                void Increment() { lock (_sync) { _value++; } }
                void Scoped() { using (_lock.EnterScope()) { using (_lock.EnterScope()) { } } }
                readonly Mutex _mutex = new();
                void Nested() { _mutex.WaitOne(); _mutex.WaitOne(); _mutex.ReleaseMutex(); _mutex.ReleaseMutex(); }
            }
            """);

    [Fact]
    public void MonitorOnTwoInstancesOfOneClass()
    {
        var message = Verify.Diagnostics("""
            class Account
            {
                public readonly object Sync = new();
                public int Balance;
                public static void Transfer(Account from, Account to, int amount)
                {
                    lock (from.Sync)
                    {
                        lock ({|LD0014:to.Sync|}) { from.Balance -= amount; to.Balance += amount; }
                    }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("'Account.Sync' is acquired on 'to.Sync' while held on 'from.Sync' (since File0.cs:7); the two instances cannot be told apart", message);
        Assert.Contains("LockNested(n)", message);
    }

    [Fact]
    public void LockOnTwoParametersOfOneType()
        => Verify.Diagnostics("""
            using System.Threading;
            class Account
            {
                public static void Transfer(Account from, Account to)
                {
                    lock (from) { lock ({|LD0014:to|}) { } }
                }
                public static void Swap(Lock first, Lock second)
                {
                    using (first.EnterScope()) { using ({|LD0014:second.EnterScope()|}) { } }
                }
                public static void Log(Mutex first, Mutex second)
                {
                    first.WaitOne();
                    {|LD0014:second.WaitOne()|};
                    second.ReleaseMutex();
                    first.ReleaseMutex();
                }
            }
            """);

    [Fact]
    public void NonReentrantLockTakenAgainThroughACall()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                void Add() { using (_mutex.Guard()) { {|LD0003:Notify()|}; } }
                void Notify() { using (_mutex.Guard()) { } }
            }
            """).Single().GetMessage();
        Assert.Contains("'Group._mutex' is held here across a call that acquires it again at File0.cs:6", message);
        Assert.Contains("KMutex is not reentrant", message);
    }

    [Fact]
    public void MonitorOnAnotherInstanceThroughACall()
        => Verify.Diagnostics("""
            class Node
            {
                readonly object _sync = new();
                int _value;
                void Touch() { lock (_sync) { _value++; } }
                void Merge(Node other) { lock (_sync) { {|LD0014:other.Touch()|}; } }
                void Again() { lock (_sync) { this.Touch(); Touch(); } }
            }
            """);

    [Fact]
    public void TwoMembersSharingALockClassNested()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device { [LockClass("dev->mutex")] public readonly object Mutex = new(); }
            class Driver { [LockClass("dev->mutex")] public readonly object Mutex = new(); }
            class Bus
            {
                void Probe(Device device, Driver driver) { lock (device.Mutex) { lock ({|LD0014:driver.Mutex|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("'dev->mutex' is acquired on 'driver.Mutex' while held on 'device.Mutex'", message);
    }

    [Fact]
    public void TwoElementsOfOneArrayNested()
    {
        var message = Verify.Diagnostics("""
            class Striped
            {
                readonly object[] _stripes = { new(), new() };
                void Both(int i, int j) { lock (_stripes[i]) { lock ({|LD0014:_stripes[j]|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("'Striped._stripes[]' is acquired on an instance the analysis cannot name while held on an instance the analysis cannot name (since File0.cs:4); the two instances cannot be told apart", message);
    }

    [Fact]
    public void SelfRecursionUnderALock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Tree
            {
                readonly object _sync = new();
                readonly KMutex _mutex = new();
                void Walk(int depth) { lock (_sync) { if (depth > 0) Walk(depth - 1); } }
                void Prune(int depth) { using (_mutex.Guard()) { if (depth > 0) {|LD0003:Prune(depth - 1)|}; } }
            }
            """);

    [Fact]
    public void MonitorReentryThroughCallsOnTheSameInstanceIsClean()
        => Verify.Diagnostics("""
            class Child
            {
                public readonly object Sync = new();
                public void Touch() { lock (Sync) { } }
            }
            class Parent
            {
                static readonly object Gate = new();
                readonly Child _child = new();
                void ThroughField() { lock (_child.Sync) { _child.Touch(); } }
                void ThroughStatic() { lock (Gate) { Helper(); } }
                static void Helper() { lock (Gate) { } }
                static void ThroughParameter(Child child) { lock (child.Sync) { lock (child.Sync) { } child.Touch(); } }
            }
            """);

    [Fact]
    public void LockOnThisThenOnAnotherInstanceOfTheType()
        => Verify.Diagnostics("""
            class Node
            {
                void Link(Node other) { lock (this) { lock ({|LD0014:other|}) { } } }
                void Again() { lock (this) { lock (this) { } } }
            }
            """);
}
