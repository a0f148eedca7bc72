using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0008: a <c>[GuardedBy]</c> member read without its lock (any mode) or written without it held
/// exclusively, reported at the member reference. Constructors of the declaring type and
/// <c>[RequiresLock]</c> bodies hold what they need.
/// </summary>
public class GuardedByTests
{
    [Fact]
    public void ReadAndWriteWithoutTheLock()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _lock = new();
                [GuardedBy(nameof(_lock))] object? _iommu;
                public object? Read() => {|LD0008:_iommu|};
                public void Write(object value) { {|LD0008:_iommu|} = value; }
                public void Locked(object value) { _lock.Lock(); _iommu = value; _ = _iommu; _lock.Unlock(); }
            }
            """));
        Assert.Equal("'Device._iommu' is guarded by 'Device._lock', but is read here without holding it", diagnostics[0].GetMessage());
        Assert.Equal("'Device._iommu' is guarded by 'Device._lock', but is written here without holding it", diagnostics[1].GetMessage());
        Assert.All(diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void EveryFormOfWriteIsAWrite()
        => Assert.All(
            Verify.Diagnostics("""
                using System.Threading;
                using LockDiscipline;
                class Counter
                {
                    readonly KMutex _lock = new();
                    [GuardedBy(nameof(_lock))] int _count;
                    void A() { {|LD0008:_count|}++; }
                    void B() { {|LD0008:_count|} += 2; }
                    void C() { Interlocked.Increment(ref {|LD0008:_count|}); }
                }
                """),
            d => Assert.Contains("is written here without holding it", d.GetMessage()));

    [Fact]
    public void ReadAndWriteInOneStatementAreTwoAccesses()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using LockDiscipline;
            class Counter
            {
                readonly KMutex _lock = new();
                [GuardedBy(nameof(_lock))] int _count;
                void A() { {|LD0008:_count|} = {|LD0008:_count|} + 1; }
            }
            """));
        Assert.Contains("written", diagnostics[0].GetMessage());
        Assert.Contains("read", diagnostics[1].GetMessage());
    }

    [Fact]
    public void ReadLockAllowsReadingNotWriting()
        => Assert.Equal(
            "'Fs._state' is guarded by 'Fs._sem', but is written here without holding it (it is held only for reading)",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Fs
                {
                    readonly KRwSem _sem = new();
                    [GuardedBy(nameof(_sem))] int _state;
                    int Read() { _sem.DownRead(); var s = _state; _sem.UpRead(); return s; }
                    void Write() { _sem.DownWrite(); _state = 1; _sem.UpWrite(); }
                    void WrongWrite() { _sem.DownRead(); {|LD0008:_state|} = 1; _sem.UpRead(); }
                    void Downgraded() { _sem.DownWrite(); _state = 2; _sem.DowngradeWrite(); _ = _state; _sem.UpRead(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void ConstructorsOfTheDeclaringTypeAreExempt()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly object _sync = new();
                [GuardedBy(nameof(_sync))] public int State;
                [GuardedBy(nameof(_sync))] int Prop { get; set; }
                public Device() { State = 1; Prop = 2; State = Prop; }
            }
            class Probe
            {
                Probe(Device device) { {|LD0008:device.State|} = 1; }
            }
            """);

    [Fact]
    public void RequiresLockBodiesHoldTheirLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Fs
            {
                readonly KRwSem _sem = new();
                [GuardedBy(nameof(_sem))] int _state;
                [RequiresLock(nameof(_sem))] void Write() { _state = 0; }
                [RequiresSharedLock(nameof(_sem))] int Read() => _state;
                [RequiresSharedLock(nameof(_sem))] void WrongWrite() { {|LD0008:_state|} = 0; }
            }
            """);

    [Fact]
    public void GuardedPropertyStaticFieldAndMonitorGuard()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Registry
            {
                static readonly KMutex s_lock = new();
                [GuardedBy(nameof(s_lock))] static int s_total;
                readonly object _sync = new();
                [GuardedBy(nameof(_sync))] int Count { get; set; }
                static void Add() { {|LD0008:s_total|}++; }
                static void AddLocked() { s_lock.Lock(); s_total++; s_lock.Unlock(); }
                int Get() => {|LD0008:Count|};
                void Set() { lock (_sync) { Count = 4; } }
            }
            """);

    [Fact]
    public void LambdaCreatedUnderTheLockRunsWithoutIt()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Counter
            {
                readonly KMutex _lock = new();
                [GuardedBy(nameof(_lock))] int _count;
                Action Later() { _lock.Lock(); Action bump = () => {|LD0008:_count|}++; _lock.Unlock(); return bump; }
            }
            """);

    [Fact]
    public void ExpressionBodiedMembersAreBodiesToo()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _lock = new();
                [GuardedBy(nameof(_lock))] object? _iommu;
                public object? Property => {|LD0008:_iommu|};
                public object? Accessor { get => {|LD0008:_iommu|}; }
                public object? Method() => {|LD0008:_iommu|};
                public object? this[int index] => {|LD0008:_iommu|};
            }
            """);

    [Fact]
    public void GuardNamedByALockClass()
        => Assert.Contains(
            "is guarded by 'iommu_probe_device_lock'",
            Verify.Diagnostics("""
                using LockDiscipline;
                static class Probe
                {
                    [LockClass("iommu_probe_device_lock")] public static readonly KMutex Lock = new();
                }
                class Device
                {
                    [GuardedBy("iommu_probe_device_lock")] public object? Iommu;
                }
                class Core
                {
                    void ProbeDevice(Device dev) { Probe.Lock.Lock(); dev.Iommu = new object(); Probe.Lock.Unlock(); }
                    void Release(Device dev) { {|LD0008:dev.Iommu|} = null; }
                }
                """).Single().GetMessage());
}

/// <summary>
/// LD0009: a call to a <c>[RequiresLock]</c> (exclusive) or <c>[RequiresSharedLock]</c> (any mode)
/// method without the lock, or to an <c>[ExcludesLock]</c> method with it held, at the call.
/// </summary>
public class LockContractTests
{
    [Fact]
    public void RequiresLockCalledWithoutIt()
        => Assert.Equal(
            "Group.AddDevice requires 'Group._mutex' to be held ([RequiresLock]), but it is not held here",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Group
                {
                    readonly KMutex _mutex = new();
                    [RequiresLock(nameof(_mutex))] void AddDevice() { }
                    void Good() { _mutex.Lock(); AddDevice(); _mutex.Unlock(); }
                    void Scoped() { using (_mutex.Guard()) { AddDevice(); } }
                    void Bad() { {|LD0009:AddDevice()|}; }
                }
                """).Single().GetMessage());

    [Fact]
    public void ExclusiveAndSharedRequirements()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using LockDiscipline;
            class Fs
            {
                readonly KRwSem _sem = new();
                [RequiresLock(nameof(_sem))] void Write() { }
                [RequiresSharedLock(nameof(_sem))] void Read() { }
                void A() { _sem.DownRead(); {|LD0009:Write()|}; Read(); _sem.UpRead(); }
                void B() { _sem.DownWrite(); Write(); Read(); _sem.UpWrite(); }
                void D() { {|LD0009:Read()|}; }
            }
            """));
        Assert.Equal("Fs.Write requires 'Fs._sem' to be held ([RequiresLock]), but it is not held here exclusively (it is held only for reading)", diagnostics[0].GetMessage());
        Assert.Equal("Fs.Read requires 'Fs._sem' to be held ([RequiresSharedLock]), but it is not held here", diagnostics[1].GetMessage());
    }

    [Fact]
    public void ExcludesLockCalledWithIt()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                [ExcludesLock(nameof(_mutex))] void Notify() { }
                void Good() { _mutex.Lock(); _mutex.Unlock(); Notify(); }
                void Bad() { _mutex.Lock(); {|LD0009:Notify()|}; _mutex.Unlock(); }
            }
            """).Single();
        Assert.Equal("Group.Notify must not be called with 'Group._mutex' held ([ExcludesLock]), but it is held here (since File0.cs:7)", diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:7 [_mutex.Lock()]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void ExcludesLockCalledFromABodyThatRequiresIt()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                [ExcludesLock(nameof(_mutex))] void Notify() { }
                [RequiresLock(nameof(_mutex))] void Locked() { {|LD0009:Notify()|}; }
            }
            """).Single().GetMessage();
        Assert.StartsWith("Group.Notify must not be called with 'Group._mutex' held ([ExcludesLock]), but it is held here", message);
        Assert.DoesNotContain("?", message);
    }

    [Fact]
    public void RequirementThroughAParameterPath()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group { public readonly KMutex Mutex = new(); }
            static class Core
            {
                [RequiresLock("group.Mutex")] static void AddDevice(Group group) { }
                [RequiresLock("group.Mutex")] static void Probe(Group group) => AddDevice(group);
                static void Good(Group group) { group.Mutex.Lock(); AddDevice(group); group.Mutex.Unlock(); }
                static void Bad(Group group) { {|LD0009:AddDevice(group)|}; }
            }
            """);

    [Fact]
    public void PropertyAndInterfaceContracts()
        => Verify.Diagnostics("""
            using LockDiscipline;
            interface IChip { [RequiresLock("chip_lock")] void Mask(); }
            class Chip : IChip
            {
                [LockClass("chip_lock")] public static readonly KSpinLock Lock = new();
                public void Mask() { }
            }
            class Group
            {
                readonly KMutex _mutex = new();
                readonly IChip _chip = new Chip();
                [RequiresLock(nameof(_mutex))] int Count => 0;
                int A() => {|LD0009:Count|};
                int B() { _mutex.Lock(); var n = Count; _mutex.Unlock(); return n; }
                void D() { {|LD0009:_chip.Mask()|}; Chip.Lock.Lock(); _chip.Mask(); Chip.Lock.Unlock(); }
            }
            """);

    [Fact]
    public void TryLockCountsOnlyOnItsSuccessBranch()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                [RequiresLock(nameof(_mutex))] void Locked() { }
                void A() { if (_mutex.TryLock()) { Locked(); _mutex.Unlock(); } else { {|LD0009:Locked()|}; } }
                void B() { if (!_mutex.TryLock()) return; Locked(); _mutex.Unlock(); }
            }
            """);

    [Fact]
    public void LambdaCreatedUnderTheLockDoesNotHoldIt()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                [RequiresLock(nameof(_mutex))] void Locked() { }
                void A() { _mutex.Lock(); Action later = () => {|LD0009:Locked()|}; later(); _mutex.Unlock(); }
            }
            """);
}
