using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

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
                void Copied() { int ret = Claim(); var copy = ret; if (copy != 0) return; Users++; Unclaim(); }
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
