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

/// <summary>
/// A try-acquire's result decides the hold on each branch: bool results tested directly, negated, compared
/// with <c>true</c>/<c>false</c>, copied and negated in locals; int results (the kernel's 0 on success) compared
/// with <c>==</c>/<c>!=</c>. Where paths join with different values the hold is unknown, and what it guards is
/// unguarded.
/// </summary>
public class TryAcquireResultTests
{
    [Fact]
    public void IntSuccessValueComparedWithEqualsAndNotEquals()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                public readonly KMutex Owner = new();
                [GuardedBy(nameof(Owner))] public int Users;
                [TryAcquiresLock(0, nameof(Owner))] public int Claim() => Owner.TryLock() ? 0 : -16;
                [ReleasesLock(nameof(Owner))] public void Unclaim() => Owner.Unlock();
                void Equal() { if (Claim() == 0) { Users++; Unclaim(); } else { {|LD0008:Users|}++; } }
                void NotEqual() { int ret = Claim(); if (ret != 0) { {|LD0008:Users|}++; return; } Users++; Unclaim(); }
                void Reversed() { int ret = Claim(); if (0 == ret) { Users++; Unclaim(); } }
                void OtherConstant() { int ret = {|LD0007:Claim()|}; if (ret == -16) { {|LD0008:Users|}++; return; } {|LD0008:Users|}++; }
            }
            """);

    [Fact]
    public void IntResultNotComparedLeavesTheHoldUnknown()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                public readonly KMutex Owner = new();
                [GuardedBy(nameof(Owner))] public int Users;
                [TryAcquiresLock(0, nameof(Owner))] public int Claim() => Owner.TryLock() ? 0 : -16;
                void Unchecked() { {|LD0007:Claim()|}; {|LD0008:Users|}++; }
                void Less() { if ({|LD0007:Claim()|} < 0) return; {|LD0008:Users|}++; }
            }
            """);

    [Fact]
    public void NegationAndCopiesOfABoolResult()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mu = new();
                [GuardedBy(nameof(_mu))] int _hits;
                void Copy() { var b = _mu.TryLock(); var b2 = b; if (b2) { _hits++; _mu.Unlock(); } }
                void CopyThenOriginal() { var b = _mu.TryLock(); var b2 = b; if (b) { _hits++; _mu.Unlock(); } if (b2) { {|LD0008:_hits|}++; } }
                void Negated() { var b = _mu.TryLock(); b = !b; if (!b) { _hits++; _mu.Unlock(); } else { {|LD0008:_hits|}++; } }
                void NegatedCopy() { var b = _mu.TryLock(); var failed = !b; if (failed) return; _hits++; _mu.Unlock(); }
                void ComparedWithFalse() { var b = _mu.TryLock(); if (b == false) return; _hits++; _mu.Unlock(); }
                void ConstantFirst() { if (true == _mu.TryLock()) { _hits++; _mu.Unlock(); } }
            }
            """);

    [Fact]
    public void PathsThatDisagreeMakeTheHoldUnknown()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mu = new();
                [GuardedBy(nameof(_mu))] int _hits;
                void Flipped(bool c) { var b = {|LD0007:_mu.TryLock()|}; if (c) b = !b; if (b) { {|LD0008:_hits|}++; } }
                void FlippedBackOnTheSamePaths(bool c) { var b = {|LD0007:_mu.TryLock()|}; if (c) b = !b; if (c) b = !b; if (b) { {|LD0008:_hits|}++; } }
                void Joined(bool c) { if (c) {|LD0007:_mu.Lock()|}; {|LD0008:_hits|}++; if (c) {|LD0007:_mu.Unlock()|}; }
            }
            """);
}

/// <summary>
/// Lambdas and local functions carry their own <c>[RequiresLock]</c>/<c>[ExcludesLock]</c>: their bodies hold
/// what they require, and each call (of the local function, or of a delegate that can only be that lambda)
/// is checked like a method call.
/// </summary>
public class FunctionContractTests
{
    [Fact]
    public void LocalFunctionContractsAreCheckedAtItsCalls()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mu = new();
                [GuardedBy(nameof(_mu))] int _count;
                void Run()
                {
                    [RequiresLock(nameof(_mu))] void Bump() => _count++;
                    [ExcludesLock(nameof(_mu))] void Notify() { }
                    {|LD0009:Bump()|};
                    _mu.Lock();
                    Bump();
                    {|LD0009:Notify()|};
                    _mu.Unlock();
                    Notify();
                }
            }
            """);

    [Fact]
    public void LambdaContractsAreCheckedWhereTheDelegateIsInvoked()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mu = new();
                [GuardedBy(nameof(_mu))] int _count;
                void Run(Action unknown)
                {
                    Action bump = [RequiresLock(nameof(_mu))] () => _count++;
                    Action notify = [ExcludesLock(nameof(_mu))] () => { };
                    Action plain = () => {|LD0008:_count|}++;
                    {|LD0009:bump()|};
                    _mu.Lock();
                    bump();
                    {|LD0009:notify()|};
                    plain();
                    unknown();
                    _mu.Unlock();
                    notify.Invoke();
                }
            }
            """);

    [Fact]
    public void LambdaParametersMapToTheInvokeArguments()
        => Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Group { public readonly KMutex Mutex = new(); }
            static class Core
            {
                static void Run(Group a, Group b)
                {
                    Action<Group> add = [RequiresLock("g.Mutex")] (Group g) => { };
                    a.Mutex.Lock();
                    add(a);
                    {|LD0009:add(b)|};
                    a.Mutex.Unlock();
                }
            }
            """);
}
