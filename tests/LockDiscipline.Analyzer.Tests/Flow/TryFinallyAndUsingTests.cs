using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Exceptions: calls, object creations and awaits can throw; a lock released only on the normal
/// path leaks when they do (LD0007 at the acquisition), unless a finally, a using or a catch-all
/// handler covers them. Code with no throwing point between acquisition and release is balanced.
/// </summary>
public class TryFinallyAndUsingTests
{
    [Fact]
    public void ReleaseInFinallyIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                readonly KMutexHolder _k = new();
                void Update()
                {
                    Monitor.Enter(_a);
                    try { Work(); }
                    finally { Monitor.Exit(_a); }
                }
                void Work() { }
            }
            class KMutexHolder
            {
                readonly LockDiscipline.KMutex _m = new();
                void Update()
                {
                    _m.Lock();
                    try { Work(); }
                    finally { _m.Unlock(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void CallBetweenAcquireAndReleaseWithoutFinallyLeaks()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Update()
                {
                    {|LD0007:Monitor.Enter(_a)|};
                    Work();
                    Monitor.Exit(_a);
                }
                void Work() { }
            }
            """).Single().GetMessage();
        Assert.Contains("'Store._a' acquired here is not released if 'Work()' throws", message);
    }

    [Fact]
    public void ObjectCreationBetweenAcquireAndReleaseWithoutFinallyLeaks()
    {
        var message = Verify.Diagnostics("""
            using System.Collections.Generic;
            using System.Threading;
            class Store
            {
                readonly object _m = new();
                List<int> _items = new();
                void Reset()
                {
                    {|LD0007:Monitor.Enter(_m)|};
                    _items = new List<int>();
                    Monitor.Exit(_m);
                }
            }
            """).Single().GetMessage();
        Assert.Contains("is not released if 'new List<int>()' throws", message);
    }

    [Fact]
    public void NoThrowingPointBetweenAcquireAndReleaseIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                int _count;
                int[] _slots = new int[4];
                void Update(int i)
                {
                    Monitor.Enter(_a);
                    _count++;
                    _slots[i & 3] = _count * 2;
                    Monitor.Exit(_a);
                }
            }
            """);

    [Fact]
    public void CatchAllHandlerKeepsTheLockOnTheNormalPath()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void Update()
                {
                    Monitor.Enter(_a);
                    try { Work(); } catch { }
                    Monitor.Exit(_a);
                    Monitor.Enter(_b);
                    try { Work(); } catch (System.Exception) { }
                    Monitor.Exit(_b);
                }
                void Work() { }
            }
            """);

    [Fact]
    public void SpecificCatchLetsOtherExceptionsLeak()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                void Update()
                {
                    {|LD0007:Monitor.Enter(_a)|};
                    try { Work(); } catch (InvalidOperationException) { }
                    Monitor.Exit(_a);
                }
                void Work() { }
            }
            """);

    [Fact]
    public void ThrowInsideLockStatementIsClean()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new();
                int _count;
                void Update(int value)
                {
                    lock (_a)
                    {
                        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value));
                        _count += value;
                        Work();
                    }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void GuardInUsingDeclarationIsReleasedOnEveryPath()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Store
            {
                readonly KMutex _m = new();
                readonly KSpinLock _s = new();
                readonly KRwSem _r = new();
                int Update(int value)
                {
                    using var guard = _m.Guard();
                    if (value < 0) throw new ArgumentOutOfRangeException(nameof(value));
                    Work();
                    if (value == 0) return 0;
                    using (_s.GuardIrqSave()) { Work(); }
                    using (_r.ReadGuard()) { Work(); }
                    return value;
                }
                void Work() { }
            }
            """);

    [Fact]
    public void LockScopeInUsingDeclarationIsReleasedOnEveryPath()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly Lock _l = new();
                int Update(int value)
                {
                    using var scope = _l.EnterScope();
                    Work();
                    if (value == 0) return 0;
                    return value;
                }
                void Work() { }
            }
            """);

    [Fact]
    public void NestedTryFinallyReleasesInnerThenOuter()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void Update()
                {
                    Monitor.Enter(_a);
                    try
                    {
                        Work();
                        Monitor.Enter(_b);
                        try { Work(); }
                        finally { Monitor.Exit(_b); }
                        Work();
                    }
                    finally { Monitor.Exit(_a); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void ReleaseInFinallyOfTheWrongTryLeaksTheOuterLock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void Update()
                {
                    {|LD0007:Monitor.Enter(_a)|};
                    Monitor.Enter(_b);
                    try { Work(); }
                    finally { Monitor.Exit(_b); }
                    Monitor.Exit(_a);
                }
                void Work() { }
            }
            """);

    [Fact]
    public void UsingWithTwoResources()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Store
            {
                readonly KMutex _a = new(), _b = new();
                void One() { using (_a.Guard()) using (_b.Guard()) { } }
                void Two() { using (var b = _b.Guard()) using (var a = {|LD0001:_a.Guard()|}) { } }
            }
            """);
}
