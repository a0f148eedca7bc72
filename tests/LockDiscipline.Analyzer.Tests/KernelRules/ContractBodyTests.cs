using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0007 checks a declared contract against its body, as Clang checks acquire/release/requires:
/// an <c>[AcquiresLock]</c> method holds the lock on every normal exit (reported at its name), a
/// <c>[ReleasesLock]</c> method on none (at its name), a <c>[RequiresLock]</c> method does not return
/// having released its caller's lock (at the release).
/// </summary>
public class ContractBodyTests
{
    [Fact]
    public void AcquiresLockMustHoldOnEveryNormalExit()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Batcher
            {
                readonly KMutex _mu = new();
                bool _closed;
                [AcquiresLock(nameof(_mu))] void Begin() => _mu.Lock();
                [AcquiresLock(nameof(_mu))] void {|LD0007:BeginUnlessClosed|}() { if (_closed) return; _mu.Lock(); }
                [AcquiresLock(nameof(_mu))] void {|LD0007:LocksAndUnlocks|}() { _mu.Lock(); _mu.Unlock(); }
                [AcquiresLock(nameof(_mu))] void Throws() { if (_closed) throw new System.InvalidOperationException(); _mu.Lock(); }
            }
            """).First(d => d.GetMessage().Contains("BeginUnlessClosed"));
        Assert.Equal(
            "bad unlock balance detected: Batcher.BeginUnlessClosed is declared [AcquiresLock] but returns without holding 'Batcher._mu' on some path: its callers will release a lock they do not hold",
            diagnostic.GetMessage());
    }

    /// <summary>The lock taken on the wrong object is not the contract's: it is reported as leaked too.</summary>
    [Fact]
    public void AcquiresLockOnAnotherObjectIsNotMetByThisOne()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Data
            {
                readonly KMutex _mu = new();
                [AcquiresLock("d._mu")] static void Right(Data d) => d._mu.Lock();
                [AcquiresLock("d._mu")] static void {|LD0007:Wrong|}(Data d, Data e) => {|LD0007:e._mu.Lock()|};
            }
            """);

    [Fact]
    public void ReleasesLockMustReleaseOnEveryNormalExit()
        => Assert.Equal(
            "bad unlock balance detected: Batcher.EndUnlessBusy is declared [ReleasesLock] but returns with 'Batcher._mu' still held on some path: its callers will take it as released",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Batcher
                {
                    readonly KMutex _mu = new();
                    bool _busy;
                    [ReleasesLock(nameof(_mu))] void End() => _mu.Unlock();
                    [ReleasesLock(nameof(_mu))] void {|LD0007:EndUnlessBusy|}() { if (_busy) return; _mu.Unlock(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void RequiresLockMustNotReturnHavingReleasedTheCallersLock()
        => Assert.Equal(
            "bad unlock balance detected: 'Group._mu' is released here, and Group.DropsIt returns without it on some path, but it is declared [RequiresLock]: its caller still holds the lock as far as it knows, and will release it again",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Group
                {
                    readonly KMutex _mu = new();
                    bool _notify;
                    void Callback() { }
                    [RequiresLock(nameof(_mu))] void DropsIt() { if (_notify) {|LD0007:_mu.Unlock()|}; }
                    [RequiresLock(nameof(_mu))] void UnlocksAroundACallback() { _mu.Unlock(); Callback(); _mu.Lock(); }
                    [RequiresLock(nameof(_mu))] void Keeps() { }
                }
                """).Single().GetMessage());

    /// <summary>A body that operates on no lock defines the operation (a claim kept in a counter): taken at its word.</summary>
    [Fact]
    public void ABodyThatNeverTouchesTheLockIsItsDefinition()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                [LockClass("dma_owner", Kind = LockKind.LockMap)] public readonly KLockMap DmaOwner = new();
                int _claims;
                [AcquiresLock("dev.DmaOwner")] static void Claim(Device dev) => dev._claims++;
                [ReleasesLock("dev.DmaOwner")] static void Release(Device dev) => dev._claims--;
            }
            """);

    [Fact]
    public void InferredWrappersAndTryAcquiresAreNotCheckedHere()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mu = new();
                void Acquire() => _mu.Lock();
                [TryAcquiresLock(true, nameof(_mu))] bool TryOpen() => _mu.TryLock();
            }
            """);
}
