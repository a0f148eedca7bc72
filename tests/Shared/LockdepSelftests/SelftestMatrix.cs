namespace LockDiscipline.TestKit.LockdepSelftests;

/// <summary>
/// lib/locking-selftest.c's matrix, ported: every family that has a C# equivalent, for each lock type,
/// interrupt and permutation the kernel runs, with the kernel's verdict (<c>dotest(..., FAILURE)</c> or
/// <c>SUCCESS</c>) and LockDiscipline's answer. The events are the kernel's, letter for letter, with one
/// change: an event that ends holding a lock (AA, the recursive-read cases) releases it afterwards, so that
/// the compile-time port is about the nesting, not also about a lock left held (LD0007).
/// </summary>
/// <remarks>
/// What is left out, and why, is <see cref="NotPorted"/>; the cases that are ported but where
/// LockDiscipline and the kernel disagree would be <see cref="Disagreements"/> (there are none).
/// </remarks>
public static class SelftestMatrix
{
    private const string Cycle = "LD0001";
    private const string Recursion = "LD0003";

    // Two locks of one class (X1 and X2) nested: lockdep cannot tell them apart and reports recursion; the
    // analyzer cannot either, and says so with LD0014 (a warning: the order is not knowable statically).
    private const string SameClass = "LD0014";
    private const string Unbalanced = "LD0007";
    private const string IrqState = "LD0004";
    private const string IrqOrder = "LD0005";

    private static readonly SelftestLockType[] AllTypes =
        { SelftestLockType.Spin, SelftestLockType.WLock, SelftestLockType.RLock, SelftestLockType.Mutex, SelftestLockType.WSem, SelftestLockType.RSem };

    private static readonly SelftestLockType[] IrqTypes = { SelftestLockType.Spin, SelftestLockType.WLock, SelftestLockType.RLock };

    /// <summary>Cases where LockDiscipline's answer differs from the kernel's, and why. Kept short and honest.</summary>
    public static IReadOnlyDictionary<string, string> Disagreements { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    // After Disagreements: static initialisers run in order.
    public static IReadOnlyList<SelftestCase> All { get; } = Build();

    private static SelftestStep S(SelftestOp op, string letter = "") => new(op, letter);

    private static SelftestStep[] LockUnlock2(string x, string y) =>
        new[] { S(SelftestOp.Lock, x), S(SelftestOp.Lock, y), S(SelftestOp.Unlock, y), S(SelftestOp.Unlock, x) };

    private static SelftestEvent E(string name, params SelftestStep[] steps) => new(name, false, steps);

    private static SelftestEvent Irq(string name, params SelftestStep[] steps) => new(name, true, steps);

    private static List<SelftestCase> Build()
    {
        var cases = new List<SelftestCase>();

        // DO_TESTCASE_6R: every column fails but rlock, whose recursive reads cannot deadlock.
        AddSixR(cases, "AA", "RecursiveLocking", SameClass, E("E", S(SelftestOp.Lock, "X1"), S(SelftestOp.Lock, "X2"), S(SelftestOp.Unlock, "X2"), S(SelftestOp.Unlock, "X1")));
        AddSixR(cases, "ABBA", "CircularDependency", Cycle, E("E", Concat(LockUnlock2("A", "B"), LockUnlock2("B", "A"))));
        AddSixR(cases, "ABBCCA", "CircularDependency", Cycle, E("E", Concat(LockUnlock2("A", "B"), LockUnlock2("B", "C"), LockUnlock2("C", "A"))));
        AddSixR(cases, "ABCABC", "CircularDependency", Cycle, E("E", Concat(LockUnlock2("A", "B"), LockUnlock2("C", "A"), LockUnlock2("B", "C"))));
        AddSixR(cases, "ABBCCDDA", "CircularDependency", Cycle, E("E", Concat(LockUnlock2("A", "B"), LockUnlock2("B", "C"), LockUnlock2("C", "D"), LockUnlock2("D", "A"))));
        AddSixR(cases, "ABCDBDDA", "CircularDependency", Cycle, E("E", Concat(LockUnlock2("A", "B"), LockUnlock2("C", "D"), LockUnlock2("B", "D"), LockUnlock2("D", "A"))));
        AddSixR(cases, "ABCDBCDA", "CircularDependency", Cycle, E("E", Concat(LockUnlock2("A", "B"), LockUnlock2("C", "D"), LockUnlock2("B", "C"), LockUnlock2("D", "A"))));

        // DO_TESTCASE_6: every column fails.
        foreach (var type in AllTypes)
        {
            cases.Add(Case("double_unlock_" + Column(type), type, SelftestIrq.None, new[] { E("E", S(SelftestOp.Lock, "A"), S(SelftestOp.Unlock, "A"), S(SelftestOp.Unlock, "A")) }, true, new[] { Unbalanced }, new[] { "BadUnlockBalance" }));
        }

        AddReadRecursion(cases);
        AddIrqCases(cases);
        AddHardIrqUnsafeSoftIrqSafe(cases);
        return cases;
    }

    private static void AddSixR(List<SelftestCase> cases, string family, string runtimeKind, string rule, SelftestEvent body)
    {
        foreach (var type in AllTypes)
        {
            var failure = type != SelftestLockType.RLock;
            cases.Add(Case(family + "_" + Column(type), type, SelftestIrq.None, new[] { body }, failure, failure ? new[] { rule } : Array.Empty<string>(), failure ? new[] { runtimeKind } : Array.Empty<string>()));
        }
    }

    /// <summary>The "recursive read-lock", "mixed read-write" and rlock W/R permutation tests, rwlock and rwsem columns.</summary>
    private static void AddReadRecursion(List<SelftestCase> cases)
    {
        static SelftestStep[] Pair(SelftestOp first, SelftestOp second, string x, string y, SelftestOp firstUnlock, SelftestOp secondUnlock)
            => new[] { S(first, x), S(second, y), S(secondUnlock, y), S(firstUnlock, x) };

        var rl = SelftestOp.ReadLock;
        var ru = SelftestOp.ReadUnlock;
        var wl = SelftestOp.WriteLock;
        var wu = SelftestOp.WriteUnlock;
        var rsl = SelftestOp.SemRead;
        var rsu = SelftestOp.SemReadUnlock;
        var wsl = SelftestOp.SemWrite;
        var wsu = SelftestOp.SemWriteUnlock;
        AddSingle(cases, "rlock_AA1", SelftestLockType.RLock, false, "RecursiveLocking", Recursion, E("E", Pair(rl, rl, "X1", "X1", ru, ru)));
        AddSingle(cases, "rsem_AA1", SelftestLockType.RSem, true, "RecursiveLocking", Recursion, E("E", Pair(rsl, rsl, "X1", "X1", rsu, rsu)));
        AddSingle(cases, "rlock_AA1B", SelftestLockType.RLock, false, "RecursiveLocking", SameClass, E("E", Pair(rl, rl, "X1", "X2", ru, ru)));
        AddSingle(cases, "rsem_AA1B", SelftestLockType.RSem, true, "RecursiveLocking", SameClass, E("E", Pair(rsl, rsl, "X1", "X2", rsu, rsu)));
        AddSingle(cases, "rlock_AA2", SelftestLockType.RLock, true, "RecursiveLocking", SameClass, E("E", Pair(rl, wl, "X1", "X2", ru, wu)));
        AddSingle(cases, "rsem_AA2", SelftestLockType.RSem, true, "RecursiveLocking", SameClass, E("E", Pair(rsl, wsl, "X1", "X2", rsu, wsu)));
        AddSingle(cases, "rlock_AA3", SelftestLockType.RLock, true, "RecursiveLocking", SameClass, E("E", Pair(wl, rl, "X1", "X2", wu, ru)));
        AddSingle(cases, "rsem_AA3", SelftestLockType.RSem, true, "RecursiveLocking", SameClass, E("E", Pair(wsl, rsl, "X1", "X2", wsu, rsu)));

        var l = SelftestOp.SpinLock;
        var u = SelftestOp.SpinUnlock;
        var ml = SelftestOp.MutexLock;
        var mu = SelftestOp.MutexUnlock;
        AddSingle(cases, "rlock_ABBA1", SelftestLockType.RLock, true, "CircularDependency", Cycle, E("E", Concat(Pair(rl, l, "X1", "Y1", ru, u), Pair(l, wl, "Y1", "X1", u, wu))));
        AddSingle(cases, "rwsem_ABBA1", SelftestLockType.RSem, true, "CircularDependency", Cycle, E("E", Concat(Pair(rsl, ml, "X1", "Y1", rsu, mu), Pair(ml, wsl, "Y1", "X1", mu, wsu))));
        AddSingle(cases, "rlock_ABBA2", SelftestLockType.RLock, false, "CircularDependency", Cycle, E("E", Concat(Pair(rl, l, "X1", "Y1", ru, u), Pair(l, rl, "Y1", "X1", u, ru))));
        AddSingle(cases, "rwsem_ABBA2", SelftestLockType.RSem, true, "CircularDependency", Cycle, E("E", Concat(Pair(rsl, ml, "X1", "Y1", rsu, mu), Pair(ml, rsl, "Y1", "X1", mu, rsu))));
        AddSingle(cases, "rlock_ABBA3", SelftestLockType.RLock, true, "CircularDependency", Cycle, E("E", Concat(Pair(wl, l, "X1", "Y1", wu, u), Pair(l, wl, "Y1", "X1", u, wu))));
        AddSingle(cases, "rwsem_ABBA3", SelftestLockType.RSem, true, "CircularDependency", Cycle, E("E", Concat(Pair(wsl, ml, "X1", "Y1", wsu, mu), Pair(ml, wsl, "Y1", "X1", mu, wsu))));
        AddSingle(cases, "rlock_chaincache_ABBA1", SelftestLockType.RLock, true, "CircularDependency", Cycle, E("E", Concat(Pair(rl, l, "X1", "Y1", ru, u), Pair(l, rl, "Y1", "X1", u, ru), Pair(l, wl, "Y1", "X1", u, wu))));

        // DO_TESTCASE_6x1RRB / 6x1RR: three-lock cycles of writers and recursive readers.
        AddPermutations(cases, "W1R2_W2R3_W3R1", SelftestLockType.RLock, SelftestIrq.None, true, new[] { Cycle }, new[] { "CircularDependency" },
            E("E1", Pair(wl, rl, "X1", "Y1", wu, ru)), E("E2", Pair(wl, rl, "Y1", "Z1", wu, ru)), E("E3", Pair(wl, rl, "Z1", "X1", wu, ru)));
        AddPermutations(cases, "W1W2_R2R3_W3R1", SelftestLockType.RLock, SelftestIrq.None, true, new[] { Cycle }, new[] { "CircularDependency" },
            E("E1", Pair(wl, wl, "X1", "Y1", wu, wu)), E("E2", Pair(rl, rl, "Y1", "Z1", ru, ru)), E("E3", Pair(wl, rl, "Z1", "X1", wu, ru)));
        AddPermutations(cases, "W1W2_R2R3_R3W1", SelftestLockType.RLock, SelftestIrq.None, false, Array.Empty<string>(), Array.Empty<string>(),
            E("E1", Pair(wl, wl, "X1", "Y1", wu, wu)), E("E2", Pair(rl, rl, "Y1", "Z1", ru, ru)), E("E3", Pair(rl, wl, "Z1", "X1", ru, wu)));
        AddPermutations(cases, "W1R2_R2R3_W3W1", SelftestLockType.RLock, SelftestIrq.None, false, Array.Empty<string>(), Array.Empty<string>(),
            E("E1", Pair(wl, rl, "X1", "Y1", wu, ru)), E("E2", Pair(rl, rl, "Y1", "Z1", ru, ru)), E("E3", Pair(wl, wl, "Z1", "X1", wu, wu)));
    }

    private static void AddIrqCases(List<SelftestCase> cases)
    {
        var lockA = S(SelftestOp.Lock, "A");
        var unlockA = S(SelftestOp.Unlock, "A");
        var lockB = S(SelftestOp.Lock, "B");
        var unlockB = S(SelftestOp.Unlock, "B");
        var irqOff = S(SelftestOp.IrqDisable);
        var irqOn = S(SelftestOp.IrqEnable);

        foreach (var irq in new[] { SelftestIrq.Hard, SelftestIrq.Soft })
        {
            var h = irq == SelftestIrq.Hard ? "hard" : "soft";
            foreach (var type in IrqTypes)
            {
                // DO_TESTCASE_3 (and 3RW): spin and wlock fail, rlock does not.
                var failure = type != SelftestLockType.RLock;
                string[] Rules(params string[] rules) => failure ? rules : Array.Empty<string>();
                string[] Kinds(params string[] kinds) => failure ? kinds : Array.Empty<string>();
                var column = Column(type);

                // irqs-on + irq-safe-A
                AddPermutations(cases, $"irqsafe1_{h}_{column}", type, irq, failure, Rules(IrqState), Kinds("InconsistentLockState"),
                    Irq("E1", lockA, unlockA), E("E2", lockA, unlockA));

                // safe-A + irqs-on: interrupts switched back on while A is held.
                AddPermutations(cases, $"irqsafe2B_{h}_{column}", type, irq, failure, Rules(IrqState), Kinds("InconsistentLockState"),
                    Irq("E1", lockA, unlockA), E("E2", irqOff, lockA, irqOn, unlockA));

                // safe-A + unsafe-B #1: A is also taken with interrupts on, so it is inconsistent by itself too.
                AddPermutations(cases, $"irqsafe3_{h}_{column}", type, irq, failure, Rules(IrqState, IrqOrder), Kinds("InconsistentLockState", "IrqSafeToUnsafeOrder", "IrqLockInversion"),
                    E("E1", lockA, lockB, unlockB, unlockA), E("E2", lockB, unlockB), Irq("E3", lockA, unlockA));

                // safe-A + unsafe-B #2
                AddPermutations(cases, $"irqsafe4_{h}_{column}", type, irq, failure, Rules(IrqOrder), Kinds("IrqSafeToUnsafeOrder", "IrqLockInversion"),
                    E("E1", irqOff, lockA, lockB, unlockB, unlockA, irqOn), E("E2", lockB, unlockB), Irq("E3", lockA, unlockA));

                // irq lock-inversion: A written with interrupts off, read in the interrupt; B unsafe.
                AddPermutations(cases, $"irq_inversion_{h}_{column}", type, irq, failure, Rules(IrqOrder), Kinds("IrqSafeToUnsafeOrder", "IrqLockInversion"),
                    E("E1", irqOff, S(SelftestOp.WriteLock, "A"), lockB, unlockB, S(SelftestOp.WriteUnlock, "A"), irqOn), E("E2", lockB, unlockB), Irq("E3", S(SelftestOp.ReadLock, "A"), S(SelftestOp.ReadUnlock, "A")));
            }

            foreach (var type in new[] { SelftestLockType.WLock, SelftestLockType.RLock })
            {
                // DO_TESTCASE_2RW: wlock fails, rlock does not.
                var failure = type == SelftestLockType.WLock;
                string[] Rules(params string[] rules) => failure ? rules : Array.Empty<string>();
                string[] Kinds(params string[] kinds) => failure ? kinds : Array.Empty<string>();
                var column = Column(type);
                var rlA = S(SelftestOp.ReadLock, "A");
                var ruA = S(SelftestOp.ReadUnlock, "A");

                AddPermutations(cases, $"irq_read_recursion_{h}_{column}", type, irq, failure, Rules(IrqState), Kinds("InconsistentLockState"),
                    E("E1", irqOff, S(SelftestOp.WriteLock, "A"), S(SelftestOp.WriteUnlock, "A"), irqOn),
                    E("E2", rlA, ruA),
                    Irq("E3", lockA, S(SelftestOp.SpinLock, "B"), S(SelftestOp.SpinUnlock, "B"), unlockA));

                AddPermutations(cases, $"irq_read_recursion2_{h}_{column}", type, irq, failure, Rules(IrqOrder), Kinds("IrqSafeToUnsafeOrder", "IrqLockInversion"),
                    E("E1", irqOff, S(SelftestOp.SpinLock, "B"), lockA, unlockA, S(SelftestOp.SpinUnlock, "B"), irqOn),
                    E("E2", rlA, ruA),
                    Irq("E3", S(SelftestOp.SpinLock, "B"), S(SelftestOp.SpinUnlock, "B")));

                AddPermutations(cases, $"irq_read_recursion3_{h}_{column}", type, irq, failure, Rules(IrqOrder), Kinds("IrqSafeToUnsafeOrder", "IrqLockInversion"),
                    E("E1", irqOff, S(SelftestOp.WriteLock, "B"), lockA, unlockA, S(SelftestOp.WriteUnlock, "B"), irqOn),
                    E("E2", rlA, ruA),
                    Irq("E3", S(SelftestOp.ReadLock, "B"), S(SelftestOp.ReadUnlock, "B")));
            }
        }

        // sirq-safe-A => hirqs-on (DO_TESTCASE_2x3): A softirq-safe, hard interrupts switched on while it is held.
        foreach (var type in IrqTypes)
        {
            var failure = type != SelftestLockType.RLock;
            AddPermutations(cases, "irqsafe2A_" + Column(type), type, SelftestIrq.Soft, failure, failure ? new[] { IrqState } : Array.Empty<string>(), failure ? new[] { "InconsistentLockState" } : Array.Empty<string>(),
                Irq("E1", lockA, unlockA), E("E2", S(SelftestOp.HardIrqDisable), lockA, S(SelftestOp.HardIrqEnable), unlockA));
        }
    }

    /// <summary>
    /// <c>hardirq_deadlock_softirq_not_deadlock</c> (LOCKTYPE_SPECIAL): mutex_A -> lock_C -> lock_D is
    /// softirq-unsafe to softirq-safe, no deadlock; lock_A -> lock_B -> lock_C -> lock_D is hardirq-safe
    /// to hardirq-unsafe (lock_D is taken with only bottom halves off), a deadlock.
    /// </summary>
    private static void AddHardIrqUnsafeSoftIrqSafe(List<SelftestCase> cases)
    {
        var hardOff = S(SelftestOp.HardIrqDisable);
        var hardOn = S(SelftestOp.HardIrqEnable);
        SelftestStep L(string x) => S(SelftestOp.SpinLock, x);
        SelftestStep U(string x) => S(SelftestOp.SpinUnlock, x);
        var events = new[]
        {
            E("MutexThenC", S(SelftestOp.MutexLock, "A"), hardOff, L("C"), U("C"), hardOn, S(SelftestOp.MutexUnlock, "A")),
            new SelftestEvent("HardIrqA", true, new[] { L("A"), U("A") }, SelftestIrq.Hard),
            E("AThenB", hardOff, L("A"), L("B"), U("B"), U("A"), hardOn),
            E("BThenC", hardOff, L("B"), L("C"), U("C"), U("B"), hardOn),
            new SelftestEvent("SoftIrqD", true, new[] { L("D"), U("D") }, SelftestIrq.Soft),
            E("DWithBhOff", S(SelftestOp.SoftIrqDisable), L("D"), U("D"), S(SelftestOp.SoftIrqEnable)),
            E("CThenD", hardOff, L("C"), L("D"), U("D"), U("C"), hardOn),
        };
        cases.Add(Case("hardirq_deadlock_softirq_not_deadlock", SelftestLockType.Spin, SelftestIrq.None, events, true, new[] { IrqOrder }, new[] { "IrqSafeToUnsafeOrder", "IrqLockInversion" }));
    }

    /// <summary>
    /// The rest of lib/locking-selftest.c, and why it has no case here: each cannot agree or cannot be
    /// written in C#.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotPorted { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["init_held"] = "re-initialising a held lock: a C# lock is initialised by its constructor, and storing a new object in the field is not an operation on the held one",
        ["*_rtmutex"] = "no rt_mutex primitive",
        ["ww_*"] = "no wound/wait mutex primitive",
        ["local_lock_*"] = "no local_lock primitive",
        ["wait context tests"] = "no raw_spinlock/RCU wait types (CONFIG_PROVE_RAW_LOCK_NESTING)",
        ["queued_read_lock_*"] = "run with force_read_lock_recursive = 0: a queued rwlock's read_lock in process context is not recursive there; KRwLock readers are always recursive, so these three would not all agree (a reader re-reading in process context while a writer queues is not reported)",
        ["fs_reclaim_*"] = "no memory-reclaim context",
        ["lockdep_set_subclass_name"] = "a lockdep naming detail with no C# counterpart",
    };

    private static void AddSingle(List<SelftestCase> cases, string name, SelftestLockType type, bool failure, string runtimeKind, string rule, SelftestEvent body)
        => cases.Add(Case(name, type, SelftestIrq.None, new[] { body }, failure, failure ? new[] { rule } : Array.Empty<string>(), failure ? new[] { runtimeKind } : Array.Empty<string>()));

    private static void AddPermutations(List<SelftestCase> cases, string name, SelftestLockType type, SelftestIrq irq, bool failure, string[] rules, string[] kinds, params SelftestEvent[] events)
    {
        var orders = events.Length == 2
            ? new[] { "12", "21" }
            : new[] { "123", "132", "213", "231", "312", "321" };
        foreach (var order in orders)
        {
            var ordered = order.Select(digit => events[digit - '1']).ToArray();
            cases.Add(Case(name + "_" + order, type, irq, ordered, failure, rules, kinds));
        }
    }

    private static SelftestCase Case(string name, SelftestLockType type, SelftestIrq irq, IReadOnlyList<SelftestEvent> events, bool kernelFailure, string[] rules, string[] kinds)
        => new(name, type, irq, events, kernelFailure, rules, kinds, Disagreements.TryGetValue(name, out var why) ? why : null);

    private static string Column(SelftestLockType type) => type switch
    {
        SelftestLockType.Spin => "spin",
        SelftestLockType.WLock => "wlock",
        SelftestLockType.RLock => "rlock",
        SelftestLockType.Mutex => "mutex",
        SelftestLockType.WSem => "wsem",
        _ => "rsem",
    };

    private static SelftestStep[] Concat(params SelftestStep[][] parts) => parts.SelectMany(part => part).ToArray();
}
