using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0010: a <c>[TryAcquiresLock(success, locks)]</c> method that returns the constant success value
/// without holding the lock, or a constant other value while holding it, at the returned value. Its
/// callers hold the lock only on the branch where a bool try-acquire returned its success value.
/// </summary>
public class TryAcquireReturnTests
{
    [Fact]
    public void SuccessWithoutTheLockAndFailureWhileHoldingIt()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mutex = new();
                bool _closed;

                [TryAcquiresLock(true, nameof(_mutex))]
                bool TryOpen()
                {
                    if (_closed) return {|LD0010:true|};
                    _mutex.Lock();
                    if (_closed) return {|LD0010:false|};
                    return true;
                }
            }
            """));
        Assert.Equal(
            "Cache.TryOpen returns its success value true here without holding 'Cache._mutex': its caller will go on as if it held the lock, and release one it never got",
            diagnostics[0].GetMessage());
        Assert.Equal(
            "Cache.TryOpen returns false (not its success value true) here while still holding 'Cache._mutex': its caller will never release it",
            diagnostics[1].GetMessage());
    }

    [Fact]
    public void CorrectTryAcquiresAreClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mutex = new();
                bool _closed;

                [TryAcquiresLock(true, nameof(_mutex))]
                bool TryOpen()
                {
                    if (!_mutex.TryLock()) return false;
                    if (_closed) { _mutex.Unlock(); return false; }
                    return true;
                }

                [TryAcquiresLock(true, nameof(_mutex))]
                bool Forward() => _mutex.TryLock();

                [TryAcquiresLock(true, nameof(_mutex))]
                bool Stored() { var ok = _mutex.TryLock(); return ok; }
            }
            """);

    [Fact]
    public void FalseAsTheSuccessValue()
        => Assert.Contains(
            "returns its success value false here without holding 'Cache._mutex'",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Cache
                {
                    readonly KMutex _mutex = new();
                    bool _closed;

                    [TryAcquiresLock(false, nameof(_mutex))]
                    bool IsBusy()
                    {
                        if (_closed) return {|LD0010:false|};
                        if (_mutex.TryLock()) return false;
                        return true;
                    }
                }
                """).Single().GetMessage());

    [Fact]
    public void IntegerSuccessValueAndAParameterPath()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                public readonly KMutex Ownership = new();
                public int Owners;
            }
            static class Dma
            {
                [TryAcquiresLock(0, "group.Ownership")]
                static int UseDefaultDomain(Group? group)
                {
                    if (group is null) return {|LD0010:0|};
                    group.Ownership.Lock();
                    if (group.Owners < 0) return {|LD0010:-22|};
                    group.Owners++;
                    return 0;
                }

                [TryAcquiresLock(0, "group.Ownership")]
                static int UseDefaultDomainFixed(Group? group)
                {
                    if (group is null) return -19;
                    group.Ownership.Lock();
                    if (group.Owners < 0) { group.Ownership.Unlock(); return -22; }
                    group.Owners++;
                    return 0;
                }
            }
            """));
        Assert.Contains("returns its success value 0 here without holding 'Group.Ownership'", diagnostics[0].GetMessage());
        Assert.Contains("returns -22 (not its success value 0) here while still holding 'Group.Ownership'", diagnostics[1].GetMessage());
    }

    [Fact]
    public void CallersHoldTheLockOnlyOnTheSuccessBranch()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mutex = new();

                [TryAcquiresLock(true, nameof(_mutex))]
                bool TryOpen() => _mutex.TryLock();

                [TryAcquiresLock(false, nameof(_mutex))]
                bool IsBusy() => !_mutex.TryLock();

                [RequiresLock(nameof(_mutex))] void Locked() { }
                [ReleasesLock(nameof(_mutex))] void Close() => _mutex.Unlock();

                void A() { if (TryOpen()) { Locked(); Close(); } }
                void B() { if (!TryOpen()) return; Locked(); Close(); }
                void D() { var ok = TryOpen(); if (ok) { Locked(); Close(); } }
                void E() { if (!IsBusy()) { Locked(); Close(); } }
                void F() { if (TryOpen()) { Close(); } {|LD0009:Locked()|}; }
                void G() { TryOpen(); {|LD0007:Close()|}; }
            }
            """);
}
