using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// A re-acquisition that waits for the thread itself (LD0003) gives no second hold, as Clang counts it:
/// no "still held" follows it, and the lock, held once, released twice is unbalanced at the second release.
/// </summary>
public class RefusedAcquisitionTests
{
    [Fact]
    public void NoStillHeldAfterTheRefusedAcquisition()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mu = new();
                [GuardedBy(nameof(_mu))] int _count;
                void Twice() { _mu.Lock(); {|LD0003:_mu.Lock()|}; _count++; _mu.Unlock(); }
                void TwiceReleasedTwice() { _mu.Lock(); {|LD0003:_mu.Lock()|}; _mu.Unlock(); {|LD0007:_mu.Unlock()|}; }
            }
            """);

    [Fact]
    public void ReleasingALockHeldOnceTwiceIsUnbalanced()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mu = new();
                readonly KRwSem _sem = new();
                void Twice() { _mu.Lock(); _mu.Unlock(); {|LD0007:_mu.Unlock()|}; }
                void Read() { _sem.DownRead(); _sem.UpRead(); {|LD0007:_sem.UpRead()|}; }
            }
            """);

    [Fact]
    public void AReentrantLockTakenTwiceIsHeldTwice()
        => Verify.Diagnostics("""
            using System.Threading;
            class Group
            {
                readonly object _gate = new();
                void Twice(bool c) { {|LD0007:Monitor.Enter(_gate)|}; Monitor.Enter(_gate); Monitor.Exit(_gate); if (c) Monitor.Exit(_gate); }
                void Balanced() { Monitor.Enter(_gate); Monitor.Enter(_gate); Monitor.Exit(_gate); Monitor.Exit(_gate); }
            }
            """);
}
