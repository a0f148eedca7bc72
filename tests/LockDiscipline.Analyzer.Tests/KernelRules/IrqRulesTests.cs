using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0004, inconsistent lock state: a class taken in an interrupt context and also with that interrupt
/// enabled. Entry contexts come from the call graph: an IRQ handler and everything it calls run in its
/// context with interrupts off; a method nothing calls is a process-context entry point with
/// interrupts on; calls made with interrupts off pass that on.
/// </summary>
public class InconsistentLockStateTests
{
    [Fact]
    public void HardIrqHandlerAndProcessContextTakeThePlainLock()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _lock = new();
                [HardIrqContext] void Handler() { {|LD0004:_lock.Lock()|}; _lock.Unlock(); }
                public void Poll() { _lock.Lock(); _lock.Unlock(); }
            }
            """).Single();
        Assert.Equal(
            "inconsistent lock state: inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage: 'Dev._lock' is taken in hard-IRQ context here (Dev.Handler), "
            + "and with hard IRQs enabled at File0.cs:6 (Dev.Poll); an interrupt arriving while that holder has the lock spins on it forever",
            diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:6 [_lock.Lock()]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void SoftIrqHandlerAndProcessContextTakeThePlainLock()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KSpinLock _queue = new();
                [SoftIrqContext] void RxAction() { {|LD0004:_queue.Lock()|}; _queue.Unlock(); }
                public void Enqueue() { _queue.Lock(); _queue.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.StartsWith(
            "inconsistent lock state: inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage: 'Net._queue' is taken in soft-IRQ context here (Net.RxAction), "
            + "and with soft IRQs enabled at File0.cs:6 (Net.Enqueue); ",
            message);
    }

    [Fact]
    public void SoftIrqLockTakenWithBottomHalvesOrAllInterruptsOffIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KSpinLock _queue = new();
                [SoftIrqContext] void RxAction() { _queue.Lock(); _queue.Unlock(); }
                public void Enqueue() { _queue.LockBh(); _queue.UnlockBh(); }
                public void Drain() { var flags = _queue.LockIrqSave(); _queue.UnlockIrqRestore(flags); }
                public void Purge() { Irq.LocalBhDisable(); _queue.Lock(); _queue.Unlock(); Irq.LocalBhEnable(); }
            }
            """);

    [Fact]
    public void DisablingBottomHalvesDoesNotProtectAgainstAHardIrq()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Timer
            {
                readonly KSpinLock _base = new();
                [HardIrqContext] void Tick() { {|LD0004:_base.Lock()|}; _base.Unlock(); }
                public void Add() { _base.LockBh(); _base.UnlockBh(); }
            }
            """).Single();
        Assert.Contains("{HARDIRQ-ON-W} -> {IN-HARDIRQ-W}", diagnostic.GetMessage());
        Assert.Contains("with hard IRQs enabled at File0.cs:6 (Timer.Add)", diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:6 [_base.LockBh()]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void SoftIrqRunsWithHardIrqsOn()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Nic
            {
                readonly KSpinLock _ring = new();
                [HardIrqContext] void Interrupt() { {|LD0004:_ring.Lock()|}; _ring.Unlock(); }
                [SoftIrqContext] void Poll() { _ring.Lock(); _ring.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("'Nic._ring' is taken in hard-IRQ context here (Nic.Interrupt), and with hard IRQs enabled at File0.cs:6 (Nic.Poll)", message);
    }

    [Fact]
    public void EveryWayOfTurningHardIrqsOffIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Timer
            {
                readonly KSpinLock _base = new();
                [HardIrqContext] void Tick() { _base.Lock(); _base.Unlock(); }
                public void Add() { var flags = Irq.LocalIrqSave(); _base.Lock(); _base.Unlock(); Irq.LocalIrqRestore(flags); }
                public void Del() { Irq.LocalIrqDisable(); Update(); Irq.LocalIrqEnable(); }
                public void Mod() { _base.LockIrq(); _base.UnlockIrq(); }
                public void Scoped() { using (_base.GuardIrqSave()) { } }
                void Update() { _base.Lock(); _base.Unlock(); }
            }
            """);

    [Fact]
    public void CallAfterInterruptsAreRestoredRunsWithThemOn()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Timer
            {
                readonly KSpinLock _base = new();
                [HardIrqContext] void Tick() => Expire();
                void Expire() { {|LD0004:_base.Lock()|}; _base.Unlock(); }
                public void Del() { var flags = Irq.LocalIrqSave(); Irq.LocalIrqRestore(flags); Expire(); }
            }
            """).Single().GetMessage();
        Assert.Contains("is taken in hard-IRQ context here (Timer.Tick -> Timer.Expire), and with hard IRQs enabled at File0.cs:6 (Timer.Del -> Timer.Expire)", message);
    }

    [Fact]
    public void CallMadeUnderAnIrqSavingLockPassesInterruptsOffOn()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KSpinLock _queue = new();
                readonly KSpinLock _dev = new();
                [HardIrqContext] void Interrupt() { _queue.Lock(); _queue.Unlock(); }
                public void Timeout() { using (_dev.GuardIrqSave()) { Enqueue(); } }
                public void Xmit() { var flags = _dev.LockIrqSave(); Enqueue(); _dev.UnlockIrqRestore(flags); }
                void Enqueue() { _queue.Lock(); _queue.Unlock(); }
            }
            """);

    [Fact]
    public void MethodOnlyAnIrqHandlerCallsIsNoProcessContextEntry()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _lock = new();
                [HardIrqContext] void Handler() => Helper();
                void Helper() { _lock.Lock(); _lock.Unlock(); }
            }
            """);

    [Fact]
    public void SharedAcquisitionInIrqIsReportedAsRead()
    {
        // A rwsem in a hard-IRQ handler also sleeps there: both rules report the same acquisition.
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KRwSem _sem = new();
                [HardIrqContext] void Handler() { {|LD0004:{|LD0006:_sem.DownRead()|}|}; _sem.UpRead(); }
                public void Reconfigure() { _sem.DownWrite(); _sem.UpWrite(); }
            }
            """);
        Assert.Contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-R} usage: 'Dev._sem'", diagnostics.Only("LD0004").GetMessage());
        Assert.Contains("but Dev.Handler is a hard-IRQ handler", diagnostics.Only("LD0006").GetMessage());
    }

    [Fact]
    public void SharedAcquisitionWithIrqsOnIsReportedAsRead()
    {
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KRwSem _sem = new();
                [HardIrqContext] void Handler() { {|LD0004:{|LD0006:_sem.DownWrite()|}|}; _sem.UpWrite(); }
                public void Walk() { _sem.DownRead(); _sem.UpRead(); }
            }
            """);
        Assert.Contains("inconsistent {HARDIRQ-ON-R} -> {IN-HARDIRQ-W} usage: 'Dev._sem'", diagnostics.Only("LD0004").GetMessage());
    }

    [Fact]
    public void TryLockInAHandlerStillMarksTheClassUsedInIrq()
    {
        // lockdep marks usage bits for trylocks too (mark_usage runs for every acquisition); only the
        // dependency on the held locks is skipped, since a trylock cannot wait.
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _lock = new();
                [HardIrqContext] void Handler() { if ({|LD0004:_lock.TryLock()|}) _lock.Unlock(); }
                public void Poll() { _lock.Lock(); _lock.Unlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("'Dev._lock' is taken in hard-IRQ context here (Dev.Handler), and with hard IRQs enabled at File0.cs:6 (Dev.Poll)", message);
    }

    [Fact]
    public void LockMapsGetNoUsageBits()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KLockMap _map = new();
                [HardIrqContext] void Handler() { _map.Acquire(); _map.Release(); }
                public void Flush() { _map.Acquire(); _map.Release(); }
            }
            """);

    [Fact]
    public void ThroughAnInterfaceCall()
    {
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            interface IChip { void Ack(); }
            sealed class Gic : IChip
            {
                readonly KSpinLock _lock = new();
                public void Ack() { {|LD0004:_lock.Lock()|}; _lock.Unlock(); }
            }
            class Desc
            {
                readonly IChip _chip = new Gic();
                [HardIrqContext] void Handle() => _chip.Ack();
                public void Setup() => _chip.Ack();
            }
            """).Single().GetMessage();
        Assert.Contains("'Gic._lock' is taken in hard-IRQ context here (Desc.Handle -> Gic.Ack), and with hard IRQs enabled at File0.cs:6 (Desc.Setup -> Gic.Ack)", message);
    }

    [Fact]
    public void ThroughAVirtualCallFromASoftIrq()
        => Verify.Diagnostics("""
            using LockDiscipline;
            abstract class Work { public abstract void Run(); }
            sealed class Blk : Work
            {
                readonly KSpinLock _lock = new();
                public override void Run() { {|LD0004:_lock.Lock()|}; _lock.Unlock(); }
            }
            class Core
            {
                readonly Work _work = new Blk();
                [SoftIrqContext] void Softirq() => _work.Run();
                public void Kick() => _work.Run();
            }
            """);

    [Fact]
    public void ThroughAStoredDelegate()
    {
        var message = Verify.Diagnostics("""
            using System;
            using LockDiscipline;
            class Stats
            {
                readonly KSpinLock _lock = new();
                public void Count() { {|LD0004:_lock.Lock()|}; _lock.Unlock(); }
            }
            class Line
            {
                readonly Action _handler;
                public Line(Stats stats) { _handler = stats.Count; }
                [HardIrqContext] void Fire() => _handler();
                public void Report(Stats stats) => stats.Count();
            }
            """).Single().GetMessage();
        Assert.Contains("(Line.Fire -> Stats.Count), and with hard IRQs enabled at File0.cs:6 (Line.Report -> Stats.Count)", message);
    }

    [Fact]
    public void WorkHandedToAThreadIsAProcessContextEntry()
    {
        var message = Verify.Diagnostics("""
            using System.Threading.Tasks;
            using LockDiscipline;
            class Nic
            {
                readonly KSpinLock _ring = new();
                [HardIrqContext] void Interrupt() { {|LD0004:_ring.Lock()|}; _ring.Unlock(); }
                public void Start() { Task.Run(() => { _ring.Lock(); _ring.Unlock(); }); }
            }
            """).Single().GetMessage();
        Assert.Contains("with hard IRQs enabled at File0.cs:7 (lambda in Nic.Start)", message);
    }

    [Fact]
    public void LockClassSharedByTwoMembersIsOneClass()
        => Assert.Contains(
            "'&k->k_lock' is taken in hard-IRQ context here",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Klist
                {
                    [LockClass("&k->k_lock")] public readonly KSpinLock Lock = new();
                }
                class Bus
                {
                    [LockClass("&k->k_lock")] readonly KSpinLock _devices = new();
                    readonly Klist _drivers = new();
                    [HardIrqContext] void Fault() { {|LD0004:_drivers.Lock.Lock()|}; _drivers.Lock.Unlock(); }
                    public void Add() { _devices.Lock(); _devices.Unlock(); }
                }
                """).Single().GetMessage());
}

/// <summary>
/// LD0005, IRQ-safe -> IRQ-unsafe: a class used in interrupt context held while a class taken with
/// that interrupt enabled is acquired, along any chain of dependencies; reported at the acquisition
/// of the IRQ-unsafe class that ends the chain.
/// </summary>
public class IrqSafeToUnsafeOrderTests
{
    [Fact]
    public void HardIrqSafeHeldWhileTakingHardIrqUnsafe()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Driver
            {
                readonly KSpinLock _irqLock = new();
                readonly KSpinLock _plain = new();
                [HardIrqContext] void Handler() { _irqLock.Lock(); _irqLock.Unlock(); }
                void Configure() { var flags = _irqLock.LockIrqSave(); {|LD0005:_plain.Lock()|}; _plain.Unlock(); _irqLock.UnlockIrqRestore(flags); }
                void Poll() { _plain.Lock(); _plain.Unlock(); }
            }
            """).Single();
        Assert.Equal(
            "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected: 'Driver._plain' (HARDIRQ-unsafe: taken with IRQs enabled at File0.cs:8) is acquired while "
            + "'Driver._irqLock' (HARDIRQ-safe: taken in interrupt context at File0.cs:6, Driver.Handler) is held, along 'Driver._irqLock' -> 'Driver._plain'",
            diagnostic.GetMessage());
        Assert.Equal(
            new[] { "File0.cs:6 [_irqLock.Lock()]", "File0.cs:8 [_plain.Lock()]", "File0.cs:7 [_irqLock.LockIrqSave()]" },
            Sites.Additional(diagnostic));
    }

    [Fact]
    public void UnsafeLockAlwaysTakenWithIrqsOffIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Driver
            {
                readonly KSpinLock _irqLock = new();
                readonly KSpinLock _plain = new();
                [HardIrqContext] void Handler() { _irqLock.Lock(); _irqLock.Unlock(); }
                void Configure() { var flags = _irqLock.LockIrqSave(); _plain.Lock(); _plain.Unlock(); _irqLock.UnlockIrqRestore(flags); }
                void Poll() { var flags = _plain.LockIrqSave(); _plain.UnlockIrqRestore(flags); }
            }
            """);

    [Fact]
    public void SoftIrqSafeHeldWhileTakingSoftIrqUnsafe()
        => Assert.StartsWith(
            "SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected: 'Net._unsafe' (SOFTIRQ-unsafe: taken with IRQs enabled at File0.cs:8) is acquired while 'Net._safe' (SOFTIRQ-safe: ",
            Verify.Diagnostics("""
                using LockDiscipline;
                class Net
                {
                    readonly KSpinLock _safe = new();
                    readonly KSpinLock _unsafe = new();
                    [SoftIrqContext] void Rx() { _safe.Lock(); _safe.Unlock(); }
                    void Tx() { _safe.LockBh(); {|LD0005:_unsafe.Lock()|}; _unsafe.Unlock(); _safe.UnlockBh(); }
                    void Stats() { _unsafe.Lock(); _unsafe.Unlock(); }
                }
                """).Single().GetMessage());

    [Fact]
    public void AlongAChainOfDependencies()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Driver
            {
                readonly KSpinLock _a = new();
                readonly KSpinLock _b = new();
                readonly KSpinLock _c = new();
                [HardIrqContext] void Handler() { _a.Lock(); _a.Unlock(); }
                void First() { var f = _a.LockIrqSave(); _b.Lock(); _b.Unlock(); _a.UnlockIrqRestore(f); }
                void Second() { var f = _b.LockIrqSave(); {|LD0005:_c.Lock()|}; _c.Unlock(); _b.UnlockIrqRestore(f); }
                void Third() { _c.Lock(); _c.Unlock(); }
            }
            """).Single();
        Assert.EndsWith("along 'Driver._a' -> 'Driver._b' -> 'Driver._c'", diagnostic.GetMessage());
        Assert.Contains("File0.cs:8 [_a.LockIrqSave()]", Sites.Additional(diagnostic));
        Assert.Contains("File0.cs:9 [_b.LockIrqSave()]", Sites.Additional(diagnostic));
    }

    [Fact]
    public void ThroughAnInterfaceCallWithSleepingAndInconsistentStateToo()
    {
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            public interface IIrqChip { void Ack(); void Configure(); }
            public sealed class Gic : IIrqChip
            {
                [LockClass("gic_lock")] readonly KSpinLock _lock = new();
                readonly KMutex _cfg = new();
                public void Ack() { {|LD0004:_lock.Lock()|}; _lock.Unlock(); }
                public void Configure() { _lock.Lock(); {|LD0005:{|LD0006:_cfg.Lock()|}|}; _cfg.Unlock(); _lock.Unlock(); }
            }
            public sealed class IrqDesc
            {
                readonly IIrqChip _chip = new Gic();
                [HardIrqContext] void HandleLevel() => _chip.Ack();
                public void Setup() => _chip.Configure();
            }
            """);
        Assert.Contains("'gic_lock' (HARDIRQ-safe: taken in interrupt context at File0.cs:7, IrqDesc.HandleLevel -> Gic.Ack) is held", diagnostics.Only("LD0005").GetMessage());
        Assert.Contains("'gic_lock' is taken in hard-IRQ context here (IrqDesc.HandleLevel -> Gic.Ack)", diagnostics.Only("LD0004").GetMessage());
        Assert.Contains("acquiring 'Gic._cfg' (KMutex) may sleep, but 'gic_lock' (a spinlock) is held (since File0.cs:8)", diagnostics.Only("LD0006").GetMessage());
    }

    [Fact]
    public void ThroughAStoredDelegateAndACall()
        => Assert.Contains(
            "'stats_lock' (HARDIRQ-unsafe: taken with IRQs enabled at File0.cs:6) is acquired while 'nic_lock' (HARDIRQ-safe: taken in interrupt context at File0.cs:15, Nic.Interrupt -> Nic.Receive) is held",
            Verify.Diagnostics("""
                using System;
                using LockDiscipline;
                public sealed class Stats
                {
                    [LockClass("stats_lock")] readonly KSpinLock _lock = new();
                    public void Bump() { {|LD0005:_lock.Lock()|}; _lock.Unlock(); }
                }
                public sealed class Nic
                {
                    [LockClass("nic_lock")] readonly KSpinLock _lock = new();
                    readonly Action _onRx;
                    readonly Stats _stats;
                    public Nic(Stats stats) { _stats = stats; _onRx = Receive; }
                    [HardIrqContext] void Interrupt() => _onRx();
                    void Receive() { _lock.Lock(); _lock.Unlock(); }
                    public void Reset() { var f = _lock.LockIrqSave(); _stats.Bump(); _lock.UnlockIrqRestore(f); }
                    public void Report() => _stats.Bump();
                }
                """).Single().GetMessage());

    [Fact]
    public void LockMapHeldInIrqMakesNothingIrqSafe()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KLockMap _map = new();
                readonly KSpinLock _plain = new();
                [HardIrqContext] void Handler() { _map.Acquire(); _map.Release(); }
                void Flush() { _map.Acquire(); _plain.Lock(); _plain.Unlock(); _map.Release(); }
            }
            """);
}

/// <summary>
/// Interrupts switched back on while a lock is held (<c>Irq.LocalIrqEnable</c>, <c>LocalBhEnable</c>, the
/// <c>UnlockIrq</c> of another lock) are a use of the held class with them enabled, as lockdep marks held
/// locks on <c>local_irq_enable</c> (selftests irqsafe2A and irqsafe2B); and a reader in an interrupt only
/// conflicts with a writer (<c>KRwLock</c>, selftests irqsafe1 rlock and irq_read_recursion).
/// </summary>
public class IrqsEnabledWhileHeldTests
{
    [Fact]
    public void LocalIrqEnableWhileHoldingAnIrqSafeLock()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _lock = new();
                [HardIrqContext] void Handler() { {|LD0004:_lock.Lock()|}; _lock.Unlock(); }
                public void Poll() { Irq.LocalIrqDisable(); _lock.Lock(); Irq.LocalIrqEnable(); _lock.Unlock(); }
            }
            """).Single();
        Assert.Contains("{HARDIRQ-ON-W} -> {IN-HARDIRQ-W}", diagnostic.GetMessage());
        Assert.Contains("held when hard IRQs are switched back on at File0.cs:6 (Dev.Poll)", diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:6 [Irq.LocalIrqEnable()]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void LocalBhEnableWhileHoldingASoftIrqSafeLock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KSpinLock _queue = new();
                [SoftIrqContext] void RxAction() { {|LD0004:_queue.Lock()|}; _queue.Unlock(); }
                public void Enqueue() { Irq.LocalBhDisable(); _queue.Lock(); Irq.LocalBhEnable(); _queue.Unlock(); }
            }
            """);

    [Fact]
    public void UnlockIrqOfAnotherLockTurnsInterruptsOnUnderTheFirst()
    {
        // spin_unlock_irq is local_irq_enable, not a restore: under _outer, interrupts are on again.
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _outer = new(), _inner = new();
                [HardIrqContext] void Handler() { {|LD0004:_outer.Lock()|}; _outer.Unlock(); }
                public void Poll()
                {
                    var flags = _outer.LockIrqSave();
                    _inner.LockIrq();
                    _inner.UnlockIrq();
                    _outer.UnlockIrqRestore(flags);
                }
            }
            """).Single();
        Assert.Equal(new[] { "File0.cs:10 [_inner.UnlockIrq()]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void SwitchingInterruptsBackOnAfterTheReleaseIsClean()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _lock = new();
                [HardIrqContext] void Handler() { _lock.Lock(); _lock.Unlock(); }
                public void Poll() { Irq.LocalIrqDisable(); _lock.Lock(); _lock.Unlock(); Irq.LocalIrqEnable(); }
                public void Drain() { _lock.LockIrq(); _lock.UnlockIrq(); }
            }
            """);

    [Fact]
    public void HardIrqsOnUnderASoftIrqSafeLockEnableSoftIrqsToo()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KSpinLock _queue = new();
                [SoftIrqContext] void RxAction() { {|LD0004:_queue.Lock()|}; _queue.Unlock(); }
                public void Enqueue() { Irq.LocalIrqDisable(); _queue.Lock(); Irq.LocalIrqEnable(); _queue.Unlock(); }
            }
            """);

    [Fact]
    public void ReadersInAndOutOfTheInterruptDoNotConflictButAWriterDoes()
    {
        var diagnostic = Verify.Diagnostics("""
            using LockDiscipline;
            class Tasklist
            {
                readonly KRwLock _tasks = new(), _files = new();
                [HardIrqContext] void Signal() { _tasks.ReadLock(); _tasks.ReadUnlock(); {|LD0004:_files.ReadLock()|}; _files.ReadUnlock(); }
                public void Show() { _tasks.ReadLock(); _tasks.ReadUnlock(); }
                public void Close() { _files.WriteLock(); _files.WriteUnlock(); }
                public void Fork() { _tasks.WriteLockIrq(); _tasks.WriteUnlockIrq(); }
            }
            """).Single();
        Assert.Contains("{HARDIRQ-ON-W} -> {IN-HARDIRQ-R}", diagnostic.GetMessage());
    }
}

/// <summary><c>KRwLock</c>'s IRQ-saving scopes keep interrupts off for what they cover, as <c>KSpinLock.GuardIrqSave</c> does.</summary>
public class RwLockIrqSaveGuardTests
{
    [Fact]
    public void IrqSaveScopesKeepTheLockIrqSafe()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Tasklist
            {
                readonly KRwLock _tasks = new();
                [HardIrqContext] void Signal() { _tasks.WriteLock(); _tasks.WriteUnlock(); }
                public void Show() { using (_tasks.ReadGuardIrqSave()) { } }
                public void Fork() { using (_tasks.WriteGuardIrqSave()) { } }
            }
            """);

    [Fact]
    public void APlainReadScopeMakesItInconsistent()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Tasklist
            {
                readonly KRwLock _tasks = new();
                [HardIrqContext] void Signal() { {|LD0004:_tasks.WriteLock()|}; _tasks.WriteUnlock(); }
                public void Exit() { using (_tasks.ReadGuard()) { } }
            }
            """);
}
