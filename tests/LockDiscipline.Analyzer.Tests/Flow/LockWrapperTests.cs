using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Lock wrappers without annotations (issue 10, cause 2): a method's net lock effect is inferred from
/// its body and applied where it is called, as if it were annotated. The wrapper itself is not
/// reported; a caller that leaks through it, or releases through it without holding, is.
/// </summary>
public class LockWrapperTests
{
    [Fact]
    public void AcquireAndReleaseWrappersPairUpInTheCaller()
        => Verify.Diagnostics("""
            using System.Threading;
            public sealed class Gate
            {
                private readonly object _gate = new object();
                private int _count;
                public void Acquire() { Monitor.Enter(_gate); }
                public void Release() => Monitor.Exit(_gate);
                public void Increment()
                {
                    Acquire();
                    try { _count++; }
                    finally { Release(); }
                }
            }
            public sealed class Pool
            {
                private readonly Gate _gate = new Gate();
                public void Use()
                {
                    _gate.Acquire();
                    try { Work(); }
                    finally { _gate.Release(); }
                }
                private void Work() { }
            }
            """);

    [Fact]
    public void CallerThatNeverReleasesIsReportedAtTheCall()
    {
        var diagnostics = Verify.Diagnostics("""
            using System.Threading;
            public sealed class Gate
            {
                private readonly object _gate = new object();
                public void Acquire() { Monitor.Enter(_gate); }
                public void Release() { Monitor.Exit(_gate); }
            }
            public sealed class Pool
            {
                private readonly Gate _gate = new Gate();
                private int _count;
                public void Leak(bool early) { {|LD0007:_gate.Acquire()|}; if (early) return; _count++; _gate.Release(); }
                public void Unthrown() { {|LD0007:_gate.Acquire()|}; Work(); _gate.Release(); }
                public void Drop(bool twice) { _gate.Acquire(); _gate.Release(); if (twice) {|LD0007:_gate.Release()|}; }
                private void Work() { }
            }
            """);
        Assert.Contains(diagnostics, d => d.GetMessage() == "bad unlock balance detected: 'Gate._gate' acquired here is still held when Pool.Leak returns on some path");
        Assert.Contains(diagnostics, d => d.GetMessage() == "bad unlock balance detected: 'Gate._gate' acquired here is not released if 'Work()' throws; release it in a finally block");
        Assert.Contains(diagnostics, d => d.GetMessage() == "bad unlock balance detected: 'Gate._gate' is released here on a path where it is not held");
    }

    /// <summary>
    /// A method that leaves a lock held on every path is, by its shape, an acquiring wrapper: the leak
    /// is reported in its callers, where it does not pair up.
    /// </summary>
    [Fact]
    public void AlwaysLeavingALockHeldMakesAWrapperItsCallersAnswerFor()
        => Verify.Diagnostics("""
            using System.Threading;
            public sealed class Store
            {
                private readonly object _gate = new object();
                private int _count;
                private void Begin() { Monitor.Enter(_gate); _count++; }
                public void Update(bool early)
                {
                    {|LD0007:Begin()|};
                    if (early) return;
                    Monitor.Exit(_gate);
                }
            }
            """);

    [Fact]
    public void DisposableReleasersAreScopes()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public sealed class Resource
            {
                private readonly object _gate = new object();
                private int _count;
                public Releaser Lock()
                {
                    Monitor.Enter(_gate);
                    return new Releaser(_gate);
                }
                // A path without the lock keeps Increment from being a wrapper itself.
                public void Increment(bool skip)
                {
                    if (skip) return;
                    using (Lock()) _count++;
                }
                public void Twice(bool skip)
                {
                    if (skip) return;
                    using var scope = Lock();
                    _count += 2;
                }
                public readonly struct Releaser : IDisposable
                {
                    private readonly object _held;
                    public Releaser(object held) { _held = held; }
                    public void Dispose() => Monitor.Exit(_held);
                }
            }
            public sealed class AsyncLock
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                public async Task<Releaser> LockAsync(CancellationToken cancellationToken)
                {
                    await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return new Releaser(_semaphore);
                }
                public readonly struct Releaser : IDisposable
                {
                    private readonly SemaphoreSlim _toRelease;
                    internal Releaser(SemaphoreSlim toRelease) { _toRelease = toRelease; }
                    public void Dispose() => _toRelease.Release();
                }
            }
            public sealed class Store
            {
                private readonly AsyncLock _lock = new AsyncLock();
                private int _count;
                public async Task AddAsync(bool skip, CancellationToken cancellationToken)
                {
                    if (skip) return;
                    using (await _lock.LockAsync(cancellationToken).ConfigureAwait(false))
                    {
                        _count++;
                    }
                }
            }
            """);

    [Fact]
    public void ReleaserOfAReferenceType()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            public sealed class Resource
            {
                private readonly object _gate = new object();
                private int _count;
                public IDisposable Lock()
                {
                    Monitor.Enter(_gate);
                    return new Releaser(_gate);
                }
                // A path without the lock keeps Increment from being a wrapper itself.
                public void Increment(bool skip)
                {
                    if (skip) return;
                    using (Lock()) _count++;
                }
                private sealed class Releaser : IDisposable
                {
                    private readonly object _held;
                    public Releaser(object held) { _held = held; }
                    public void Dispose() => Monitor.Exit(_held);
                }
            }
            """);

    [Fact]
    public void ReleaserWhoseDisposeCallsAReleaseWrapper()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            public sealed class PoolGate
            {
                private readonly object _gate = new object();
                public void Release() { Monitor.Exit(_gate); }
                public Releaser Lock()
                {
                    Monitor.Enter(_gate);
                    return new Releaser(this);
                }
                public readonly struct Releaser : IDisposable
                {
                    private readonly PoolGate _owner;
                    public Releaser(PoolGate owner) { _owner = owner; }
                    public void Dispose() => _owner.Release();
                }
            }
            public sealed class Worker
            {
                private readonly PoolGate _gate = new PoolGate();
                private int _pending;
                public int Pending(bool skip)
                {
                    if (skip) return 0;
                    using (_gate.Lock()) return _pending;
                }
            }
            """);

    [Fact]
    public void AReleaserNeverDisposedLeaksInTheCaller()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            public sealed class Resource
            {
                private readonly object _gate = new object();
                private int _count;
                public Releaser Lock()
                {
                    Monitor.Enter(_gate);
                    return new Releaser(_gate);
                }
                public void Forget(bool early)
                {
                    var scope = {|LD0007:Lock()|};
                    if (early) return;
                    _count++;
                    scope.Dispose();
                }
                public readonly struct Releaser : IDisposable
                {
                    private readonly object _held;
                    public Releaser(object held) { _held = held; }
                    public void Dispose() => Monitor.Exit(_held);
                }
            }
            """);

    [Fact]
    public void TryAcquireWrappersHoldOnlyWhenTheySucceed()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            public sealed class Gate
            {
                private readonly object _gate = new object();
                private int _count;
                public bool TryAcquire(TimeSpan timeout) => Monitor.TryEnter(_gate, timeout);
                public bool TryAcquireNow()
                {
                    if (!Monitor.TryEnter(_gate)) return false;
                    return true;
                }
                public void Release() { Monitor.Exit(_gate); }
                public bool TryIncrement(TimeSpan timeout)
                {
                    if (!TryAcquire(timeout)) return false;
                    try { _count++; }
                    finally { Release(); }
                    return true;
                }
                public void IncrementIfFree()
                {
                    if (TryAcquireNow())
                    {
                        try { _count++; }
                        finally { Release(); }
                    }
                }
                public void ReleasesOnFailure(TimeSpan timeout)
                {
                    if (!TryAcquire(timeout)) {|LD0007:Release()|};
                    else Release();
                }
            }
            """);

    [Fact]
    public void ATryAcquireReturningTheWrongValueIsNoWrapper()
        => Verify.Diagnostics("""
            using System.Threading;
            public sealed class Gate
            {
                private readonly object _gate = new object();
                public bool TryAcquire()
                {
                    if ({|LD0007:Monitor.TryEnter(_gate)|}) return false;
                    return true;
                }
            }
            """);

    [Fact]
    public void TemporarilyReleasingTheCallersLock()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            public sealed class Worker
            {
                private readonly object _gate = new object();
                private void RunOutside(Action callback)
                {
                    Monitor.Exit(_gate);
                    try { callback(); }
                    finally { Monitor.Enter(_gate); }
                }
                public void Step(Action callback)
                {
                    lock (_gate)
                    {
                        RunOutside(callback);
                    }
                }
            }
            """);

    /// <summary>
    /// What runs while the helper has given the caller's lock up is not ordered after it: no cycle with a
    /// callback that takes another lock, no recursion when the helper takes the caller's semaphore back.
    /// </summary>
    [Fact]
    public void WhatRunsWhileTheCallersLockIsGivenUpIsNotUnderIt()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            public sealed class Worker
            {
                private readonly object _gate = new object();
                private readonly object _stats = new object();
                private readonly SemaphoreSlim _slot = new SemaphoreSlim(1, 1);
                private int _count;
                private void RunOutside(Action callback)
                {
                    Monitor.Exit(_gate);
                    try { callback(); }
                    finally { Monitor.Enter(_gate); }
                }
                private void WaitOutside()
                {
                    _slot.Release();
                    Thread.Sleep(1);
                    _slot.Wait();
                }
                public void Step()
                {
                    lock (_gate)
                    {
                        RunOutside(() => { lock (_stats) _count++; });
                    }
                }
                public void Report()
                {
                    lock (_stats) { lock (_gate) { _count = 0; } }
                }
                public void Slot()
                {
                    _slot.Wait();
                    try { WaitOutside(); }
                    finally { _slot.Release(); }
                }
            }
            """);

    /// <summary>Nesting two wrapped locks of one class is one acquisition in the caller, reported once there.</summary>
    [Fact]
    public void NestingAWrappedClassIsReportedOnceAtTheCall()
    {
        var diagnostic = Verify.Diagnostics("""
            using System.Threading;
            public sealed class AsyncLock
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                public void Enter() => _semaphore.Wait();
                public void Exit() => _semaphore.Release();
            }
            public static class Store
            {
                public static void Both(AsyncLock first, AsyncLock second)
                {
                    first.Enter();
                    try
                    {
                        {|LD0014:second.Enter()|};
                        second.Exit();
                    }
                    finally { first.Exit(); }
                }
            }
            """).Single();
        // Two parameters of one class: which nests in which is not known statically (LD0014, not LD0003).
        Assert.StartsWith("same lock class nested on instances that cannot be told apart: 'AsyncLock._semaphore' is acquired on 'second._semaphore'", diagnostic.GetMessage());
    }

    [Fact]
    public void AWrapperThatCanBeOverriddenIsReportedInItself()
        => Verify.Diagnostics("""
            using System.Threading;
            public class Gate
            {
                private readonly object _gate = new object();
                public virtual void Acquire() { {|LD0007:Monitor.Enter(_gate)|}; }
                public virtual void Release() { {|LD0007:Monitor.Exit(_gate)|}; }
            }
            """);

    [Fact]
    public void AWrapperOnlySomePathsOfWhichAcquireIsReportedInItself()
        => Verify.Diagnostics("""
            using System.Threading;
            public sealed class Gate
            {
                private readonly object _gate = new object();
                public void MaybeAcquire(bool wanted) { if (wanted) {|LD0007:Monitor.Enter(_gate)|}; }
                public void Use() { MaybeAcquire(true); }
            }
            """);

    [Fact]
    public void LocksTakenUnderAWrappersLockAreOrderedAfterIt()
        => Verify.Diagnostics("""
            using System.Threading;
            public sealed class Gate
            {
                private readonly object _gate = new object();
                private readonly object _stats = new object();
                public void Acquire() { Monitor.Enter(_gate); }
                public void Release() { Monitor.Exit(_gate); }
                public void Count()
                {
                    Acquire();
                    try { lock (_stats) { } }
                    finally { Release(); }
                }
                public void Report()
                {
                    lock (_stats) { {|LD0001:Acquire()|}; Release(); }
                }
            }
            """);
}
