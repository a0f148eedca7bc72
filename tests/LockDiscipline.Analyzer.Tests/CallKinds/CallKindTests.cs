using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.CallKinds;

/// <summary>
/// LD0001 through every kind of call the graph resolves: each test holds A and reaches B through
/// one call kind, while another method nests B then A directly. The negative twin takes the same
/// path in a consistent order, or hands the work to another thread.
/// </summary>
public class CallKindTests
{
    [Fact]
    public void DirectCall()
    {
        var message = Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                void Outer() { lock (_a) { Inner(); } }
                void Inner() { lock (_b) { } }
                void Reverse() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Store._a' while holding 'Store._b'", message);
        Assert.Contains("'Store._a' -> 'Store._b' (Store.Outer at File0.cs:4 -> Store.Inner at File0.cs:5)", message);
    }

    [Fact]
    public void DirectCallInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                void Outer() { lock (_a) { Inner(); } }
                void Inner() { lock (_b) { } }
                void Same() { lock (_a) { lock (_b) { } } }
            }
            """);

    [Fact]
    public void CallChainSeveralLevelsDeep()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                void Outer() { lock (_a) { One(); } }
                void One() => Two();
                void Two() => Three();
                void Three() { lock (_b) { } }
                void Reverse() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """);

    [Fact]
    public void VirtualCallReachesOverride()
        => Verify.Diagnostics("""
            class Base
            {
                public static readonly object A = new();
                public virtual void Hook() { }
                public void Run() { lock (A) { Hook(); } }
            }
            class Derived : Base
            {
                public static readonly object B = new();
                public override void Hook() { lock (B) { } }
                public void Reverse() { lock (B) { lock ({|LD0001:A|}) { } } }
            }
            """);

    [Fact]
    public void BaseCallIsNotVirtual()
        => Verify.Diagnostics("""
            class Base
            {
                public static readonly object A = new();
                public virtual void Hook() { }
            }
            class Derived : Base
            {
                public static readonly object B = new();
                public override void Hook() { lock (B) { } }
                void CallsBaseOnly() { lock (B) { lock (A) { } } }
                void Run() { lock (A) { base.Hook(); } }
            }
            """);

    [Fact]
    public void InterfaceCallAcrossTypes()
    {
        var diagnostics = Verify.Diagnostics(
            """
            interface IOps { void GetRegions(); }
            class Group
            {
                public readonly object Mutex = new();
                public void ResvRegions(IOps ops) { lock (Mutex) { ops.GetRegions(); } }
            }
            """,
            """
            class Intel : IOps
            {
                static readonly object GlobalLock = new();
                readonly Group _group = new();
                public void GetRegions() { lock (GlobalLock) { } }
                public void Init() { lock (GlobalLock) { lock ({|LD0001:_group.Mutex|}) { } } }
            }
            """);
        var message = diagnostics.Single().GetMessage();
        Assert.Contains("'Group.Mutex'", message);
        Assert.Contains("'Intel.GlobalLock'", message);
        Assert.Contains("Group.ResvRegions at File0.cs:5 -> Intel.GetRegions at File1.cs:5", message);
        Assert.Contains(diagnostics.Single().AdditionalLocations, l => l.SourceTree?.FilePath == "/src/File0.cs");
    }

    [Fact]
    public void GenericInterfaceImplementation()
        => Verify.Diagnostics("""
            interface IVisitor<T> { void Visit(T item); }
            class Walker
            {
                static readonly object A = new();
                public static void Walk<T>(IVisitor<T> visitor, T item) { lock (A) { visitor.Visit(item); } }
                public static void Reverse() { lock (Printer.B) { lock (A) { } } }
            }
            class Printer : IVisitor<int>
            {
                public static readonly object B = new();
                public void Visit(int item) { lock ({|LD0001:B|}) { } }
            }
            """);

    [Fact]
    public void GenericMethod()
        => Verify.Diagnostics("""
            class Pool
            {
                static readonly object A = new(), B = new();
                static T Take<T>(T value) { lock (B) { return value; } }
                static void Use() { lock (A) { Take(42); } }
                static void Reverse() { lock (B) { lock ({|LD0001:A|}) { } } }
            }
            """);

    [Fact]
    public void EventHandlerRaisedUnderLock()
        => Verify.Diagnostics("""
            using System;
            class Bus
            {
                public static readonly object Lock = new();
                public event EventHandler? Changed;
                public void Publish() { lock (Lock) { Changed?.Invoke(this, EventArgs.Empty); } }
            }
            class Listener
            {
                static readonly object State = new();
                public Listener(Bus bus) { bus.Changed += OnChanged; }
                void OnChanged(object? sender, EventArgs e) { lock (State) { } }
                public void Reverse() { lock (State) { lock ({|LD0001:Bus.Lock|}) { } } }
            }
            """);

    [Fact]
    public void EventRaisedAfterReleaseIsClean()
        => Verify.Diagnostics("""
            using System;
            class Bus
            {
                public static readonly object Lock = new();
                public event EventHandler? Changed;
                public void Publish()
                {
                    lock (Lock) { }
                    Changed?.Invoke(this, EventArgs.Empty);
                }
            }
            class Listener
            {
                static readonly object State = new();
                public Listener(Bus bus) { bus.Changed += OnChanged; }
                void OnChanged(object? sender, EventArgs e) { lock (State) { } }
                void Reverse() { lock (State) { lock (Bus.Lock) { } } }
            }
            """);

    [Fact]
    public void LambdaEventHandler()
        => Verify.Diagnostics("""
            using System;
            class Bus
            {
                public static readonly object Lock = new();
                public event Action? Changed;
                public void Publish() { lock (Lock) { Changed?.Invoke(); } }
            }
            class Listener
            {
                static readonly object State = new();
                public Listener(Bus bus) { bus.Changed += () => { lock (State) { } }; }
                public void Reverse() { lock (State) { lock ({|LD0001:Bus.Lock|}) { } } }
            }
            """);

    [Fact]
    public void DelegateStoredInFieldThroughConstructor()
        => Verify.Diagnostics("""
            using System;
            class Worker
            {
                static readonly object Queue = new();
                readonly Action _onDone;
                public Worker(Action onDone) { _onDone = onDone; }
                public void Finish() { lock (Queue) { _onDone(); } }
                public static void Reverse() { lock (Owner.State) { lock (Queue) { } } }
            }
            class Owner
            {
                public static readonly object State = new();
                readonly Worker _worker;
                public Owner() { _worker = new Worker(Done); }
                void Done() { lock ({|LD0001:State|}) { } }
            }
            """);

    [Fact]
    public void DelegateInvokedThroughInvokeMethodAndLocalCopy()
        => Verify.Diagnostics("""
            using System;
            class Worker
            {
                static readonly object Queue = new(), State = new();
                Action? _callback;
                void Register() { _callback = () => { lock (State) { } }; }
                void Run()
                {
                    var callback = _callback;
                    lock (Queue) { callback?.Invoke(); }
                }
                void Reverse() { lock (State) { lock ({|LD0001:Queue|}) { } } }
            }
            """);

    [Fact]
    public void DelegateCreatedUnderLockButInvokedAfterReleaseIsClean()
        => Verify.Diagnostics("""
            using System;
            class Worker
            {
                static readonly object Queue = new(), State = new();
                void Run()
                {
                    Action work;
                    lock (Queue) { work = () => { lock (State) { } }; }
                    work();
                }
                void Reverse() { lock (State) { lock (Queue) { } } }
            }
            """);

    [Fact]
    public void DelegateParameterInvokedUnderLock()
        => Verify.Diagnostics("""
            using System;
            class Worker
            {
                static readonly object Queue = new(), State = new();
                static void WithQueue(Action action) { lock (Queue) { action(); } }
                static void Use() => WithQueue(Touch);
                static void Touch() { lock (State) { } }
                static void Reverse() { lock (State) { lock ({|LD0001:Queue|}) { } } }
            }
            """);

    [Fact]
    public void PropertyAccessors()
        => Verify.Diagnostics("""
            class Account
            {
                static readonly object Ledger = new(), Balance = new();
                int _value;
                int Value
                {
                    get { lock (Balance) { return _value; } }
                    set { lock (Balance) { _value = value; } }
                }
                void Post() { lock (Ledger) { Value = Value + 1; } }
                void Audit() { lock (Balance) { lock ({|LD0001:Ledger|}) { } } }
            }
            """);

    [Fact]
    public void LocalFunction()
        => Verify.Diagnostics("""
            class Store
            {
                readonly object _a = new(), _b = new();
                void Outer()
                {
                    lock (_a) { Inner(); }
                    void Inner() { lock (_b) { } }
                }
                void Reverse() { lock (_b) { lock ({|LD0001:_a|}) { } } }
            }
            """);

    [Fact]
    public void RecursiveMethodsConverge()
        => Verify.Diagnostics("""
            class Tree
            {
                static readonly object A = new(), B = new();
                void Walk(int depth) { if (depth > 0) { Walk(depth - 1); Visit(depth); } }
                void Visit(int depth) { if (depth % 2 == 0) Walk(depth / 2); lock (B) { } }
                public void Start() { lock (A) { Walk(10); } }
                public void Reverse() { lock (B) { lock ({|LD0001:A|}) { } } }
            }
            """);

    [Fact]
    public void ThreeLockCycleAcrossMethods()
    {
        var message = Verify.Diagnostics("""
            class Hotplug
            {
                static readonly object State = new(), CpuLock = new(), Notifier = new();
                void ThreadFun() { lock (CpuLock) { lock (State) { } } }
                void Online() { lock (State) { AddDevice(); } }
                void AddDevice() { lock (Notifier) { } }
                void Probe() { lock (Notifier) { lock ({|LD0001:CpuLock|}) { } } }
            }
            """).Single().GetMessage();
        Assert.Contains("'Hotplug.State'", message);
        Assert.Contains("'Hotplug.CpuLock'", message);
        Assert.Contains("'Hotplug.Notifier'", message);
    }

    [Fact]
    public void OneReportPerDistinctCycle()
        => Verify.Diagnostics("""
            class Many
            {
                static readonly object A = new(), B = new(), C = new();
                void AB() { lock (A) { lock (B) { } } }
                void BA() { lock (B) { lock ({|LD0001:A|}) { } } }
                void AC() { lock (A) { lock (C) { } } }
                void CA() { lock (C) { lock ({|LD0001:A|}) { } } }
            }
            """);

    [Theory]
    [InlineData("Task.Run(() => { lock (B) { } });")]
    [InlineData("Task.Factory.StartNew(() => { lock (B) { } });")]
    [InlineData("new Thread(() => { lock (B) { } }).Start();")]
    [InlineData("ThreadPool.QueueUserWorkItem(_ => { lock (B) { } });")]
    [InlineData("_timer = new Timer(_ => { lock (B) { } }, null, 0, 0);")]
    [InlineData("Task.CompletedTask.ContinueWith(_ => { lock (B) { } });")]
    [InlineData("Task.Run(TakeB);")]
    public void WorkHandedToAnotherThreadAddsNoDependency(string handOff)
        => Verify.Diagnostics($$"""
            using System.Threading;
            using System.Threading.Tasks;
            class Scheduler
            {
                static readonly object A = new(), B = new();
                Timer? _timer;
                void Schedule() { lock (A) { {{handOff}} } }
                static void TakeB() { lock (B) { } }
                void Reverse() { lock (B) { lock (A) { } } }
            }
            """);

    [Fact]
    public void ThroughCallReentryOfSameInstanceIsClean()
        => Verify.Diagnostics("""
            class Counter
            {
                readonly object _sync = new();
                int _n;
                public void Increment() { lock (_sync) { Add(1); } }
                void Add(int by) { lock (_sync) { _n += by; } }
            }
            """);

    [Fact]
    public void ThroughCallReentryOfNonReentrantLock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                public void Refresh() { _gate.Wait(); try { {|LD0003:Load()|}; } finally { _gate.Release(); } }
                void Load() { _gate.Wait(); try { } finally { _gate.Release(); } }
            }
            """);

    [Fact]
    public void ThroughCallOnAnotherInstanceOfSameClass()
        => Verify.Diagnostics("""
            class Account
            {
                readonly object _sync = new();
                int _balance;
                public void TransferTo(Account other, int amount)
                {
                    lock (_sync) { _balance -= amount; {|LD0014:other.Deposit(amount)|}; }
                }
                void Deposit(int amount) { lock (_sync) { _balance += amount; } }
            }
            """);
}

/// <summary>Delegates kept in collections: notifier chains and callback registries, as kernels and event buses keep them.</summary>
public class CollectionDelegateTests
{
    [Fact]
    public void NotifierChainInAListInvokedInForeach()
        => Verify.Diagnostics("""
            using System;
            using System.Collections.Generic;
            class NotifierChain
            {
                public static readonly object Rwsem = new();
                readonly List<Action<int>> _notifiers = new();
                public void Register(Action<int> notifier) => _notifiers.Add(notifier);
                public void CallChain(int action) { lock (Rwsem) { foreach (var notifier in _notifiers) notifier(action); } }
            }
            class Iommu
            {
                static readonly object ProbeLock = new();
                public Iommu(NotifierChain chain) { chain.Register(OnBusEvent); }
                void OnBusEvent(int action) { lock (ProbeLock) { } }
                public void Reverse() { lock (ProbeLock) { lock ({|LD0001:NotifierChain.Rwsem|}) { } } }
            }
            """);

    [Fact]
    public void CallbackArrayInvokedByIndex()
        => Verify.Diagnostics("""
            using System;
            class Hotplug
            {
                public static readonly object CpuLock = new();
                static readonly Func<int, int>[] States = new Func<int, int>[4];
                public static void Setup(int state, Func<int, int> startup) => States[state] = startup;
                public static void Invoke(int state, int cpu) { lock (CpuLock) { States[state](cpu); } }
            }
            class Coretemp
            {
                static readonly object Devices = new();
                static void Init() => Hotplug.Setup(1, Online);
                static int Online(int cpu) { lock (Devices) { return cpu; } }
                static void Reverse() { lock (Devices) { lock ({|LD0001:Hotplug.CpuLock|}) { } } }
            }
            """);

    [Fact]
    public void CollectionInvokedAfterReleaseIsClean()
        => Verify.Diagnostics("""
            using System;
            using System.Collections.Generic;
            class NotifierChain
            {
                public static readonly object Rwsem = new();
                readonly List<Action> _notifiers = new();
                public void Register(Action notifier) { lock (Rwsem) { _notifiers.Add(notifier); } }
                public void CallChain()
                {
                    Action[] snapshot;
                    lock (Rwsem) { snapshot = _notifiers.ToArray(); }
                    foreach (var notifier in snapshot) notifier();
                }
            }
            class Iommu
            {
                static readonly object ProbeLock = new();
                public Iommu(NotifierChain chain) { chain.Register(OnBusEvent); }
                void OnBusEvent() { lock (ProbeLock) { } }
                void Reverse() { lock (ProbeLock) { lock (NotifierChain.Rwsem) { } } }
            }
            """);
}

/// <summary>Limitations found while modelling IommuCore, each now handled.</summary>
public class IommuCoreFindingsTests
{
    [Fact]
    public void DelegateChosenWithConditionalBindsBothArms()
        => Verify.Diagnostics("""
            using System;
            class Hotplug
            {
                static readonly object CpuLock = new(), Devices = new();
                readonly Action?[] _up = new Action?[4], _down = new Action?[4];
                public void Setup() { _up[0] = Online; _down[0] = Offline; }
                public void Invoke(bool up) { lock (CpuLock) { Action? callback = up ? _up[0] : _down[0]; callback?.Invoke(); } }
                void Online() { lock (Devices) { } }
                void Offline() { }
                public void Reverse() { lock (Devices) { lock ({|LD0001:CpuLock|}) { } } }
            }
            """);

    [Fact]
    public void InterfaceContractBindsTheImplementationsBody()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Group { public readonly KMutex Mutex = new(); [GuardedBy(nameof(Mutex))] public int Owners; }
            interface IOps { [RequiresLock("group.Mutex")] void Attach(Group group); }
            class Intel : IOps
            {
                public void Attach(Group group) => group.Owners++;
            }
            class Caller
            {
                void Good(IOps ops, Group group) { group.Mutex.Lock(); ops.Attach(group); group.Mutex.Unlock(); }
                void Bad(IOps ops, Group group) => {|LD0009:ops.Attach(group)|};
            }
            """);
}
