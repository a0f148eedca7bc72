using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// Guards and contracts name a lock of an object, not a member of a type (Clang's thread-safety model):
/// <c>other.Value</c> needs <c>other._mu</c>, <c>child.Bar()</c>'s <c>[RequiresLock("_mu")]</c> needs
/// <c>child._mu</c>, a parameter path is the argument's. Where the instance cannot be told, the answer
/// raises no error.
/// </summary>
public class ContractInstanceTests
{
    [Fact]
    public void GuardedMemberOfAnotherObjectNeedsThatObjectsLock()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Data
            {
                readonly KMutex _mu = new();
                [GuardedBy(nameof(_mu))] int Value;
                void WrongObject(Data other) { _mu.Lock(); {|LD0008:other.Value|} = 1; _mu.Unlock(); }
                void RightObject(Data other) { other._mu.Lock(); other.Value = 1; other._mu.Unlock(); }
                void Own() { _mu.Lock(); this.Value = 1; Value = 2; _mu.Unlock(); }
                void Both(Data other) { _mu.Lock(); {|LD0014:other._mu.Lock()|}; other.Value = Value; other._mu.Unlock(); _mu.Unlock(); }
            }
            """).Only("LD0008");
        Assert.Equal(
            "'Data.Value' is guarded by 'Data._mu', but is written here without holding it (the lock held is 'this._mu'; the object accessed needs 'other._mu')",
            diagnostic.GetMessage());
    }

    [Fact]
    public void GuardReachedThroughAFieldAndALocal()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Node
            {
                public readonly KMutex Mu = new();
                [GuardedBy(nameof(Mu))] public int Count;
            }
            class Tree
            {
                readonly Node _root = new();
                readonly Node _spare = new();
                void Field() { _root.Mu.Lock(); _root.Count++; {|LD0008:_spare.Count|}++; _root.Mu.Unlock(); }
                void Local() { var node = _root; node.Mu.Lock(); _root.Count++; node.Count++; node.Mu.Unlock(); }
            }
            """);

    [Fact]
    public void AnObjectWithoutAPathCannotBeToldApartSoItsAccessIsNotReported()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Data
            {
                public readonly KMutex Mu = new();
                [GuardedBy(nameof(Mu))] public int Value;
            }
            class Registry
            {
                Data Find(int id) => new Data();
                void Held(Data d) { d.Mu.Lock(); Find(1).Value = 1; d.Mu.Unlock(); }
                void HeldOnUnknown() { Find(1).Mu.Lock(); Find(2).Value = 1; Find(1).Mu.Unlock(); }
                void NotHeld() { {|LD0008:Find(1).Value|} = 1; }
            }
            """);

    [Fact]
    public void RequiresLockOnAnotherObjectIsNotMetByThisObjectsLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Child
            {
                readonly KMutex _mu = new();
                [RequiresLock(nameof(_mu))] public void Bar() { }
                [ExcludesLock(nameof(_mu))] public void Baz() { }
            }
            class Parent
            {
                readonly KMutex _mu = new();
                readonly Child _child = new();
                [RequiresLock(nameof(_mu))] void Bar() { }
                [ExcludesLock(nameof(_mu))] void Baz() { }
                void Test(Child child)
                {
                    _mu.Lock();
                    Bar();
                    {|LD0009:child.Bar()|};
                    {|LD0009:_child.Bar()|};
                    child.Baz();
                    _child.Baz();
                    _mu.Unlock();
                    Baz();
                }
            }
            """);

    [Fact]
    public void TheMessageNamesTheLockHeldAndTheOneNeeded()
        => Assert.Equal(
            "Child.Bar requires 'Child._mu' to be held ([RequiresLock]), but it is not held here (the lock held is 'a._mu'; the call needs 'b._mu')",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Child
                {
                    internal readonly KMutex _mu = new();
                    [RequiresLock(nameof(_mu))] public void Bar() { }
                    static void Test(Child a, Child b) { a._mu.Lock(); {|LD0009:b.Bar()|}; a.Bar(); a._mu.Unlock(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void ExcludesLockIsBrokenOnlyByTheSameObjectsLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Child
            {
                internal readonly KMutex _mu = new();
                [ExcludesLock(nameof(_mu))] public void Baz() { }
                static void Test(Child a, Child b) { a._mu.Lock(); b.Baz(); {|LD0009:a.Baz()|}; a._mu.Unlock(); }
                static Child Any() => new Child();
                static void Unknown(Child a) { Any()._mu.Lock(); a.Baz(); Any()._mu.Unlock(); }
            }
            """);

    [Fact]
    public void ParameterPathsAreTheArguments()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group { public readonly KMutex Mutex = new(); }
            class Device { public Group Group = new(); }
            static class Core
            {
                [RequiresLock("group.Mutex")] static void AddDevice(Group group) { }
                [ExcludesLock("group.Mutex")] static void Notify(Group group) { }
                static void Right(Group g) { g.Mutex.Lock(); AddDevice(g); g.Mutex.Unlock(); Notify(g); }
                static void Wrong(Group g, Group other) { g.Mutex.Lock(); {|LD0009:AddDevice(other)|}; Notify(other); {|LD0009:Notify(g)|}; g.Mutex.Unlock(); }
                static void Through(Device dev) { dev.Group.Mutex.Lock(); AddDevice(dev.Group); dev.Group.Mutex.Unlock(); }
                static void Unknown(Group g) { g.Mutex.Lock(); AddDevice(new Group()); g.Mutex.Unlock(); }
            }
            """);

    [Fact]
    public void AClassNameStandsForEveryLockOfItsClass()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                [LockClass("group_mutex")] public readonly KMutex Mutex = new();
                [RequiresLock("group_mutex")] public void Locked() { }
                [ExcludesLock("group_mutex")] public void Unlocked() { }
            }
            static class Core
            {
                static void Test(Group a, Group b) { a.Mutex.Lock(); b.Locked(); {|LD0009:b.Unlocked()|}; a.Mutex.Unlock(); }
            }
            """);

    [Fact]
    public void UnlockOfOneObjectDoesNotReleaseAnothersLock()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using LockDiscipline;
            class Data
            {
                public readonly KMutex Mu = new();
                [AcquiresLock("d.Mu")] public static void Lock(Data d) => d.Mu.Lock();
                [ReleasesLock("d.Mu")] public static void Unlock(Data d) => d.Mu.Unlock();
                static void Mixed(Data d1, Data d2)
                {
                    {|LD0007:Lock(d1)|};
                    {|LD0007:Unlock(d2)|};
                }
                static void Paired(Data d1, Data d2) { Lock(d1); {|LD0014:Lock(d2)|}; Unlock(d2); Unlock(d1); }
                static void Direct(Data d1, Data d2) { {|LD0007:d1.Mu.Lock()|}; {|LD0007:d2.Mu.Unlock()|}; }
            }
            """));
        Assert.Equal("bad unlock balance detected: 'Data.Mu' acquired here is still held when Data.Mixed returns on some path", diagnostics[0].GetMessage());
        Assert.Equal("bad unlock balance detected: 'Data.Mu' is released here on a path where it is not held", diagnostics[1].GetMessage());
    }
}
