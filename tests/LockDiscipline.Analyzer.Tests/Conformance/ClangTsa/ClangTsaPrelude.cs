namespace LockDiscipline.Analyzer.Tests.Conformance.ClangTsa;

/// <summary>
/// The declarations Clang's test file opens with, in C#: its <c>Mutex</c> is a <c>KMutex</c> (or a
/// <c>KRwSem</c> where a case takes it shared), its annotation macros are the LockDiscipline attributes
/// (<c>GUARDED_BY</c> → <c>[GuardedBy]</c>, <c>EXCLUSIVE_LOCKS_REQUIRED</c> → <c>[RequiresLock]</c>,
/// <c>SHARED_LOCKS_REQUIRED</c> → <c>[RequiresSharedLock]</c>, <c>LOCKS_EXCLUDED</c> → <c>[ExcludesLock]</c>,
/// <c>EXCLUSIVE_LOCK_FUNCTION</c> → <c>[AcquiresLock]</c>, <c>UNLOCK_FUNCTION</c> → <c>[ReleasesLock]</c>,
/// <c>EXCLUSIVE_TRYLOCK_FUNCTION</c> → <c>[TryAcquiresLock]</c>), and its globals are static members of <c>G</c>.
/// </summary>
internal static class ClangTsaPrelude
{
    public const string Source = """
        using LockDiscipline;

        static class G
        {
            public static readonly KMutex sls_mu = new();
            public static readonly KMutex sls_mu2 = new();
            public static readonly KMutex aa_mu = new();
            public static readonly KRwSem rw_mu = new();
            [GuardedBy(nameof(sls_mu))] public static int sls_guardby_var;
            [GuardedBy(nameof(rw_mu))] public static int rw_guardby_var;
            public static readonly MutexWrapper sls_mw = new();
            public static readonly GlobalLocker glock = new();
            public static bool getBool() => System.Environment.TickCount > 0;
        }

        class MutexWrapper
        {
            public readonly KMutex mu = new();
            [GuardedBy(nameof(mu))] public int x;
            [AcquiresLock(nameof(mu))] public void MyLock() => mu.Lock();
        }

        class GlobalLocker
        {
            [AcquiresLock("G.aa_mu")] public void globalLock() => G.aa_mu.Lock();
            [ReleasesLock("G.aa_mu")] public void globalUnlock() => G.aa_mu.Unlock();
        }

        class LateFoo
        {
            public readonly KMutex mu = new();
            [GuardedBy(nameof(mu))] public int a;
        }

        class LateBar
        {
            public readonly LateFoo Foo = new();
            public readonly LateFoo Foo2 = new();
        }

        class LRBar
        {
            [RequiresLock("G.aa_mu")] public void aa_elr_fun() { }
            [RequiresSharedLock("G.rw_mu")] public void rw_elr_fun_s() { }
            [RequiresLock("G.rw_mu")] public void rw_elr_fun() { }
            [ExcludesLock("G.sls_mu")] public void le_fun() { }
            [ExcludesLock("G.rw_mu")] public void le_rw_fun() { }
        }

        class GBFoo
        {
            [GuardedBy("G.sls_mu")] public int gb_field;
        }

        class DuplicateFoo
        {
            public readonly KMutex mu1_ = new();
            [GuardedBy(nameof(mu1_))] public int a;
            [AcquiresLock(nameof(mu1_))] public void lock1() => mu1_.Lock();
            [ReleasesLock(nameof(mu1_))] public void unlock1() => mu1_.Unlock();
        }

        class TryFoo
        {
            public readonly KMutex mu_ = new();
            [GuardedBy(nameof(mu_))] public int a;
            [TryAcquiresLock(1, nameof(mu_))] public int tryLockMutexI() => mu_.TryLock() ? 1 : 0;
            [ReleasesLock(nameof(mu_))] public void unlock() => mu_.Unlock();
        }

        class DefFoo
        {
            public readonly KMutex mu_ = new();
            [GuardedBy(nameof(mu_))] public int a;
            [RequiresLock(nameof(mu_))] public void foo2() => a = 2;
            [RequiresLock("other.mu_")] public void foo3(DefFoo other) => other.a = 3;
            [RequiresLock("f.mu_")] public static void fooF1(DefFoo f) => f.a = 1;
            [RequiresLock("mu_")] public void foo() { }
            [RequiresLock("mu_", "f.mu_")] public void foo2(DefFoo f) { }
            [RequiresLock("f.mu_")] public static void sfoo(DefFoo f) { }
        }
        """;
}
