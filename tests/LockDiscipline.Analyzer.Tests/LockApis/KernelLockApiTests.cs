using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.LockApis;

/// <summary>
/// The kernel-style primitives of the runtime library: <c>KMutex</c>, <c>KSpinLock</c> (plain and
/// IRQ-saving), <c>KRwSem</c> and <c>KLockMap</c>, by their lock/unlock methods and their guards.
/// Kernel code releases without <c>finally</c>; with no call between, nothing can throw, so it is balanced.
/// </summary>
public class KernelLockApiTests
{
    [Fact]
    public void KMutexLockAndUnlock()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new(), _devices = new();
                void Add() { _mutex.Lock(); _devices.Lock(); _devices.Unlock(); _mutex.Unlock(); }
                void Remove() { _devices.Lock(); {|LD0001:_mutex.Lock()|}; _mutex.Unlock(); _devices.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Group._mutex' while holding 'Group._devices'", message);
    }

    [Fact]
    public void KMutexGuard()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new(), _devices = new();
                void Add() { using (_mutex.Guard()) { using (_devices.Guard()) { } } }
                void Remove()
                {
                    using var devices = _devices.Guard();
                    using var mutex = {|LD0001:_mutex.Guard()|};
                }
            }
            """);

    [Fact]
    public void KMutexTryLockHoldsTheLockWhenItSucceeds()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new(), _devices = new();
                void Add()
                {
                    if (!_mutex.TryLock()) return;
                    _devices.Lock();
                    _devices.Unlock();
                    _mutex.Unlock();
                }
                void Remove() { _devices.Lock(); {|LD0001:_mutex.Lock()|}; _mutex.Unlock(); _devices.Unlock(); }
            }
            """);

    [Fact]
    public void KMutexInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new(), _devices = new();
                void Add() { _mutex.Lock(); _devices.Lock(); _devices.Unlock(); _mutex.Unlock(); }
                void Remove() { using (_mutex.Guard()) { using (_devices.Guard()) { } } }
                void Try() { _devices.Lock(); if (_mutex.TryLock()) { _mutex.Unlock(); } _devices.Unlock(); }
            }
            """);

    [Fact]
    public void KSpinLockLockAndIrqSave()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Klist
            {
                readonly KSpinLock _list = new(), _node = new();
                void Add()
                {
                    _list.Lock();
                    var flags = _node.LockIrqSave();
                    _node.UnlockIrqRestore(flags);
                    _list.Unlock();
                }
                void Next()
                {
                    IrqFlags flags = _node.LockIrqSave();
                    {|LD0001:_list.Lock()|};
                    _list.Unlock();
                    _node.UnlockIrqRestore(flags);
                }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Klist._list' while holding 'Klist._node'", message);
    }

    [Fact]
    public void KSpinLockIrqSaveAsInnerLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Klist
            {
                readonly KSpinLock _list = new(), _node = new();
                void Add() { _list.Lock(); _node.Lock(); _node.Unlock(); _list.Unlock(); }
                void Next()
                {
                    _node.Lock();
                    var flags = {|LD0001:_list.LockIrqSave()|};
                    _list.UnlockIrqRestore(flags);
                    _node.Unlock();
                }
            }
            """);

    [Fact]
    public void KSpinLockGuards()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Klist
            {
                readonly KSpinLock _list = new(), _node = new();
                void Add() { using (_list.GuardIrqSave()) { using (_node.Guard()) { } } }
                void Next() { using (_node.Guard()) { using ({|LD0001:_list.GuardIrqSave()|}) { } } }
            }
            """);

    [Fact]
    public void KSpinLockInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Klist
            {
                readonly KSpinLock _list = new(), _node = new();
                void Add()
                {
                    var flags = _list.LockIrqSave();
                    _node.Lock();
                    _node.Unlock();
                    _list.UnlockIrqRestore(flags);
                }
                void Next() { using (_list.Guard()) { using (_node.GuardIrqSave()) { } } }
            }
            """);

    [Fact]
    public void KRwSemDownReadAndDownWrite()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Bus
            {
                readonly KRwSem _notifier = new(), _devices = new();
                void Notify() { _notifier.DownRead(); _devices.DownWrite(); _devices.UpWrite(); _notifier.UpRead(); }
                void Register() { _devices.DownRead(); {|LD0001:_notifier.DownWrite()|}; _notifier.UpWrite(); _devices.UpRead(); }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Bus._notifier' while holding 'Bus._devices'", message);
    }

    [Fact]
    public void KRwSemGuards()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Bus
            {
                readonly KRwSem _notifier = new(), _devices = new();
                void Notify() { using (_notifier.ReadGuard()) { using (_devices.WriteGuard()) { } } }
                void Register() { using (_devices.Guard()) { using ({|LD0001:_notifier.ReadGuard()|}) { } } }
            }
            """);

    [Fact]
    public void KRwSemInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Bus
            {
                readonly KRwSem _notifier = new(), _devices = new();
                void Notify() { _notifier.DownRead(); _devices.DownWrite(); _devices.UpWrite(); _notifier.UpRead(); }
                void Register() { using (_notifier.WriteGuard()) { using (_devices.ReadGuard()) { } } }
                void Downgrade() { _notifier.DownWrite(); _notifier.DowngradeWrite(); _devices.DownRead(); _devices.UpRead(); _notifier.UpRead(); }
            }
            """);

    [Fact]
    public void KLockMapAcquireAndRelease()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Hotplug
            {
                readonly KLockMap _state = new();
                readonly KMutex _cpu = new();
                void Online() { _state.Acquire(); _cpu.Lock(); _cpu.Unlock(); _state.Release(); }
                void Add() { _cpu.Lock(); {|LD0001:_state.Acquire()|}; _state.Release(); _cpu.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Hotplug._state' while holding 'Hotplug._cpu'", message);
    }

    [Fact]
    public void KRwLockWriteSidesAndGuardsOrderLikeAnyLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KRwLock _dev = new(), _route = new();
                void Up() { _dev.WriteLock(); _route.ReadLock(); _route.ReadUnlock(); _dev.WriteUnlock(); }
                void Flush() { using (_route.WriteGuard()) { using ({|LD0001:_dev.ReadGuard()|}) { } } }
                void Walk() { if (_dev.TryReadLock()) { _dev.ReadUnlock(); } if (_dev.TryWriteLock()) { _dev.WriteUnlock(); } }
            }
            """);

    [Fact]
    public void KRwLockIrqFormsAreBalancedAndAtomic()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KRwLock _dev = new();
                readonly KMutex _cfg = new();
                void A() { _dev.ReadLockIrq(); _dev.ReadUnlockIrq(); _dev.WriteLockIrq(); _dev.WriteUnlockIrq(); }
                void B() { var f = _dev.ReadLockIrqSave(); _dev.ReadUnlockIrqRestore(f); f = _dev.WriteLockIrqSave(); _dev.WriteUnlockIrqRestore(f); }
                void C() { _dev.ReadLockBh(); _dev.ReadUnlockBh(); _dev.WriteLockBh(); _dev.WriteUnlockBh(); }
                void G() { using (_dev.ReadGuardIrqSave()) { } using (_dev.WriteGuardIrqSave()) { } }
                void D() { _dev.ReadLock(); {|LD0006:_cfg.Lock()|}; _cfg.Unlock(); _dev.ReadUnlock(); }
                void E() { {|LD0007:_dev.ReadLock()|}; {|LD0007:_dev.WriteUnlock()|}; }
            }
            """);

    [Fact]
    public void KLockMapGuard()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Hotplug
            {
                readonly KLockMap _state = new(), _work = new();
                void Online() { using (_state.Guard()) { using (_work.Guard()) { } } }
                void Flush() { using (_work.Guard()) { using ({|LD0001:_state.Guard()|}) { } } }
            }
            """);

    [Fact]
    public void KLockMapInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Hotplug
            {
                readonly KLockMap _state = new();
                readonly KMutex _cpu = new();
                void Online() { _state.Acquire(); _cpu.Lock(); _cpu.Unlock(); _state.Release(); }
                void Add() { using (_state.Guard()) { using (_cpu.Guard()) { } } }
            }
            """);
}
