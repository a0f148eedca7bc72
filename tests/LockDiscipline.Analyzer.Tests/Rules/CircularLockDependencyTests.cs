using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Rules;

/// <summary>
/// LD0001: cycles of any length in the class graph, reported once per cycle at the inner
/// acquisition that comes last in (file, position) order, with a lockdep-style message.
/// </summary>
public class CircularLockDependencyTests
{
    [Fact]
    public void TwoClassCycleMessage()
    {
        var message = Verify.Diagnostics("""
            class Cache
            {
                readonly object _items = new(), _stats = new();
                void Add() { lock (_items) { lock (_stats) { } } }
                void Dump() { lock (_stats) { lock ({|LD0001:_items|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Cache._items' while holding 'Cache._stats' (Cache.Dump at File0.cs:5), "
            + "but the existing dependency chain is 'Cache._items' -> 'Cache._stats' (Cache.Add at File0.cs:4)",
            message);
    }

    [Fact]
    public void ReportedAtTheLastInnerAcquisitionInSourceOrder()
    {
        var message = Verify.Diagnostics("""
            class Cache
            {
                readonly object _items = new(), _stats = new();
                void Dump() { lock (_stats) { lock (_items) { } } }
                void Add() { lock (_items) { lock ({|LD0001:_stats|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Cache._stats' while holding 'Cache._items' (Cache.Add at File0.cs:5)", message);
        Assert.Contains("existing dependency chain is 'Cache._stats' -> 'Cache._items' (Cache.Dump at File0.cs:4)", message);
    }

    [Fact]
    public void ThreeClassCycle()
    {
        var message = Verify.Diagnostics("""
            class Hotplug
            {
                readonly object _a = new(), _b = new(), _c = new();
                void One() { lock (_a) { lock (_b) { } } }
                void Two() { lock (_b) { lock (_c) { } } }
                void Three() { lock (_c) { lock ({|LD0001:_a|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Hotplug._a' while holding 'Hotplug._c' (Hotplug.Three at File0.cs:6), "
            + "but the existing dependency chain is 'Hotplug._a' -> 'Hotplug._b' (Hotplug.One at File0.cs:4), "
            + "then 'Hotplug._b' -> 'Hotplug._c' (Hotplug.Two at File0.cs:5)",
            message);
    }

    [Fact]
    public void ThreeClassChainWithoutBackEdgeIsClean()
        => Verify.Diagnostics("""
            class Hotplug
            {
                readonly object _a = new(), _b = new(), _c = new();
                void One() { lock (_a) { lock (_b) { } } }
                void Two() { lock (_b) { lock (_c) { } } }
                void Three() { lock (_a) { lock (_c) { } } }
                void Four() { lock (_a) { lock (_b) { lock (_c) { } } } }
            }
            """);

    [Fact]
    public void CycleAcrossFilesIsReportedInTheLaterFile()
    {
        var message = Verify.Diagnostics(
            """
            public class Boot
            {
                public static readonly object GlobalLock = new();
                public static void Init() { lock (GlobalLock) { lock (Group.Mutex) { } } }
            }
            """,
            """
            public class Group
            {
                public static readonly object Mutex = new();
                public static void Attach() { lock (Mutex) { lock ({|LD0001:Boot.GlobalLock|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Boot.GlobalLock' while holding 'Group.Mutex' (Group.Attach at File1.cs:4)", message);
        Assert.Contains("'Boot.GlobalLock' -> 'Group.Mutex' (Boot.Init at File0.cs:4)", message);
    }

    [Fact]
    public void CycleThroughSharedLockClassName()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                [LockClass("dev->mutex")] public readonly object Mutex = new();
            }
            class Driver
            {
                [LockClass("dev->mutex")] public readonly object Mutex = new();
                public readonly object Bind = new();
            }
            class Bus
            {
                void Probe(Device device, Driver driver) { lock (device.Mutex) { lock (driver.Bind) { } } }
                void Attach(Driver driver) { lock (driver.Bind) { lock ({|LD0001:driver.Mutex|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'dev->mutex' while holding 'Driver.Bind'", message);
        Assert.Contains("'dev->mutex' -> 'Driver.Bind'", message);
    }

    [Fact]
    public void DistinctLockClassNamesDoNotFormACycle()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                [LockClass("dev->mutex")] public readonly object Mutex = new();
            }
            class Driver
            {
                [LockClass("drv->mutex")] public readonly object Mutex = new();
                public readonly object Bind = new();
            }
            class Bus
            {
                void Probe(Device device, Driver driver) { lock (device.Mutex) { lock (driver.Bind) { } } }
                void Attach(Driver driver) { lock (driver.Bind) { lock (driver.Mutex) { } } }
            }
            """);

    [Fact]
    public void LockOnThisIsClassedByType()
    {
        var message = Verify.Diagnostics("""
            class Node
            {
                public void Link(Edge edge) { lock (this) { lock (edge) { } } }
            }
            class Edge
            {
                public void Link(Node node) { lock (this) { lock ({|LD0001:node|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Node' while holding 'Edge'", message);
        Assert.Contains("'Node' -> 'Edge' (Node.Link at File0.cs:3)", message);
    }

    [Fact]
    public void ParametersAreClassedByType()
    {
        var message = Verify.Diagnostics("""
            class Order { }
            class Customer { }
            static class Billing
            {
                public static void Charge(Order order, Customer customer) { lock (order) { lock (customer) { } } }
                public static void Refund(Order order, Customer customer) { lock (customer) { lock ({|LD0001:order|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Order' while holding 'Customer'", message);
    }

    [Fact]
    public void UntraceableLocalIsClassedByType()
    {
        var message = Verify.Diagnostics("""
            class Store
            {
                readonly object _b = new();
                object Pick() => new object();
                void One() { var picked = Pick(); lock (picked) { lock (_b) { } } }
                void Two() { lock (_b) { lock ({|LD0001:Pick()|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'object' while holding 'Store._b'", message);
    }

    [Fact]
    public void ArrayAndListElementsFormOneClass()
    {
        var diagnostics = Verify.Diagnostics("""
            using System.Collections.Generic;
            class Striped
            {
                readonly object[] _stripes = { new(), new() };
                readonly List<object> _buckets = new() { new() };
                readonly object _resize = new();
                void Put(int key) { lock (_stripes[key & 1]) { lock (_resize) { } } }
                void Resize() { lock (_resize) { lock ({|LD0001:_stripes[0]|}) { } } }
                void Bucket(int i) { lock (_buckets[i]) { lock (_resize) { } } }
                void Rehash(int i) { lock (_resize) { lock ({|LD0001:_buckets[i]|}) { } } }
            }
            """);
        var messages = diagnostics.Select(d => d.GetMessage()).ToList();
        Assert.Contains(messages, m => m.Contains("acquiring 'Striped._stripes[]' while holding 'Striped._resize'"));
        Assert.Contains(messages, m => m.Contains("acquiring 'Striped._buckets[]' while holding 'Striped._resize'"));
    }

    [Fact]
    public void GenericTypeFieldsUseTheTypeName()
    {
        var message = Verify.Diagnostics("""
            class Box<T>
            {
                readonly object _value = new(), _meta = new();
                void Set() { lock (_value) { lock (_meta) { } } }
                void Describe() { lock (_meta) { lock ({|LD0001:_value|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Box._value' while holding 'Box._meta'", message);
    }

    [Fact]
    public void MixedPrimitivesFormOneGraph()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Mixed
            {
                readonly object _monitor = new();
                readonly SemaphoreSlim _sem = new(1, 1);
                readonly KMutex _mutex = new();
                void One() { lock (_monitor) { _sem.Wait(); _sem.Release(); } }
                void Two() { _sem.Wait(); _mutex.Lock(); _mutex.Unlock(); _sem.Release(); }
                void Three() { using (_mutex.Guard()) { lock ({|LD0001:_monitor|}) { } } }
            }
            """);

    [Fact]
    public void AcquiresLockContractCallIsTheAcquisition()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new();
                readonly object _other = new();
                [AcquiresLock(nameof(_mutex))] public void Lock() => _mutex.Lock();
                [ReleasesLock(nameof(_mutex))] public void Unlock() => _mutex.Unlock();
                public void Both() { Lock(); try { lock (_other) { } } finally { Unlock(); } }
                public void Reverse() { lock (_other) { {|LD0001:Lock()|}; try { } finally { Unlock(); } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Device._mutex' while holding 'Device._other'", message);
    }

    [Fact]
    public void SameOrderAcrossTypesIsClean()
        => Verify.Diagnostics("""
            class Boot
            {
                public static readonly object GlobalLock = new();
                public static void Init() { lock (GlobalLock) { Group.Add(); } }
            }
            class Group
            {
                public static readonly object Mutex = new();
                public static void Add() { lock (Mutex) { } }
                public static void Attach() { lock (Boot.GlobalLock) { lock (Mutex) { } } }
            }
            """);

    /// <summary>
    /// <c>lock (c ? _a : _b)</c> may take either member. Whether the analysis classes it by its static
    /// type (like an untraceable local) or by both members, <c>One</c> closes a cycle (with
    /// <c>Three</c>'s <c>object</c>, or with <c>Two</c>'s <c>_a</c>) at the same place; classing it as
    /// one arm only would miss both.
    /// </summary>
    [Fact]
    public void ConditionalLockExpressionIsNotClassedByOneArm()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new(), _x = new();
                object Pick() => new object();
                void Two() { lock (_x) { lock (_a) { } } }
                void Three() { lock (_x) { lock (Pick()) { } } }
                void One(bool c) { lock (c ? _a : _b) { lock ({|LD0001:_x|}) { } } }
            }
            """);

    /// <summary>The same for <c>lock (_b ?? _a)</c>, where <c>_b</c> is the member taken when set.</summary>
    [Fact]
    public void CoalescingLockExpressionIsNotClassedByOneArm()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _x = new();
                object? _b;
                object Pick() => new object();
                void Two() { lock (_x) { var b = _b; if (b != null) { lock (b) { } } } }
                void Three() { lock (_x) { lock (Pick()) { } } }
                void One() { lock (_b ?? _a) { lock ({|LD0001:_x|}) { } } }
            }
            """);

    [Fact]
    public void ExpressionBodiedMembersTakePartInCycles()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _a = new(), _b = new();
                int _count;
                int Count => Locked();
                int Locked() { using (_b.Guard()) { return _count; } }
                void One() { using (_a.Guard()) { _count = Count; } }
                void Two() => Nested();
                void Nested() { using (_b.Guard()) { using ({|LD0001:_a.Guard()|}) { } } }
            }
            """);
}
