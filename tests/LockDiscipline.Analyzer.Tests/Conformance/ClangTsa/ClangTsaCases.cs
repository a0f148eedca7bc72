namespace LockDiscipline.Analyzer.Tests.Conformance.ClangTsa;

/// <summary>
/// One case of Clang's thread-safety test file in C#: <paramref name="Name"/> is the Clang function (or
/// namespace and function), <paramref name="Clang"/> what Clang says, and <paramref name="Source"/> the C#
/// with Clang's verdict marked as LockDiscipline diagnostics (<c>{|LD0008:...|}</c>; none marked means
/// Clang says nothing). Clang's words map to rules: "requires holding" on a variable is LD0008, on a call
/// LD0009, "cannot call ... while held" LD0009, "acquiring ... already held" LD0003, "releasing ... not
/// held", "still held at the end of function", "not held on every path" and "expecting ... held at the end
/// of function" LD0007. Clang reports at the end of a function what LockDiscipline reports at the
/// acquisition (or release) it concerns.
/// </summary>
public sealed record ClangCase(string Name, string Clang, string Source)
{
    public override string ToString() => Name;
}

/// <summary>
/// The cases of clang/test/SemaCXX/warn-thread-safety-analysis.cpp that have a C# equivalent: lock/unlock
/// balance, guarded_by on globals and through objects, requires/excludes on methods and through
/// parameters, try-locks (bool, int, compared with constants), acquire/release functions, double
/// acquisition, joins and loops. Left out: pointer guards (<c>pt_guarded_by</c>), scoped lockable classes
/// and their adopt/release forms (C# has <c>using</c>, tested elsewhere), <c>lock_returned</c>, smart
/// pointers, templates, negative capabilities, the universal lock <c>"*"</c> and acquired_before/after
/// (LD0002's subject).
/// </summary>
public static class ClangTsaCases
{
    public static readonly ClangCase[] Agreeing =
    {
        new("sls_fun_0", "none", """
            class Case { void F() { G.sls_mw.mu.Lock(); G.sls_mw.x = 5; G.sls_mw.mu.Unlock(); } }
            """),
        new("sls_fun_5", "none", """
            class Case { void F() { G.sls_mu.Lock(); int x = G.sls_guardby_var; G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_6", "none", """
            class Case { void F() { G.sls_mu.Lock(); G.sls_guardby_var = 2; G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_7", "none", """
            class Case { void F() { G.sls_mu.Lock(); G.sls_mu2.Lock(); G.sls_mu2.Unlock(); G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_8", "none", """
            class Case { void F() { G.sls_mu.Lock(); if (G.getBool()) G.sls_mu.Unlock(); else G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_9", "none", """
            class Case { void F() { if (G.getBool()) G.sls_mu.Lock(); else G.sls_mu.Lock(); G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_good_6", "none", """
            class Case
            {
                void F()
                {
                    if (G.getBool()) { G.sls_mu.Lock(); }
                    else { if (G.getBool()) { G.getBool(); } else { G.getBool(); } G.sls_mu.Lock(); }
                    G.sls_mu.Unlock();
                }
            }
            """),
        new("sls_fun_good_7", "none", """
            class Case
            {
                void F()
                {
                    G.sls_mu.Lock();
                    while (G.getBool())
                    {
                        G.sls_mu.Unlock();
                        if (G.getBool()) { if (G.getBool()) { G.sls_mu.Lock(); continue; } }
                        G.sls_mu.Lock();
                    }
                    G.sls_mu.Unlock();
                }
            }
            """),
        new("sls_fun_good_8", "none", """
            class Case { void F() { G.sls_mw.MyLock(); G.sls_mw.mu.Unlock(); } }
            """),
        new("sls_fun_bad_2", "acquiring mutex 'sls_mu' that is already held", """
            class Case { void F() { G.sls_mu.Lock(); {|LD0003:G.sls_mu.Lock()|}; G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_bad_4", "mutex 'sls_mu' (and 'sls_mu2') is not held on every path through here", """
            class Case { void F() { if (G.getBool()) {|LD0007:G.sls_mu.Lock()|}; else {|LD0007:G.sls_mu2.Lock()|}; } }
            """),
        new("sls_fun_bad_5", "mutex 'sls_mu' is not held on every path through here", """
            class Case { void F() { {|LD0007:G.sls_mu.Lock()|}; if (G.getBool()) G.sls_mu.Unlock(); } }
            """),
        new("sls_fun_bad_6", "mutex 'sls_mu' is not held on every path through here; releasing mutex 'sls_mu' that was not held", """
            class Case
            {
                void F()
                {
                    if (G.getBool()) { G.sls_mu.Lock(); }
                    else { if (G.getBool()) { G.getBool(); } else { G.getBool(); } }
                    {|LD0007:G.sls_mu.Unlock()|};
                }
            }
            """),
        new("aa_fun_1", "none", """
            class Case { void F() { G.glock.globalLock(); G.glock.globalUnlock(); } }
            """),
        new("aa_fun_bad_1", "releasing mutex 'aa_mu' that was not held", """
            class Case { void F() { {|LD0007:G.glock.globalUnlock()|}; } }
            """),
        new("aa_fun_bad_2", "acquiring mutex 'aa_mu' that is already held", """
            class Case { void F() { G.glock.globalLock(); {|LD0003:G.glock.globalLock()|}; G.glock.globalUnlock(); } }
            """),
        new("gb_bad_2", "writing variable 'sls_guardby_var' requires holding mutex 'sls_mu' exclusively", """
            class Case { void F() { {|LD0008:G.sls_guardby_var|} = 1; } }
            """),
        new("gb_bad_3", "reading variable 'sls_guardby_var' requires holding mutex 'sls_mu'", """
            class Case { void F() { int x = {|LD0008:G.sls_guardby_var|}; } }
            """),
        new("gb_bad_8", "writing variable 'gb_field' requires holding mutex 'sls_mu'", """
            class Case { void F() { var g = new GBFoo(); {|LD0008:g.gb_field|} = 0; } }
            """),
        new("late_0", "none", """
            class Case { void F() { var fooA = new LateFoo(); var fooB = new LateFoo(); fooA.mu.Lock(); fooA.a = 5; fooA.mu.Unlock(); } }
            """),
        new("late_bad_0", "writing variable 'a' requires holding mutex 'fooB.mu' exclusively (found near match 'fooA.mu')", """
            class Case { void F() { var fooA = new LateFoo(); var fooB = new LateFoo(); fooA.mu.Lock(); {|LD0008:fooB.a|} = 5; fooA.mu.Unlock(); } }
            """),
        new("late_bad_4", "writing variable 'a' requires holding mutex 'BarA.Foo2.mu' exclusively (found near match 'BarA.Foo.mu')", """
            class Case { void F() { var barA = new LateBar(); barA.Foo.mu.Lock(); {|LD0008:barA.Foo2.a|} = 2; barA.Foo.mu.Unlock(); } }
            """),
        new("shared_fun_4", "none", """
            class Case { void F() { if (G.getBool()) G.rw_mu.DownRead(); else G.rw_mu.DownRead(); int x = G.rw_guardby_var; G.rw_mu.UpRead(); } }
            """),
        new("es_fun_0", "none", """
            class Case { void F(LRBar bar) { G.aa_mu.Lock(); bar.aa_elr_fun(); G.aa_mu.Unlock(); } }
            """),
        new("es_fun_1", "none", """
            class Case { void F(LRBar bar) { G.rw_mu.DownWrite(); bar.rw_elr_fun_s(); G.rw_mu.UpWrite(); } }
            """),
        new("es_fun_2", "none", """
            class Case { void F(LRBar bar) { G.rw_mu.DownRead(); bar.rw_elr_fun_s(); G.rw_mu.UpRead(); } }
            """),
        new("es_fun_6", "none", """
            class Case { void F(LRBar bar) { bar.le_fun(); } }
            """),
        new("es_fun_10", "none (a caller holding it exclusively satisfies a shared requirement)", """
            class Case { [RequiresLock("G.rw_mu")] void F(LRBar bar) { bar.rw_elr_fun_s(); } }
            """),
        new("es_bad_0", "calling function 'aa_elr_fun' requires holding mutex 'aa_mu' exclusively", """
            class Case { void F(LRBar bar) { {|LD0009:bar.aa_elr_fun()|}; } }
            """),
        new("es_bad_1", "calling function 'aa_elr_fun' requires holding mutex 'aa_mu' exclusively (held shared)", """
            class Case { void F(LRBar bar) { G.rw_mu.DownRead(); {|LD0009:bar.rw_elr_fun()|}; G.rw_mu.UpRead(); } }
            """),
        new("es_bad_2", "calling function 'aa_elr_fun_s' requires holding mutex 'aa_mu'", """
            class Case { void F(LRBar bar) { {|LD0009:bar.rw_elr_fun_s()|}; } }
            """),
        new("es_bad_6", "cannot call function 'le_fun' while mutex 'sls_mu' is held", """
            class Case { void F(LRBar bar) { G.sls_mu.Lock(); {|LD0009:bar.le_fun()|}; G.sls_mu.Unlock(); } }
            """),
        new("es_bad_7", "cannot call function 'le_fun' while mutex 'sls_mu' is held (held shared)", """
            class Case { void F(LRBar bar) { G.rw_mu.DownRead(); {|LD0009:bar.le_rw_fun()|}; G.rw_mu.UpRead(); } }
            """),
        new("UnlockBug::foo1", "expecting mutex 'mutex_' to be held at the end of function", """
            class Case
            {
                readonly KMutex mutex_ = new();
                [RequiresLock(nameof(mutex_))] void foo1() { {|LD0007:mutex_.Unlock()|}; }
            }
            """),
        new("UnlockBug::foo2", "expecting mutex 'mutex_' to be held at the end of function", """
            class Case
            {
                readonly KRwSem mutex_ = new();
                [RequiresSharedLock(nameof(mutex_))] void foo2() { {|LD0007:mutex_.UpRead()|}; }
            }
            """),
        new("DuplicateAttributeTest::test1", "acquiring mutex 'foo.mu1_' that is already held; releasing mutex 'foo.mu1_' that was not held", """
            class Case
            {
                void F()
                {
                    var foo = new DuplicateFoo();
                    foo.lock1(); foo.a = 0; foo.unlock1();
                    foo.lock1();
                    {|LD0003:foo.lock1()|};
                    foo.a = 0;
                    foo.unlock1();
                    {|LD0007:foo.unlock1()|};
                }
            }
            """),
        new("TryLockEqTest::test1 (bool and int == success)", "writing variable 'a' requires holding mutex 'mu_' exclusively, on the failure branches", """
            class Case
            {
                void F(TryFoo t)
                {
                    if (t.tryLockMutexI() == 1) { t.a = 0; t.unlock(); }
                    if (t.mu_.TryLock() == false) { {|LD0008:t.a|} = 0; return; }
                    t.a = 0;
                    t.unlock();
                    if (t.mu_.TryLock() == true) { t.a = 0; t.unlock(); }
                    else { {|LD0008:t.a|} = 0; }
                    if (!(t.mu_.TryLock() == false)) { t.a = 0; t.unlock(); }
                }
            }
            """),
        new("TrylockJoinPoint::foo", "none", """
            class Case
            {
                readonly KMutex mu = new();
                void F(bool c)
                {
                    if (c) { if (!mu.TryLock()) return; }
                    else { mu.Lock(); }
                    mu.Unlock();
                }
            }
            """),
        new("TrylockFunctionTest::lockBoth", "none", """
            class Case
            {
                readonly KMutex mu1_ = new();
                readonly KMutex mu2_ = new();
                bool c;
                [TryAcquiresLock(true, nameof(mu1_), nameof(mu2_))]
                bool lockBoth()
                {
                    if (!mu1_.TryLock()) return false;
                    mu2_.Lock();
                    if (!c) { mu1_.Unlock(); mu2_.Unlock(); return false; }
                    return true;
                }
            }
            """),
        new("FunctionDefinitionTest::test", "calling function 'foo2'/'foo3'/'fooF1' requires holding mutex 'myFoo.mu_' exclusively", """
            class Case
            {
                void F()
                {
                    var myFoo = new DefFoo();
                    {|LD0009:myFoo.foo2()|};
                    {|LD0009:myFoo.foo3(myFoo)|};
                    {|LD0009:DefFoo.fooF1(myFoo)|};
                    myFoo.mu_.Lock();
                    myFoo.foo2();
                    myFoo.foo3(myFoo);
                    DefFoo.fooF1(myFoo);
                    myFoo.mu_.Unlock();
                }
            }
            """),
        new("LockReturned::test1 (locks taken directly)", "requires holding 'f1->mu_' before it is held; 'f2->mu_' (found near match 'f1->mu_') until it is held", """
            class Case
            {
                void F(DefFoo f1, DefFoo f2)
                {
                    {|LD0008:f1.a|} = 0;
                    {|LD0009:f1.foo()|};
                    {|LD0009:f1.foo2(f2)|};
                    {|LD0009:DefFoo.sfoo(f1)|};
                    f1.mu_.Lock();
                    f1.a = 0;
                    f1.foo();
                    {|LD0009:f1.foo2(f2)|};
                    f1.mu_.Unlock();
                    f2.mu_.Lock();
                    DefFoo.sfoo(f2);
                    {|LD0009:DefFoo.sfoo(f1)|};
                    f2.mu_.Unlock();
                }
            }
            """),
        new("LockUnlockFunctionTest::Foo (correct and bad lock/unlock functions)", "expecting 'mu_' held at the end of lockBad/lockBad2; 'mu_' still held at the end of unlockBad/unlockBad2; 'mu2_' still held in lockBad2; releasing 'mu2_' not held in unlockBad2", """
            class Case
            {
                readonly KMutex mu_ = new();
                readonly KMutex mu2_ = new();
                [AcquiresLock(nameof(mu_))] void @lock() { mu_.Lock(); }
                [ReleasesLock(nameof(mu_))] void unlock() { mu_.Unlock(); }
                [AcquiresLock(nameof(mu_))] void {|LD0007:lockBad|}() { mu2_.Lock(); mu2_.Unlock(); }
                [ReleasesLock(nameof(mu_))] void {|LD0007:unlockBad|}() { mu2_.Lock(); mu2_.Unlock(); }
                [AcquiresLock(nameof(mu_))] void {|LD0007:lockBad2|}() { {|LD0007:mu2_.Lock()|}; }
                [ReleasesLock(nameof(mu_))] void {|LD0007:unlockBad2|}() { {|LD0007:mu2_.Unlock()|}; }
            }
            """),
        new("LogicalConditionalTryLock::test1, test3, test8-10", "none", """
            class Case
            {
                readonly KMutex mu = new();
                [GuardedBy(nameof(mu))] int a;
                bool c;
                bool newc() => c;
                void test1() { if (c && mu.TryLock()) { a = 0; mu.Unlock(); } }
                void test3() { if (c || !mu.TryLock()) return; a = 0; mu.Unlock(); }
                void test8() { if (c && newc() && mu.TryLock()) { a = 0; mu.Unlock(); } }
                void test9() { if (!(c && newc() && mu.TryLock())) return; a = 0; mu.Unlock(); }
                void test10() { if (!(c || !mu.TryLock())) { a = 0; mu.Unlock(); } }
            }
            """),
        new("SelfLockingTest::MyLock::test", "writing variable 'foo' requires holding mutex 'this' exclusively", """
            class Case
            {
                [GuardedBy("self")] int foo;
                readonly KMutex self = new();
                void doSomething() { self.Lock(); foo = 0; doSomethingElse(); self.Unlock(); }
                [RequiresLock(nameof(self))] void doSomethingElse() { foo = 1; }
                void test() { {|LD0008:foo|} = 2; }
            }
            """),
    };

    /// <summary>
    /// The cases that cannot agree, each with what Clang says, what LockDiscipline says (the markup), and why.
    /// Kept short: a case belongs here only when the difference is a decision, not a gap to be closed.
    /// </summary>
    public static readonly (ClangCase Case, string Why)[] Disagreeing =
    {
        (new("sls_fun_bad_1, sls_fun_bad_3", "releasing mutex 'sls_mu' that was not held; mutex 'sls_mu' is still held at the end of function", """
            class Case
            {
                void Bad1() { G.sls_mu.Unlock(); }
                void Bad3() { G.sls_mu.Lock(); }
                void LeaksOnOnePath(bool c) { {|LD0007:Bad3()|}; if (c) return; Bad1(); }
                void ReleasesOnOnePathWithout(bool c) { if (c) Bad3(); {|LD0007:Bad1()|}; }
            }
            """),
         "A body whose one effect is to release a lock it did not take, or to leave one held, is a lock wrapper (LD0007's page): it is not reported in itself but at each caller that does not pair the calls. Clang needs UNLOCK_FUNCTION or EXCLUSIVE_LOCK_FUNCTION on such a function."),
        (new("TryLockEqTest::test1 (int == 0 with success 1)", "writing 'a' requires holding 'mu_' on the == 0 branch; nothing after it, where an int result, as a boolean, is nonzero: acquired", """
            class Case
            {
                void F(TryFoo t)
                {
                    if (t.tryLockMutexI() == 0) { {|LD0008:t.a|} = 0; return; }
                    {|LD0008:t.a|} = 0;
                    {|LD0007:t.unlock()|};
                }
            }
            """),
         "C# ints are not booleans: a kernel-style try-acquire succeeds with one value and fails with many, so only a comparison with the success value decides the hold. Here the success value is 1 and the test is against 0: the == 0 branch is a failure (as for Clang), but the other branch is not known to be a success, so the access and the release there are reported too."),
        (new("LogicalConditionalTryLock::test2", "none", """
            class Case
            {
                readonly KMutex mu = new();
                [GuardedBy(nameof(mu))] int a;
                bool c;
                void test2() { bool b = {|LD0007:mu.TryLock()|}; if (c && b) { a = 0; mu.Unlock(); } }
            }
            """),
         "When c is false, b is never tested: a successful TryLock is then never released. Clang adds a try-lock's hold only on the edge that tests it, so it cannot see the leak; LockDiscipline keeps the hold as possible until the result is tested, and reports it."),
        (new("shared_bad_3", "releasing mutex 'sls_mu' using shared access, expected exclusive access (one warning; the lock counts as released)", """
            class Case { void F() { {|LD0007:G.rw_mu.DownWrite()|}; {|LD0007:G.rw_mu.UpRead()|}; } }
            """),
         "A release in the wrong mode does not release: UpRead does not give back a write hold of a KRwSem (the real primitive's count goes wrong), so the write hold is also reported as never released."),
        (new("sls_fun_bad_7", "expecting mutex 'sls_mu' to be held at start of each loop", """
            class Case
            {
                void F()
                {
                    G.sls_mu.Lock();
                    while (G.getBool())
                    {
                        {|LD0007:G.sls_mu.Unlock()|};
                        if (G.getBool()) { if (G.getBool()) { continue; } }
                        G.sls_mu.Lock();
                    }
                    {|LD0007:G.sls_mu.Unlock()|};
                }
            }
            """),
         "LockDiscipline has no loop-head diagnostic: the paths that disagree at the loop head make the hold unknown, and both releases it reaches are reported as possibly unbalanced, where Clang reports the loop once."),
    };
}
