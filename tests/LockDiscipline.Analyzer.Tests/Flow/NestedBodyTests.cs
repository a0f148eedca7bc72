using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Lambdas and local functions are bodies of their own: the locks held where they are written do
/// not flow into them, their own acquisitions count wherever they are written, and they add edges
/// under a caller's locks only when invoked there.
/// </summary>
public class NestedBodyTests
{
    [Fact]
    public void LambdaCreatedUnderLockButNotInvokedAddsNoEdge()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new(), _b = new();
                Action? _pending;
                void One()
                {
                    lock (_a)
                    {
                        Action work = () => { lock (_b) { } };
                        _pending = work;
                    }
                }
                void Two() { lock (_b) { lock (_a) { } } }
            }
            """);

    [Fact]
    public void LambdaInvokedUnderLockAddsEdge()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new(), _b = new();
                void One()
                {
                    lock (_a)
                    {
                        Action work = () => { lock (_b) { } };
                        work();
                    }
                }
                void Two() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """);

    [Fact]
    public void LocalFunctionDeclaredUnderLockButNotCalledAddsNoEdge()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                void One()
                {
                    lock (_a)
                    {
                        void Later() { lock (_b) { } }
                    }
                }
                void Two() { lock (_b) { lock (_a) { } } }
            }
            """);

    [Fact]
    public void NestedAcquisitionInsideLambdaIsAnEdge()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new(), _b = new();
                Action? _pending;
                void One()
                {
                    _pending = () =>
                    {
                        Action inner = () => { lock (_b) { lock (_a) { } } };
                        _pending = inner;
                    };
                }
                void Two() { lock (_a) { lock ({|LD0001:_b|}) { } } }
            }
            """);

    [Fact]
    public void LambdaReturnedFromExpressionBodiedMethodIsAnalysed()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new(), _b = new();
                Action Make() => () => { lock (_b) { lock (_a) { } } };
                void One() { lock (_a) { lock ({|LD0001:_b|}) { } } }
            }
            """);

    [Fact]
    public void LambdaReturnedFromReturnStatementIsAnalysed()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                Action Make()
                {
                    return () => {|LD0007:Monitor.Enter(_a)|};
                }
            }
            """);

    [Fact]
    public void LambdaDoesNotSeeTheLocksHeldWhereItIsWritten()
    {
        var diagnostics = Verify.Diagnostics("""
            using System;
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                Action? _pending;
                void One()
                {
                    lock (_a)
                    {
                        _pending = () => {|LD0007:Monitor.Exit(_a)|};
                    }
                }
            }
            """);
        Assert.Contains("is released here on a path where it is not held", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void LambdaBodyLeakIsReportedInTheLambda()
        => Verify.Diagnostics("""
            using System;
            using System.Threading;
            class Store
            {
                readonly object _a = new();
                Action? _pending;
                void One()
                {
                    _pending = () => { {|LD0007:Monitor.Enter(_a)|}; };
                    lock (_a) { }
                }
            }
            """);

    [Fact]
    public void LambdaWithACallWrittenInsideALockStatement()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new();
                Action? _pending;
                void One() { lock (_a) { _pending = () => Work(); } }
                void Work() { }
            }
            """);

    [Fact]
    public void LocalFunctionWithACallDeclaredInsideATryFinally()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Store
            {
                readonly KMutex _m = new();
                void One()
                {
                    _m.Lock();
                    try
                    {
                        Local();
                        void Local() { Work(); }
                    }
                    finally { _m.Unlock(); }
                }
                void Work() { }
            }
            """);

    [Fact]
    public void LambdaInAConditionIsAnalysed()
        => Verify.Diagnostics("""
            using System;
            class Store
            {
                readonly object _a = new(), _b = new();
                static bool Check(Func<bool> predicate) => true;
                void One() { if (Check(() => { lock (_b) { lock (_a) { } } return true; })) { } }
                void Two() { lock (_a) { lock ({|LD0001:_b|}) { } } }
            }
            """);
}
