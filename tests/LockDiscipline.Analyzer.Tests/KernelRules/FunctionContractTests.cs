using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

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
