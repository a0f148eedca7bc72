using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// Read and write acquisitions: a cycle through read acquisitions is still LD0001; a KRwSem read taken
/// while its class is read-held is LD0003 (the rwsem is writer-preferring, so a writer queued between
/// the two reads deadlocks the reader, as lockdep says), and so is a NoRecursion ReaderWriterLockSlim.
/// </summary>
public class ReadWriteTests
{
    [Fact]
    public void RwSemReadThenReadIsRecursive()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Fs
            {
                readonly KRwSem _sem = new();
                void Stat() { _sem.DownRead(); {|LD0003:_sem.DownRead()|}; _sem.UpRead(); _sem.UpRead(); }
            }
            """).Only("LD0003");
        Assert.StartsWith("possible recursive locking detected: 'Fs._sem' is acquired while already held (since File0.cs:5); KRwSem", diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:5 [_sem.DownRead()]" }, Sites.Additional(diagnostic));

        // Unlike a refused acquisition, the second read is admitted whenever no writer queued in between, so
        // it holds and both releases balance: no LD0007.
    }

    [Fact]
    public void RwSemReadThenWriteAndReadThroughACall()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Fs
            {
                readonly KRwSem _sem = new();
                void Upgrade() { _sem.DownRead(); {|LD0003:_sem.DownWrite()|}; {|LD0007:_sem.UpWrite()|}; _sem.UpRead(); }
                void Walk() { _sem.DownRead(); {|LD0003:Lookup()|}; _sem.UpRead(); }
                void Lookup() { _sem.DownRead(); _sem.UpRead(); }
            }
            """);

    [Fact]
    public void TwoRwSemClassesReadNestedAndDowngradeAreClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Fs
            {
                readonly KRwSem _sem = new();
                readonly KRwSem _other = new();
                void A() { _sem.DownRead(); _other.DownRead(); _other.UpRead(); _sem.UpRead(); }
                void B() { _sem.DownWrite(); _sem.DowngradeWrite(); _sem.UpRead(); }
                void D() { using (_sem.ReadGuard()) { } using (_sem.WriteGuard()) { } }
            }
            """);

    [Fact]
    public void ReaderWriterLockSlimReadThenRead()
        => Assert.Contains(
            "ReaderWriterLockSlim (NoRecursion) is not reentrant",
            Verify.Diagnostics("""
                using System.Threading;
                class Cache
                {
                    readonly ReaderWriterLockSlim _rw = new();
                    readonly ReaderWriterLockSlim _recursive = new(LockRecursionPolicy.SupportsRecursion);
                    void A() { _rw.EnterReadLock(); {|LD0003:_rw.EnterReadLock()|}; _rw.ExitReadLock(); {|LD0007:_rw.ExitReadLock()|}; }
                    void B() { _recursive.EnterReadLock(); _recursive.EnterReadLock(); _recursive.ExitReadLock(); _recursive.ExitReadLock(); }
                }
                """).Only("LD0003").GetMessage());

    [Fact]
    public void CycleThroughReaderWriterLockSlimReads()
        => Assert.Contains(
            "acquiring 'Cache._rw' while holding 'Cache._gate' (Cache.B at File0.cs:7), but the existing dependency chain is 'Cache._rw' -> 'Cache._gate' (Cache.A at File0.cs:6)",
            Verify.Diagnostics("""
                using System.Threading;
                class Cache
                {
                    readonly ReaderWriterLockSlim _rw = new();
                    readonly object _gate = new();
                    void A() { _rw.EnterReadLock(); lock (_gate) { } _rw.ExitReadLock(); }
                    void B() { lock (_gate) { {|LD0001:_rw.EnterReadLock()|}; _rw.ExitReadLock(); } }
                }
                """).Single().GetMessage());

    [Fact]
    public void CycleThroughRwSemReadsAcrossAnInterface()
        => Assert.Contains(
            "acquiring '&group->mutex' while holding 'dmar_global_lock' (Group.Init at File0.cs:15 -> Group.AddDevice at File0.cs:16), but the existing dependency chain is '&group->mutex' -> 'dmar_global_lock' (Group.GetResvRegions at File0.cs:17 -> IntelOps.ResvRegions at File0.cs:5)",
            Verify.Diagnostics("""
                using LockDiscipline;
                interface IOps { void ResvRegions(); }
                sealed class IntelOps : IOps
                {
                    public void ResvRegions() { Dmar.GlobalLock.DownRead(); Dmar.GlobalLock.UpRead(); }
                }
                static class Dmar
                {
                    [LockClass("dmar_global_lock")] public static readonly KRwSem GlobalLock = new();
                }
                class Group
                {
                    [LockClass("&group->mutex")] readonly KMutex _mutex = new();
                    readonly IOps _ops = new IntelOps();
                    void Init() { Dmar.GlobalLock.DownRead(); AddDevice(); Dmar.GlobalLock.UpRead(); }
                    void AddDevice() { {|LD0001:_mutex.Lock()|}; _mutex.Unlock(); }
                    void GetResvRegions() { _mutex.Lock(); _ops.ResvRegions(); _mutex.Unlock(); }
                }
                """).Single().GetMessage());
}

/// <summary>
/// LD0007 for kernel-style locks: kernel code does not throw between lock and unlock, so calls there
/// do not leak the lock; an explicit throw still does. BCL locks keep their exception paths.
/// </summary>
public class KernelStyleUnlockBalanceTests
{
    [Fact]
    public void CallsBetweenKernelLockAndUnlockAreClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class C
            {
                readonly KSpinLock _spin = new();
                readonly KRwSem _sem = new();
                readonly KLockMap _map = new();
                void Work() { }
                void A() { _spin.Lock(); Work(); _spin.Unlock(); }
                void B() { var f = _spin.LockIrqSave(); Work(); _spin.UnlockIrqRestore(f); }
                void D() { _sem.DownRead(); Work(); _sem.UpRead(); }
                void E() { _map.Acquire(); Work(); _map.Release(); }
            }
            """);

    [Fact]
    public void CallBetweenMonitorEnterAndExitLeaks()
        => Assert.Contains(
            "'C._gate' acquired here is not released if 'Work()' throws; release it in a finally block",
            Verify.Diagnostics("""
                using System.Threading;
                class C
                {
                    readonly object _gate = new();
                    void Work() { }
                    void A() { {|LD0007:Monitor.Enter(_gate)|}; Work(); Monitor.Exit(_gate); }
                }
                """).Single().GetMessage());

    [Fact]
    public void ExplicitThrowUnderASpinlockLeaks()
        => Assert.Contains(
            "'C._spin' acquired here is not released when 'new InvalidOperationException()' is thrown",
            Verify.Diagnostics("""
                using System;
                using LockDiscipline;
                class C
                {
                    readonly KSpinLock _spin = new();
                    void A(int x) { {|LD0007:_spin.Lock()|}; if (x < 0) throw new InvalidOperationException(); _spin.Unlock(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void UnbalancedKernelUnlocks()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class C
            {
                readonly KMutex _m = new();
                void A() { _m.Lock(); _m.Unlock(); {|LD0007:_m.Unlock()|}; }
                void B(bool b) { if (b) _m.Lock(); {|LD0007:_m.Unlock()|}; }
                void D(bool early) { {|LD0007:_m.Lock()|}; if (early) return; _m.Unlock(); }
            }
            """);
}
