using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Rules;

/// <summary>
/// Severity follows certainty for a class nested on two instances (issue 10): an object to what it owns
/// (links set once at construction, never leading back) is clean; a class chained along a reassignable
/// link of the object's own type stays LD0003 (a ring of such objects deadlocks); anything the analysis
/// cannot tell apart is LD0014, a warning.
/// </summary>
public class IndistinguishableNestingTests
{
    private const string Siblings = """
        using System.Threading;
        sealed class AsyncLock
        {
            readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            public void Enter() => _semaphore.Wait();
            public void Exit() => _semaphore.Release();
        }
        sealed class Outbox
        {
            readonly AsyncLock _dispatchLock = new AsyncLock();
            readonly AsyncLock _storeLock = new AsyncLock();
            public void Dispatch()
            {
                _dispatchLock.Enter();
                try { %DISPATCH%; _storeLock.Exit(); }
                finally { _dispatchLock.Exit(); }
            }
            public void Flush()
            {
                _dispatchLock.Enter();
                try { %FLUSH%; _storeLock.Exit(); }
                finally { _dispatchLock.Exit(); }
            }
            %STORE%
        }
        """;

    /// <summary>
    /// Two members of one owner, each owning its lock object, nested in one order everywhere: an ordered
    /// pair of sub-classes, as a lockdep user would declare them by member (issue 10's outbox).
    /// </summary>
    [Fact]
    public void SiblingMembersOfOneOwnerNestedOneWayEverywhereAreClean()
        => Verify.Diagnostics(Siblings.Replace("%DISPATCH%", "_storeLock.Enter()").Replace("%FLUSH%", "_storeLock.Enter()").Replace("%STORE%", string.Empty));

    /// <summary>
    /// The same pair nested the other way round somewhere: two threads on one outbox, one in each order,
    /// certainly deadlock. A cycle of two sub-classes, LD0001 (an error), once, at the later of the two orders.
    /// </summary>
    [Fact]
    public void SiblingMembersNestedBothWaysAreOneCircularDependency()
    {
        var diagnostics = Verify.Diagnostics(Siblings
            .Replace("%DISPATCH%", "_storeLock.Enter()")
            .Replace("%FLUSH%", "_storeLock.Enter()")
            .Replace("%STORE%", "public void Store() { _storeLock.Enter(); try { {|LD0001:_dispatchLock.Enter()|}; _dispatchLock.Exit(); } finally { _storeLock.Exit(); } }"));
        var message = Assert.Single(diagnostics).GetMessage();
        Assert.Contains("acquiring 'AsyncLock._semaphore' on 'this._dispatchLock._semaphore' while holding it on 'this._storeLock._semaphore' (Outbox.Store at File0.cs:", message);
        Assert.Contains("the existing dependency chain is 'this._dispatchLock._semaphore' -> 'this._storeLock._semaphore' (Outbox.Dispatch at File0.cs:15)", message);
        Assert.Contains("'_storeLock' and '_dispatchLock' are two members of one Outbox, nested in both orders", message);
    }

    /// <summary>Plain locks of two owned objects, nested both ways round by two methods of the owner.</summary>
    [Fact]
    public void SiblingLocksNestedBothWaysAreACircularDependencyAndOneWayIsClean()
    {
        const string Pair = """
            sealed class Box { public readonly object Gate = new(); }
            sealed class Pair
            {
                readonly Box _left = new Box();
                readonly Box _right = new Box();
                public void Forward() { lock (_left.Gate) { lock (_right.Gate) { } } }
                %BACKWARD%
            }
            """;
        Verify.Diagnostics(Pair.Replace("%BACKWARD%", "public void Again() { lock (_left.Gate) { lock (_right.Gate) { } } }"));
        Verify.Diagnostics(Pair.Replace("%BACKWARD%", "public void Backward() { lock (_right.Gate) { lock ({|LD0001:_left.Gate|}) { } } }"));
    }

    private const string NodeOwningItsChild = "partial class Node { readonly Node _child; public Node(Node child) { _child = child; } }";

    /// <summary>A link's facts are read by its name alone: the member is found in another part of its type, in another file.</summary>
    [Fact]
    public void OwnershipLinkDeclaredInAnotherFileIsFound()
        => Verify.Diagnostics("partial class Node { readonly object _sync = new(); void Use() { lock (_sync) { lock (_child._sync) { } } } }", NodeOwningItsChild);

    /// <summary>A member of the same name that can be reassigned, in a nested type of another file, makes the name no ownership link.</summary>
    [Fact]
    public void NameAlsoReassignableElsewhereIsNoOwnershipLink()
        => Verify.Diagnostics(
            "partial class Node { readonly object _sync = new(); void Use() { lock (_sync) { lock ({|LD0014:_child._sync|}) { } } } }",
            NodeOwningItsChild,
            "class Registry { public class Slot { public string _child = \"\"; } }");

    [Fact]
    public void WrapperCallingTheObjectItWasGivenAtConstructionIsClean()
        => Verify.Diagnostics("""
            abstract class Target
            {
                protected readonly object SyncRoot = new();
                public void Write(string m) { lock (SyncRoot) { WriteCore(m); } }
                protected abstract void WriteCore(string m);
            }
            sealed class FileTarget : Target { protected override void WriteCore(string m) { } }
            sealed class Wrapper : Target
            {
                readonly Target _wrapped;
                public Wrapper(Target wrapped) { _wrapped = wrapped; }
                protected override void WriteCore(string m) => _wrapped.Write(m);
            }
            sealed class Owner : Target
            {
                readonly Target _inner = new FileTarget();
                Target Spare { get; } = new FileTarget();
                Target Standby { get; init; } = null!;
                protected override void WriteCore(string m) { _inner.Write(m); Spare.Write(m); Standby.Write(m); }
            }
            """);

    [Fact]
    public void OwnedObjectGivenThisCanLeadBackAndIsIndistinguishable()
    {
        var message = Verify.Diagnostics("""
            sealed class Node
            {
                readonly object _sync = new();
                readonly Node? _child;
                Node? _parent;
                public Node(Node? parent) { _parent = parent; _child = parent is null ? new Node(this) : null; }
                void Touch() { lock (_sync) { } }
                public void Down() { lock (_sync) { _child?{|LD0014:.Touch()|}; } }
            }
            """).Single().GetMessage();
        Assert.Equal(
            "same lock class nested on instances that cannot be told apart: 'Node._sync' is held here on 'this._sync' across a call that acquires it again at File0.cs:7 "
            + "(Node.Down at File0.cs:8 -> Node.Touch at File0.cs:7) on 'this._child._sync'; the two instances cannot be told apart, so the order they nest in is not known statically; "
            + "if they always nest in one order (parent then child), take the inner one with LockNested(n) or give the two members distinct [LockClass] names; otherwise take them in one global order (for example by a stable id)",
            message);
    }

    [Fact]
    public void ChainedAlongAReassignableSelfLinkIsRecursiveLocking()
    {
        var message = Verify.Diagnostics("""
            sealed class Member
            {
                readonly object _sync = new();
                public Member? Next { get; set; }
                public void Enqueue() { lock (_sync) { } }
                public void Fail()
                {
                    lock (_sync)
                    {
                        var target = Next;
                        target?{|LD0003:.Enqueue()|};
                    }
                }
            }
            """).Single().GetMessage();
        Assert.StartsWith(
            "possible recursive locking detected: 'Member._sync' is held here across a call that acquires it again at File0.cs:5 (Member.Fail at File0.cs:11 -> Member.Enqueue at File0.cs:5); "
            + "it is held on 'this._sync' and taken on 'this.Next._sync', through a link of the object's own type that can be reassigned",
            message);
    }

    [Fact]
    public void ChainedAlongAReassignableSelfLinkInOneBody()
        => Verify.Diagnostics("""
            sealed class Cell
            {
                public readonly object Gate = new();
                public Cell? Next;
                public void Link() { lock (Gate) { lock ({|LD0003:Next!.Gate|}) { } } }
            }
            """);

    [Fact]
    public void TheCallPathOfARecursiveAcquisitionNamesEveryHop()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                void Add() { using (_mutex.Guard()) { {|LD0003:Notify()|}; } }
                void Notify() { Publish(); }
                void Publish() { using (_mutex.Guard()) { } }
            }
            """).Single().GetMessage();
        Assert.Equal(
            "possible recursive locking detected: 'Group._mutex' is held here across a call that acquires it again at File0.cs:7 (Group.Add at File0.cs:5 -> Group.Notify -> Group.Publish at File0.cs:7); KMutex is not reentrant, so the thread waits for itself",
            message);
    }

    [Fact]
    public void ReadonlyLinkThatMayBeAnythingIsIndistinguishable()
        => Verify.Diagnostics("""
            sealed class Child
            {
                public readonly object Sync = new();
                readonly Child _owner;
                public Child(Child? owner) { _owner = owner ?? this; }
                public void Touch() { lock (Sync) { } }
                public void Up() { lock (Sync) { {|LD0014:_owner.Touch()|}; } }
            }
            """);

    [Fact]
    public void NonReentrantLockOnTwoParametersIsIndistinguishableButOnOneIsRecursive()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Node
            {
                public readonly KMutex Mutex = new();
                static void Two(Node a, Node b) { a.Mutex.Lock(); {|LD0014:b.Mutex.Lock()|}; b.Mutex.Unlock(); a.Mutex.Unlock(); }
                static void One(Node a) { a.Mutex.Lock(); {|LD0003:a.Mutex.Lock()|}; a.Mutex.Unlock(); {|LD0007:a.Mutex.Unlock()|}; }
            }
            """);

    [Fact]
    public void BackReferenceToTheHeldOwnerIsReentry()
        => Verify.Diagnostics("""
            sealed class Buffer
            {
                internal readonly Bridge _owner;
                public Buffer(Bridge owner) { _owner = owner; }
                public void Append(int size) { if (size > 1024) _owner.Break(); }
            }
            sealed class Bridge
            {
                readonly object _writeLock = new();
                readonly Buffer _buffer;
                public Bridge() { _buffer = new Buffer(this); }
                public void Write(int size) { lock (_writeLock) _buffer.Append(size); }
                public void Break() { lock (_writeLock) { } }
            }
            """);

    [Fact]
    public void BackReferenceOfANonReentrantLockIsASelfDeadlock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            sealed class Buffer
            {
                readonly Bridge _owner;
                public Buffer(Bridge owner) { _owner = owner; }
                public void Append() { _owner.Break(); }
            }
            sealed class Bridge
            {
                readonly KMutex _mutex = new();
                readonly Buffer _buffer;
                public Bridge() { _buffer = new Buffer(this); }
                public void Write() { using (_mutex.Guard()) { {|LD0003:_buffer.Append()|}; } }
                public void Break() { using (_mutex.Guard()) { } }
            }
            """);

    [Fact]
    public void BufferGivenAnotherBridgeIsIndistinguishable()
        => Verify.Diagnostics("""
            sealed class Buffer
            {
                readonly Bridge _owner;
                public Buffer(Bridge owner) { _owner = owner; }
                public void Append() { _owner.Break(); }
            }
            sealed class Bridge
            {
                readonly object _writeLock = new();
                readonly Buffer _buffer;
                public Bridge(Bridge? peer) { _buffer = new Buffer(peer ?? this); }
                public void Write() { lock (_writeLock) {|LD0014:_buffer.Append()|}; }
                public void Break() { lock (_writeLock) { } }
            }
            """);

    [Fact]
    public void StoredContinuationOfTheSameObjectIsReentry()
        => Verify.Diagnostics("""
            using System;
            sealed class Writer
            {
                readonly object _writeLock = new();
                readonly Action _onCompleted;
                Action? _onFlushed;
                public Writer() { _onCompleted = ProcessBacklog; _onFlushed = this.ProcessBacklog; }
                public void Write() { lock (_writeLock) { _onCompleted(); _onFlushed?.Invoke(); } }
                public void Reset() { _onFlushed = null; }
                void ProcessBacklog() { lock (_writeLock) { } }
            }
            """);

    [Fact]
    public void ContinuationBoundToAnotherObjectIsIndistinguishable()
        => Verify.Diagnostics("""
            using System;
            sealed class Writer
            {
                readonly object _writeLock = new();
                Action? _onCompleted;
                public void Chain(Writer next) { _onCompleted = next.ProcessBacklog; }
                public void Write() { lock (_writeLock) { _onCompleted?{|LD0014:.Invoke()|}; } }
                void ProcessBacklog() { lock (_writeLock) { } }
            }
            """);

    [Fact]
    public void CompositeForwardingTheSameCallToItsChildrenIsClean()
        => Verify.Diagnostics("""
            using System.Collections.Generic;
            class Appender
            {
                protected readonly object BaseLock = new();
                public virtual void DoAppend(string e) { lock (BaseLock) { Append(e); } }
                protected virtual void Append(string e) { }
            }
            sealed class Forwarding : Appender
            {
                readonly List<Appender> _children = new();
                public void Add(Appender child) { lock (BaseLock) _children.Add(child); }
                protected override void Append(string e) { foreach (var child in _children) child.DoAppend(e); }
            }
            sealed class Registry
            {
                readonly object _lock = new();
                readonly List<Registry> _children = new();
                public void Add(Registry child) { lock (_lock) _children.Add(child); }
                public void Close() { lock (_lock) { foreach (var child in _children) child.Close(); } }
            }
            """);

    [Fact]
    public void CallingAnotherMethodOnPeersIsIndistinguishable()
        => Verify.Diagnostics("""
            using System.Collections.Generic;
            sealed class Peer
            {
                readonly object _lock = new();
                readonly List<Peer> _peers = new();
                public void Add(Peer peer) { lock (_lock) _peers.Add(peer); }
                public void Touch() { lock (_lock) { } }
                public void Broadcast() { lock (_lock) { foreach (var peer in _peers) {|LD0014:peer.Touch()|}; } }
            }
            """);

    [Fact]
    public void RecursiveTraversalWithANonReentrantLockIsIndistinguishable()
        => Verify.Diagnostics("""
            using System.Collections.Generic;
            using LockDiscipline;
            sealed class Registry
            {
                readonly KMutex _mutex = new();
                readonly List<Registry> _children = new();
                public void Close() { using (_mutex.Guard()) { foreach (var child in _children) {|LD0014:child.Close()|}; } }
            }
            """);
}
