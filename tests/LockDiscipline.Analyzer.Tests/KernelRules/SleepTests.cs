using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0006, sleeping function called from invalid context: in one body, a sleeping acquisition or a
/// sleeping call while a spinlock is held, interrupts are off, or in an IRQ handler (at the operation);
/// through calls, a call made in atomic context to a method that may sleep along any chain (at the call).
/// </summary>
public class SleepInAtomicContextTests
{
    [Fact]
    public void MutexUnderSpinlock()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Iova
            {
                readonly KSpinLock _cpuLock = new();
                readonly KMutex _domainMutex = new();
                void Free() { _cpuLock.Lock(); {|LD0006:_domainMutex.Lock()|}; _domainMutex.Unlock(); _cpuLock.Unlock(); }
            }
            """).Single();
        Assert.Equal(
            "sleeping function called from invalid context: acquiring 'Iova._domainMutex' (KMutex) may sleep, but 'Iova._cpuLock' (a spinlock) is held (since File0.cs:6)",
            diagnostic.GetMessage());
    }

    [Fact]
    public void EverySleepingLockKindUnderSpinlock()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly KRwSem _sem = new();
                readonly object _gate = new();
                readonly Lock _lock = new();
                readonly SemaphoreSlim _slim = new(1, 1);
                readonly ReaderWriterLockSlim _rw = new();
                readonly Mutex _os = new();
                void A() { _spin.Lock(); {|LD0006:_sem.DownRead()|}; _sem.UpRead(); _spin.Unlock(); }
                void B() { _spin.Lock(); {|LD0006:_sem.DownWrite()|}; _sem.UpWrite(); _spin.Unlock(); }
                void D() { _spin.Lock(); lock ({|LD0006:_gate|}) { } _spin.Unlock(); }
                void E() { _spin.Lock(); lock ({|LD0006:_lock|}) { } _spin.Unlock(); }
                void F() { _spin.Lock(); {|LD0006:_slim.Wait()|}; _slim.Release(); _spin.Unlock(); }
                void G() { _spin.Lock(); {|LD0006:_rw.EnterReadLock()|}; _rw.ExitReadLock(); _spin.Unlock(); }
                void H() { _spin.Lock(); {|LD0006:_os.WaitOne()|}; _os.ReleaseMutex(); _spin.Unlock(); }
            }
            """);

    [Fact]
    public void SpinningLocksAndLockMapsUnderSpinlockAreClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly KSpinLock _inner = new();
                readonly KLockMap _map = new();
                readonly KMutex _mutex = new();
                SpinLock _bcl = new();
                void A()
                {
                    _spin.Lock();
                    _inner.Lock(); _inner.Unlock();
                    _map.Acquire(); _map.Release();
                    bool taken = false;
                    _bcl.Enter(ref taken);
                    if (taken) _bcl.Exit();
                    if (_mutex.TryLock()) _mutex.Unlock();
                    _spin.Unlock();
                }
            }
            """);

    [Fact]
    public void BclSpinLockMakesItsHolderAtomic()
        => Assert.Contains(
            "but 'C._bcl' (a spinlock) is held",
            Verify.Diagnostics("""
                using System.Threading;
                using LockDiscipline;
                class C
                {
                    readonly KMutex _mutex = new();
                    SpinLock _bcl = new();
                    void A()
                    {
                        bool taken = false;
                        _bcl.Enter(ref taken);
                        {|LD0006:_mutex.Lock()|};
                        _mutex.Unlock();
                        if (taken) _bcl.Exit();
                    }
                }
                """).Single().GetMessage());

    [Fact]
    public void SleepingCallsUnderSpinlock()
    {
        var diagnostics = Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly object _gate = new();
                Task? _task;
                Thread? _thread;
                void A() { _spin.Lock(); {|LD0006:Thread.Sleep(1)|}; _spin.Unlock(); }
                void B() { _spin.Lock(); {|LD0006:Monitor.Wait(_gate)|}; _spin.Unlock(); }
                void D() { _spin.Lock(); {|LD0006:_task!.Wait()|}; _spin.Unlock(); }
                void E() { _spin.Lock(); {|LD0006:_thread!.Join()|}; _spin.Unlock(); }
                void F(Task<int> t) { _spin.Lock(); _ = {|LD0006:t.Result|}; _spin.Unlock(); }
                void G(Task t) { _spin.Lock(); {|LD0006:t.GetAwaiter().GetResult()|}; _spin.Unlock(); }
            }
            """);
        Assert.Contains(diagnostics, d => d.GetMessage() == "sleeping function called from invalid context: Thread.Sleep may sleep, but 'C._spin' (a spinlock) is held (since File0.cs:10)");
    }

    [Fact]
    public void SleepUnderAReaderOrWriterOfASpinningRwLockNamesItsKind()
    {
        var diagnostics = Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Table
            {
                readonly KRwLock _lock = new();
                readonly KMutex _mutex = new();
                void Read() { _lock.ReadLock(); {|LD0006:Thread.Sleep(1)|}; _lock.ReadUnlock(); }
                void Write() { _lock.WriteLock(); {|LD0006:_mutex.Lock()|}; _mutex.Unlock(); _lock.WriteUnlock(); }
            }
            """);
        Assert.All(diagnostics, d => Assert.Contains("'Table._lock' (a spinning reader-writer lock) is held", d.GetMessage()));
    }

    [Fact]
    public void GetResultThroughConfigureAwaitUnderSpinlock()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                void A(Task t) { _spin.Lock(); {|LD0006:t.ConfigureAwait(false).GetAwaiter().GetResult()|}; _spin.Unlock(); }
                int B(Task<int> t) { _spin.Lock(); var n = {|LD0006:t.ConfigureAwait(false).GetAwaiter().GetResult()|}; _spin.Unlock(); return n; }
            }
            """);

    [Fact]
    public void TryAcquireWithATimeoutSleepsWithoutOneItDoesNot()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly object _gate = new();
                readonly SemaphoreSlim _slim = new(1, 1);
                void A() { _spin.Lock(); if ({|LD0006:_slim.Wait(10)|}) _slim.Release(); _spin.Unlock(); }
                void B() { _spin.Lock(); if ({|LD0006:Monitor.TryEnter(_gate, 10)|}) Monitor.Exit(_gate); _spin.Unlock(); }
                void D() { _spin.Lock(); if (Monitor.TryEnter(_gate)) Monitor.Exit(_gate); _spin.Unlock(); }
            }
            """);

    [Fact]
    public void TryAcquireWithAZeroTimeoutDoesNotSleep()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly object _gate = new();
                readonly SemaphoreSlim _slim = new(1, 1);
                void A() { _spin.Lock(); if (_slim.Wait(0)) _slim.Release(); _spin.Unlock(); }
                void B() { _spin.Lock(); if (Monitor.TryEnter(_gate, 0)) Monitor.Exit(_gate); _spin.Unlock(); }
            }
            """);

    [Fact]
    public void MightSleepCallUnderSpinlock()
        => Assert.Equal(
            "sleeping function called from invalid context: C.Flush [MightSleep] may sleep, but 'C._spin' (a spinlock) is held (since File0.cs:6)",
            Verify.Diagnostics("""
                using LockDiscipline;
                class C
                {
                    readonly KSpinLock _spin = new();
                    [MightSleep] void Flush() { }
                    void A() { _spin.Lock(); {|LD0006:Flush()|}; _spin.Unlock(); }
                    void B() { Flush(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void MightSleepMethodWhoseBodySleepsIsReportedOnce()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                [MightSleep] void Reclaim() { Thread.Sleep(1); }
                void A() { _spin.Lock(); {|LD0006:Reclaim()|}; _spin.Unlock(); }
            }
            """);

    [Fact]
    public void InterruptsOffWithoutASpinlock()
    {
        var diagnostics = Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KMutex _mutex = new();
                void A() { var f = Irq.LocalIrqSave(); {|LD0006:_mutex.Lock()|}; _mutex.Unlock(); Irq.LocalIrqRestore(f); }
                void B() { Irq.LocalIrqDisable(); {|LD0006:Thread.Sleep(1)|}; Irq.LocalIrqEnable(); }
                void D() { Irq.LocalBhDisable(); {|LD0006:_mutex.Lock()|}; _mutex.Unlock(); Irq.LocalBhEnable(); }
                void E() { var f = Irq.LocalIrqSave(); Irq.LocalIrqRestore(f); Thread.Sleep(1); _mutex.Lock(); _mutex.Unlock(); }
            }
            """);
        Assert.EndsWith("acquiring 'C._mutex' (KMutex) may sleep, but interrupts are off here", Sites.InSourceOrder(diagnostics)[0].GetMessage());
        Assert.Contains(diagnostics, d => d.GetMessage().EndsWith("Thread.Sleep may sleep, but interrupts are off here", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage().EndsWith("may sleep, but soft interrupts are off here", StringComparison.Ordinal));
    }

    [Fact]
    public void SleepWithOnlyBottomHalvesOffSaysSoSoftInterruptsAreOff()
        => Assert.EndsWith(
            "Thread.Sleep may sleep, but soft interrupts are off here",
            Verify.Diagnostics("""
                using System.Threading;
                using LockDiscipline;
                class C
                {
                    void A() { Irq.LocalBhDisable(); {|LD0006:Thread.Sleep(1)|}; Irq.LocalBhEnable(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void InIrqHandlerBodies()
    {
        var diagnostics = Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KMutex _mutex = new();
                [HardIrqContext] void Hard() { {|LD0006:_mutex.Lock()|}; _mutex.Unlock(); }
                [SoftIrqContext] void Soft() { {|LD0006:Thread.Sleep(1)|}; }
            }
            """);
        Assert.EndsWith("acquiring 'C._mutex' (KMutex) may sleep, but C.Hard is a hard-IRQ handler", diagnostics.Single(d => d.GetMessage().Contains("C.Hard")).GetMessage());
        Assert.EndsWith("Thread.Sleep may sleep, but C.Soft is a soft-IRQ handler", diagnostics.Single(d => d.GetMessage().Contains("C.Soft")).GetMessage());
    }

    [Fact]
    public void SleepingAfterTheSpinlockIsReleasedIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly KMutex _mutex = new();
                void A() { _spin.Lock(); _spin.Unlock(); _mutex.Lock(); Thread.Sleep(1); _mutex.Unlock(); }
                void B() { using (_spin.Guard()) { } Thread.Sleep(1); }
                void D() { var f = _spin.LockIrqSave(); _spin.UnlockIrqRestore(f); _mutex.Lock(); _mutex.Unlock(); }
            }
            """);

    [Fact]
    public void ThroughAChainOfCalls()
    {
        var diagnostic = Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                void A() { _spin.Lock(); {|LD0006:Nap()|}; _spin.Unlock(); }
                void Nap() => Deeper();
                void Deeper() => Thread.Sleep(5);
            }
            """).Single();
        Assert.Equal(
            "sleeping function called from invalid context: C.Nap -> C.Deeper may sleep (Thread.Sleep at File0.cs:8), but 'C._spin' (a spinlock) is held across this call (since File0.cs:6)",
            diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:8 [Thread.Sleep(5)]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void ThroughACallWithInterruptsOffOrFromAHandler()
    {
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            class C
            {
                readonly KMutex _mutex = new();
                void A() { var f = Irq.LocalIrqSave(); {|LD0006:Reclaim()|}; Irq.LocalIrqRestore(f); }
                [HardIrqContext] void Handler() { {|LD0006:Reclaim()|}; }
                void Reclaim() { _mutex.Lock(); _mutex.Unlock(); }
            }
            """);
        Assert.All(diagnostics, d => Assert.EndsWith(
            "C.Reclaim may sleep (acquiring 'C._mutex' at File0.cs:7), but interrupts are off across this call", d.GetMessage()));
    }

    [Fact]
    public void ThroughInterfaceVirtualAndDelegateCalls()
    {
        var diagnostics = Verify.Diagnostics("""
            using System;
            using System.Threading;
            using LockDiscipline;
            interface IStore { void Save(); }
            sealed class Disk : IStore
            {
                readonly KMutex _io = new();
                public void Save() { _io.Lock(); _io.Unlock(); }
            }
            abstract class Job { public abstract void Run(); }
            sealed class Sleeper : Job { public override void Run() => Thread.Sleep(1); }
            class C
            {
                readonly KSpinLock _spin = new();
                readonly IStore _store = new Disk();
                readonly Job _job = new Sleeper();
                readonly Action _callback;
                public C() { _callback = Wait; }
                void Wait() => Thread.Sleep(5);
                void A() { _spin.Lock(); {|LD0006:_store.Save()|}; _spin.Unlock(); }
                void B() { _spin.Lock(); {|LD0006:_job.Run()|}; _spin.Unlock(); }
                void D() { _spin.Lock(); {|LD0006:_callback()|}; _spin.Unlock(); }
            }
            """);
        var inOrder = Sites.InSourceOrder(diagnostics);
        Assert.StartsWith("sleeping function called from invalid context: Disk.Save may sleep (acquiring 'Disk._io' at File0.cs:8)", inOrder[0].GetMessage());
        Assert.StartsWith("sleeping function called from invalid context: Sleeper.Run may sleep (Thread.Sleep at File0.cs:11)", inOrder[1].GetMessage());
        Assert.StartsWith("sleeping function called from invalid context: C.Wait may sleep (Thread.Sleep at File0.cs:19)", inOrder[2].GetMessage());
    }

    [Fact]
    public void ThroughAnExpressionBodiedProperty()
        => Assert.StartsWith(
            "sleeping function called from invalid context: C.Pending.get -> C.Reclaim may sleep (acquiring 'C._mutex' at File0.cs:8)",
            Verify.Diagnostics("""
                using LockDiscipline;
                class C
                {
                    readonly KSpinLock _spin = new();
                    readonly KMutex _mutex = new();
                    int Pending => Reclaim();
                    void A() { _spin.Lock(); _ = {|LD0006:Pending|}; _spin.Unlock(); }
                    int Reclaim() { _mutex.Lock(); _mutex.Unlock(); return 0; }
                }
                """).Single().GetMessage());

    [Fact]
    public void CalleeThatOnlySpinsIsClean()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly KSpinLock _stats = new();
                readonly KMutex _mutex = new();
                void A() { _spin.Lock(); Count(); Task.Run(Reclaim); _spin.Unlock(); }
                void Count() { _stats.Lock(); _stats.Unlock(); }
                void Reclaim() { _mutex.Lock(); _mutex.Unlock(); }
            }
            """);

    [Fact]
    public void LockClassKindSpinLockMakesAMonitorFieldASpinlock()
        => Verify.Diagnostics("""
            using System.Threading;
            using LockDiscipline;
            class Model
            {
                [LockClass("model_spin", Kind = LockKind.SpinLock)] readonly object _spin = new();
                void A() { lock (_spin) { {|LD0006:Thread.Sleep(1)|}; } }
            }
            """);
}
