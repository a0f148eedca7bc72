using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.LockApis;

/// <summary>
/// The <c>lock</c> statement on objects and the <c>Monitor</c> API in all its acquiring forms: an
/// inversion through each form is LD0001 at that form's acquisition site, the same nesting in one
/// order is clean. Try-forms never block, so they only ever appear as the outer lock of a link.
/// </summary>
public class MonitorApiTests
{
    [Fact]
    public void LockStatementOnStaticFields()
    {
        var message = Verify.Diagnostics("""
            class Registry
            {
                static readonly object Devices = new(), Drivers = new();
                public static void Bind() { lock (Devices) { lock (Drivers) { } } }
                public static void Probe() { lock (Drivers) { lock ({|LD0001:Devices|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Registry.Devices' while holding 'Registry.Drivers'", message);
    }

    [Fact]
    public void LockStatementInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            class Registry
            {
                readonly object _devices = new(), _drivers = new();
                void Bind() { lock (_devices) { lock (_drivers) { } } }
                void Probe() { lock (_devices) { lock (_drivers) { } } }
                void Alone() { lock (_drivers) { } lock (_devices) { } }
            }
            """);

    [Fact]
    public void MonitorEnterExit()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One()
                {
                    Monitor.Enter(_a);
                    try { Monitor.Enter(_b); try { } finally { Monitor.Exit(_b); } }
                    finally { Monitor.Exit(_a); }
                }
                void Two()
                {
                    Monitor.Enter(_b);
                    try { {|LD0001:Monitor.Enter(_a)|}; try { } finally { Monitor.Exit(_a); } }
                    finally { Monitor.Exit(_b); }
                }
            }
            """);

    [Fact]
    public void MonitorEnterExitInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One()
                {
                    Monitor.Enter(_a);
                    try { Monitor.Enter(_b); try { } finally { Monitor.Exit(_b); } }
                    finally { Monitor.Exit(_a); }
                }
                void Two() { lock (_a) { Monitor.Enter(_b); Monitor.Exit(_b); } }
            }
            """);

    [Fact]
    public void MonitorEnterWithLockTaken()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One() { lock (_a) { lock (_b) { } } }
                void Two()
                {
                    bool outer = false;
                    try
                    {
                        Monitor.Enter(_b, ref outer);
                        bool inner = false;
                        try { {|LD0001:Monitor.Enter(_a, ref inner)|}; }
                        finally { if (inner) Monitor.Exit(_a); }
                    }
                    finally { if (outer) Monitor.Exit(_b); }
                }
            }
            """);

    [Fact]
    public void MonitorEnterWithLockTakenInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One() { lock (_a) { lock (_b) { } } }
                void Two()
                {
                    bool outer = false;
                    try
                    {
                        Monitor.Enter(_a, ref outer);
                        bool inner = false;
                        try { Monitor.Enter(_b, ref inner); }
                        finally { if (inner) Monitor.Exit(_b); }
                    }
                    finally { if (outer) Monitor.Exit(_a); }
                }
            }
            """);

    [Theory]
    [InlineData("Monitor.TryEnter(_a)")]
    [InlineData("Monitor.TryEnter(_a, 100)")]
    [InlineData("Monitor.TryEnter(_a, TimeSpan.FromMilliseconds(100))")]
    public void MonitorTryEnterHoldsTheLockWhenItSucceeds(string tryEnter)
        => Verify.Diagnostics($$"""
            using System;
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One()
                {
                    if ({{tryEnter}})
                    {
                        try { lock (_b) { } }
                        finally { Monitor.Exit(_a); }
                    }
                }
                void Two() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """);

    [Theory]
    [InlineData("Monitor.TryEnter(_a, ref taken)")]
    [InlineData("Monitor.TryEnter(_a, 100, ref taken)")]
    [InlineData("Monitor.TryEnter(_a, TimeSpan.FromMilliseconds(100), ref taken)")]
    public void MonitorTryEnterWithLockTakenHoldsTheLockWhenTaken(string tryEnter)
        => Verify.Diagnostics($$"""
            using System;
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One()
                {
                    bool taken = false;
                    try
                    {
                        {{tryEnter}};
                        if (taken) { lock (_b) { } }
                    }
                    finally { if (taken) Monitor.Exit(_a); }
                }
                void Two() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """);

    [Fact]
    public void MonitorTryEnterNeverBlocksSoItAddsNoEdgeIntoTheTriedLock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One() { lock (_a) { lock (_b) { } } }
                void Two()
                {
                    lock (_b)
                    {
                        if (Monitor.TryEnter(_a)) { Monitor.Exit(_a); }
                        bool taken = false;
                        try { Monitor.TryEnter(_a, 10, ref taken); } finally { if (taken) Monitor.Exit(_a); }
                    }
                }
            }
            """);

    [Fact]
    public void LockOnPropertyUsesThePropertyAsClass()
    {
        var message = Verify.Diagnostics("""
            class Device
            {
                public object Gate { get; } = new();
                public object Bus { get; } = new();
                public void One() { lock (Gate) { lock (Bus) { } } }
                public void Two() { lock (Bus) { lock ({|LD0001:Gate|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Device.Gate' while holding 'Device.Bus'", message);
    }

    [Fact]
    public void LocalCopyOfFieldIsTracedToTheField()
    {
        var message = Verify.Diagnostics("""
            class Cache
            {
                readonly object _items = new(), _stats = new();
                void Add() { var items = _items; lock (items) { lock (_stats) { } } }
                void Dump() { var stats = _stats; lock (stats) { lock ({|LD0001:_items|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Cache._items' while holding 'Cache._stats'", message);
    }
}
