using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Rules;

/// <summary>
/// LD0012: a lock name in an attribute that does not resolve, reported at the argument carrying
/// the name. Names resolve to a member of the annotated type (also through <c>nameof</c>), a dotted
/// path through parameters and members, or a <c>[LockClass]</c> name declared anywhere.
/// </summary>
public class UnresolvedLockNameTests
{
    [Fact]
    public void UnknownNameInAcquiresLock()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _mutex = new();
                [AcquiresLock({|LD0012:"nope"|})] public void Lock() { }
            }
            """).Single().GetMessage();
        Assert.Equal("cannot resolve lock name 'nope' in [AcquiresLock]: no member, parameter or [LockClass] named 'nope'", message);
    }

    [Fact]
    public void UnknownNameInGuardedBy()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly object _sync = new();
                [GuardedBy({|LD0012:"missing"|})] int _count;
                [GuardedBy({|LD0012:"alsoMissing"|})] int Total { get; set; }
            }
            """).Select(d => d.GetMessage()).ToList();
        Assert.Contains(message, m => m.StartsWith("cannot resolve lock name 'missing' in [GuardedBy]"));
        Assert.Contains(message, m => m.StartsWith("cannot resolve lock name 'alsoMissing' in [GuardedBy]"));
    }

    [Fact]
    public void DottedPathWithABadSegment()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                public readonly KMutex Mutex = new();
            }
            class Core
            {
                [RequiresLock({|LD0012:"group.Nope"|})] void Attach(Group group) { }
            }
            """).Single().GetMessage();
        Assert.Equal("cannot resolve lock name 'group.Nope' in [RequiresLock]: 'Group' has no field or property 'Nope'", message);
    }

    [Fact]
    public void MemberOfATypeThatCannotBeLocked()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Counter
            {
                int _count;
                [GuardedBy({|LD0012:nameof(_count)|})] int _total;
            }
            """).Single().GetMessage();
        Assert.Equal("cannot resolve lock name '_count' in [GuardedBy]: '_count' is of type 'int', which cannot be locked", message);
    }

    [Fact]
    public void EmptyName()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Counter
            {
                readonly object _sync = new();
                [GuardedBy({|LD0012:""|})] int _total;
            }
            """).Single().GetMessage();
        Assert.Contains("the name is empty", message);
    }

    [Fact]
    public void OnlyTheBadNameOfSeveralIsReported()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Device
            {
                readonly KMutex _a = new(), _b = new();
                [AcquiredBefore(nameof(_b), {|LD0012:"nope"|})] readonly KMutex _c = new();
                [ExcludesLock(nameof(_a), {|LD0012:"_d"|}, nameof(_b))] void Work() { }
                [TryAcquiresLock(true, {|LD0012:"gone"|})] bool TryLock() => false;
                [ReleasesLock(nameof(_a), {|LD0012:"x.y"|})] void Unlock() => _a.Unlock();
            }
            """).Select(d => d.GetMessage()).ToList();
        Assert.Contains(message, m => m.StartsWith("cannot resolve lock name 'nope' in [AcquiredBefore]"));
        Assert.Contains(message, m => m.StartsWith("cannot resolve lock name '_d' in [ExcludesLock]"));
        Assert.Contains(message, m => m.StartsWith("cannot resolve lock name 'gone' in [TryAcquiresLock]"));
        Assert.Contains(message, m => m == "cannot resolve lock name 'x.y' in [ReleasesLock]: no member, parameter or [LockClass] named 'x' (in 'x.y')");
    }

    [Fact]
    public void UnknownNameInAssemblyLockOrder()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder("dmar_global_lock", {|LD0012:"no_such_class"|})]
            class Dmar
            {
                [LockClass("dmar_global_lock")] public static readonly object Global = new();
            }
            """);

    [Fact]
    public void ResolvingNamesAreClean()
        => Verify.Diagnostics(
            """
            using LockDiscipline;
            [assembly: LockOrder("dmar_global_lock", "group->mutex")]
            public class Group
            {
                [LockClass("group->mutex")] public readonly KMutex Mutex = new();
                public KMutex Inner { get; } = new();
                [GuardedBy(nameof(Mutex))] public int Devices;
                [GuardedBy("Inner")] public int Count { get; set; }
                [AcquiredAfter("dmar_global_lock")] public readonly object Late = new();
            }
            public class Core
            {
                readonly Group _group = new();
                readonly object _sync = new();
                [RequiresLock("group.Mutex")] void Attach(Group group) { }
                [RequiresSharedLock("_group.Inner")] void Read() { }
                [ExcludesLock(nameof(_sync), "dmar_global_lock")] void Probe() { }
                [AcquiresLock("group.Inner")] void Enter(Group group) => group.Inner.Lock();
                [ReleasesLock("group.Inner")] void Exit(Group group) => group.Inner.Unlock();
            }
            """,
            """
            using LockDiscipline;
            public static class Dmar
            {
                [LockClass("dmar_global_lock")] public static readonly KRwSem Global = new();
            }
            """);

    /// <summary>A null name or a null params array names nothing: nothing to resolve, nothing to report.</summary>
    [Fact]
    public void NullNamesAndNullArraysAreIgnored()
        => Verify.Diagnostics("""
            using LockDiscipline;
            [assembly: LockOrder(null)]
            class Device
            {
                readonly KMutex _mutex = new();
                [GuardedBy(null)] int _count;
                [AcquiresLock(null)] void Lock() { }
                [ReleasesLock(null)] void Unlock() { }
                [RequiresLock((string[])null)] void Work() { }
                [AcquiredBefore(null)] readonly object _first = new();
            }
            """);
}
