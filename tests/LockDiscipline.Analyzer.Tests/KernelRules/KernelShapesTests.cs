using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>The shapes the kernel-semantics issue names, each with its fixed form.</summary>
public class KernelShapesTests
{
    [Fact]
    public void SpinlockInHardIrqAndWithPlainLockIsInconsistent()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Klist
            {
                [LockClass("&k->k_lock")] readonly KSpinLock _lock = new();
                public void AddTail() { _lock.Lock(); _lock.Unlock(); }
                public void Next() { var flags = {|LD0004:_lock.LockIrqSave()|}; _lock.UnlockIrqRestore(flags); }
            }
            class Dmar
            {
                readonly Klist _devices = new();
                [HardIrqContext] public void Fault() => DumpPtes();
                void DumpPtes() => _devices.Next();
            }
            """).Single().GetMessage();
        Assert.Contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage: '&k->k_lock'", message);
        Assert.Contains("Dmar.Fault -> Dmar.DumpPtes -> Klist.Next", message);
        Assert.Contains("Klist.AddTail", message);
    }

    [Fact]
    public void SpinlockTakenWithIrqSaveEverywhereIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Klist
            {
                [LockClass("&k->k_lock")] readonly KSpinLock _lock = new();
                public void AddTail() { var flags = _lock.LockIrqSave(); _lock.UnlockIrqRestore(flags); }
                public void Next() { var flags = _lock.LockIrqSave(); _lock.UnlockIrqRestore(flags); }
            }
            class Dmar
            {
                readonly Klist _devices = new();
                [HardIrqContext] public void Fault() => _devices.Next();
            }
            """);

    [Fact]
    public void IrqSafeToIrqUnsafeThroughCalls()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Driver
            {
                readonly KSpinLock _irqLock = new();
                readonly KSpinLock _plain = new();
                [HardIrqContext] void Handler() { _irqLock.Lock(); _irqLock.Unlock(); }
                void Configure() { var flags = _irqLock.LockIrqSave(); Update(); _irqLock.UnlockIrqRestore(flags); }
                void Update() => Touch();
                void Touch() { {|LD0005:_plain.Lock()|}; _plain.Unlock(); }
                void Poll() { _plain.Lock(); _plain.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("HARDIRQ-safe -> HARDIRQ-unsafe lock order detected", message);
        Assert.Contains("'Driver._plain' (HARDIRQ-unsafe", message);
        Assert.Contains("'Driver._irqLock' (HARDIRQ-safe", message);
    }

    [Fact]
    public void MutexTwoCallsDeepUnderSpinlock()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Iova
            {
                readonly KSpinLock _cpuLock = new();
                readonly KMutex _domainMutex = new();
                void Free() { _cpuLock.Lock(); {|LD0006:Flush()|}; _cpuLock.Unlock(); }
                void Flush() => Reclaim();
                void Reclaim() { _domainMutex.Lock(); _domainMutex.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("Iova.Flush -> Iova.Reclaim may sleep", message);
        Assert.Contains("'Iova._cpuLock' (a spinlock) is held", message);
    }

    [Fact]
    public void MutexReleasedBeforeSleepingCallIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Iova
            {
                readonly KSpinLock _cpuLock = new();
                readonly KMutex _domainMutex = new();
                void Free() { _cpuLock.Lock(); _cpuLock.Unlock(); Flush(); }
                void Flush() { _domainMutex.Lock(); _domainMutex.Unlock(); }
            }
            """);

    [Fact]
    public void SleepInHardIrqHandler()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Device
            {
                [HardIrqContext] void Interrupt() { {|LD0006:Thread.Sleep(1)|}; }
            }
            """);

    [Fact]
    public void GuardedFieldReadWithoutItsLock()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _lock = new();
                [GuardedBy(nameof(_lock))] object? _iommu;
                public Device() { _iommu = null; }
                public object? Read() => {|LD0008:_iommu|};
                public void Write(object value) { _lock.Lock(); _iommu = value; _lock.Unlock(); }
                [RequiresLock(nameof(_lock))] public object? ReadLocked() => _iommu;
            }
            """).Single().GetMessage();
        Assert.Contains("'Device._iommu' is guarded by 'Device._lock', but is read here without holding it", message);
    }

    [Fact]
    public void RequiresAndExcludesAtCalls()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                [RequiresLock(nameof(_mutex))] void AddDevice() { }
                [ExcludesLock(nameof(_mutex))] void Notify() { }
                void Good() { _mutex.Lock(); AddDevice(); _mutex.Unlock(); Notify(); }
                void Bad() { {|LD0009:AddDevice()|}; _mutex.Lock(); {|LD0009:Notify()|}; _mutex.Unlock(); }
            }
            """);

    [Fact]
    public void TryAcquireThatReportsSuccessWithoutAcquiring()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                public readonly KMutex Ownership = new();
                public object? Domain;
            }
            class Core
            {
                [TryAcquiresLock(0, "group.Ownership")]
                int UseDefaultDomain(Group? group)
                {
                    if (group is null) return {|LD0010:0|};
                    group.Ownership.Lock();
                    if (group.Domain is null) { return {|LD0010:-1|}; }
                    return 0;
                }
            }
            """).Select(d => d.GetMessage()).ToList();
        Assert.Contains(message, m => m.Contains("returns its success value 0 here without holding 'Group.Ownership'"));
        Assert.Contains(message, m => m.Contains("returns -1 (not its success value 0) here while still holding 'Group.Ownership'"));
    }

    [Fact]
    public void ReadWriteSemaphoreCycleWhereBothSidesOnlyRead()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Intel
            {
                [LockClass("dmar_global_lock")] static readonly KRwSem DmarGlobalLock = new();
                [LockClass("&group->mutex")] static readonly KMutex GroupMutex = new();
                void Init() { DmarGlobalLock.DownRead(); GroupMutex.Lock(); GroupMutex.Unlock(); DmarGlobalLock.UpRead(); }
                void ResvRegions() { GroupMutex.Lock(); {|LD0001:DmarGlobalLock.DownRead()|}; DmarGlobalLock.UpRead(); GroupMutex.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("'dmar_global_lock'", message);
        Assert.Contains("'&group->mutex'", message);
    }

    [Fact]
    public void LockMapAsWorkCompletionFormsCycle()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Workqueue
            {
                [LockClass("(wq_completion)events")] static readonly KLockMap Completion = new();
                static readonly KMutex ConfigMutex = new();
                void RunWork() { Completion.Acquire(); ConfigMutex.Lock(); ConfigMutex.Unlock(); Completion.Release(); }
                void Flush() { ConfigMutex.Lock(); {|LD0001:Completion.Acquire()|}; Completion.Release(); ConfigMutex.Unlock(); }
            }
            """);

    [Fact]
    public void WaitingForTaskThatTakesTheHeldLock()
    {
        var message = Verify.Diagnostics("""
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                void Refresh()
                {
                    var load = Task.Run(Load);
                    lock (_sync) { {|LD0013:load.Wait()|}; }
                }
                void Load() { lock (_sync) { } }
            }
            """).Single().GetMessage();
        Assert.Contains("blocking wait (Wait) for work that acquires 'Cache._sync'", message);
    }

    [Fact]
    public void WaitingForTaskOutsideTheLockIsClean()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                void Refresh()
                {
                    var load = Task.Run(Load);
                    load.Wait();
                    lock (_sync) { }
                }
                void Load() { lock (_sync) { } }
            }
            """);

    [Fact]
    public void DeclaredOrderViolation()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("iommu_probe_device_lock", "&group->mutex")]
            class Core
            {
                [LockClass("iommu_probe_device_lock")] static readonly KMutex ProbeLock = new();
                [LockClass("&group->mutex")] static readonly KMutex GroupMutex = new();
                void Probe() { ProbeLock.Lock(); GroupMutex.Lock(); GroupMutex.Unlock(); ProbeLock.Unlock(); }
                void Remove() { GroupMutex.Lock(); {|LD0001:{|LD0002:ProbeLock.Lock()|}|}; ProbeLock.Unlock(); GroupMutex.Unlock(); }
            }
            """);

    [Fact]
    public void DeclaredOrderViolatedThroughACall()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("iommu_probe_device_lock", "&group->mutex")]
            class Core
            {
                [LockClass("iommu_probe_device_lock")] static readonly KMutex ProbeLock = new();
                [LockClass("&group->mutex")] static readonly KMutex GroupMutex = new();
                void Remove() { GroupMutex.Lock(); {|LD0002:Reprobe()|}; GroupMutex.Unlock(); }
                void Reprobe() { ProbeLock.Lock(); ProbeLock.Unlock(); }
            }
            """);

    [Fact]
    public void ContradictoryDeclaredOrders()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: {|LD0012:LockOrder("a", "b")|}]
            [assembly: {|LD0012:LockOrder("b", "a")|}]
            class Locks
            {
                [LockClass("a")] static readonly KMutex A = new();
                [LockClass("b")] static readonly KMutex B = new();
            }
            """);

    [Fact]
    public void NestingSubclassOrdersSameClass()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Node
            {
                public readonly KMutex Mutex = new();
                public static void Link(Node parent, Node child)
                {
                    parent.Mutex.Lock();
                    child.Mutex.LockNested(1);
                    child.Mutex.Unlock();
                    parent.Mutex.Unlock();
                }
                public static void Broken(Node parent, Node child)
                {
                    parent.Mutex.Lock();
                    {|LD0014:child.Mutex.Lock()|};
                    child.Mutex.Unlock();
                    parent.Mutex.Unlock();
                }
            }
            """);
}

/// <summary>Kernel-style locks model kernel code: calls do not throw there, an explicit throw still leaks.</summary>
public class KernelStyleBalanceTests
{
    [Fact]
    public void CallBetweenKernelLockAndUnlockIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                void Add() { _mutex.Lock(); Notify(); _mutex.Unlock(); }
                void Notify() { }
            }
            """);

    [Fact]
    public void ExplicitThrowUnderKernelLockLeaks()
    {
        var message = Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                void Add(int id)
                {
                    {|LD0007:_mutex.Lock()|};
                    if (id < 0) throw new ArgumentOutOfRangeException(nameof(id));
                    _mutex.Unlock();
                }
            }
            """).Single().GetMessage();
        Assert.Contains("is not released when 'new ArgumentOutOfRangeException(nameof(id))' is thrown", message);
    }
}
