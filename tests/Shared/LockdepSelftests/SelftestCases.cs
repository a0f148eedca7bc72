namespace LockDiscipline.TestKit.LockdepSelftests;

/// <summary>The lock a selftest's generic <c>LOCK(x)</c> stands for: a column of lib/locking-selftest.c.</summary>
public enum SelftestLockType
{
    /// <summary><c>spin_lock</c>: <c>KSpinLock</c>.</summary>
    Spin,

    /// <summary><c>write_lock</c> of an <c>rwlock_t</c>: <c>KRwLock.WriteLock</c>.</summary>
    WLock,

    /// <summary><c>read_lock</c> of an <c>rwlock_t</c>, a recursive read: <c>KRwLock.ReadLock</c>.</summary>
    RLock,

    /// <summary><c>mutex_lock</c>: <c>KMutex</c>.</summary>
    Mutex,

    /// <summary><c>down_write</c>: <c>KRwSem.DownWrite</c>.</summary>
    WSem,

    /// <summary><c>down_read</c>, a read that is not recursive: <c>KRwSem.DownRead</c>.</summary>
    RSem,
}

/// <summary>Which interrupt the selftest's <c>IRQ_ENTER</c>/<c>IRQ_DISABLE</c> stand for.</summary>
public enum SelftestIrq
{
    None,
    Hard,
    Soft,
}

/// <summary>The selftests' lock-API shortcuts: the generic ones depend on the lock type, the rest name one API.</summary>
public enum SelftestOp
{
    /// <summary><c>LOCK(x)</c>/<c>UNLOCK(x)</c>: the case's lock type.</summary>
    Lock,
    Unlock,

    /// <c>L(x)</c>/<c>U(x)</c>: <c>spin_lock</c>.
    SpinLock,
    SpinUnlock,

    /// <c>RL(x)</c>/<c>RU(x)</c>, <c>WL(x)</c>/<c>WU(x)</c>: an <c>rwlock_t</c>.
    ReadLock,
    ReadUnlock,
    WriteLock,
    WriteUnlock,

    /// <c>ML(x)</c>/<c>MU(x)</c>: a mutex.
    MutexLock,
    MutexUnlock,

    /// <c>RSL(x)</c>/<c>RSU(x)</c>, <c>WSL(x)</c>/<c>WSU(x)</c>: an <c>rw_semaphore</c>.
    SemRead,
    SemReadUnlock,
    SemWrite,
    SemWriteUnlock,

    /// <summary><c>IRQ_DISABLE()</c>/<c>IRQ_ENABLE()</c>: the case's interrupt (<c>local_irq_*</c> or <c>local_bh_*</c>).</summary>
    IrqDisable,
    IrqEnable,

    /// <summary><c>HARDIRQ_DISABLE()</c>/<c>HARDIRQ_ENABLE()</c> whatever the case's interrupt.</summary>
    HardIrqDisable,
    HardIrqEnable,

    /// <summary><c>SOFTIRQ_DISABLE()</c>/<c>SOFTIRQ_ENABLE()</c> whatever the case's interrupt.</summary>
    SoftIrqDisable,
    SoftIrqEnable,
}

/// <summary>The C# primitive a selftest lock is (the kernel's <c>lock_A</c>, <c>rwlock_A</c>, <c>mutex_A</c>, <c>rwsem_A</c> are four locks).</summary>
public enum SelftestPrimitive
{
    KSpinLock,
    KRwLock,
    KMutex,
    KRwSem,
}

/// <summary>One lock operation of a selftest event, on the lock named by a letter (<c>A</c>, <c>X1</c>).</summary>
public sealed record SelftestStep(SelftestOp Op, string Letter);

/// <summary>
/// One event (the selftests' <c>E1()</c>, <c>E2()</c>, ...), run in process context or inside
/// <c>IRQ_ENTER</c>/<c>IRQ_EXIT</c>: the case's interrupt, unless <see cref="Irq"/> names one.
/// </summary>
public sealed record SelftestEvent(string Name, bool InIrq, IReadOnlyList<SelftestStep> Steps, SelftestIrq Irq = SelftestIrq.None)
{
    public SelftestIrq ContextIn(SelftestCase selftest) => Irq != SelftestIrq.None ? Irq : selftest.Irq;
}

/// <summary>
/// One selftest of lib/locking-selftest.c, for one lock type, interrupt and permutation of its events,
/// with the kernel's verdict and what LockDiscipline says at compile time (rule IDs) and at run time
/// (report kinds, by name so that this file needs no reference to the runtime).
/// </summary>
public sealed record SelftestCase(
    string Name,
    SelftestLockType Type,
    SelftestIrq Irq,
    IReadOnlyList<SelftestEvent> Events,
    bool KernelFailure,
    IReadOnlyList<string> CompileRules,
    IReadOnlyList<string> RuntimeKinds,
    string? Disagreement)
{
    public override string ToString() => Name;

    public SelftestOp Resolve(SelftestOp op) => (op, Type) switch
    {
        (SelftestOp.Lock, SelftestLockType.Spin) => SelftestOp.SpinLock,
        (SelftestOp.Unlock, SelftestLockType.Spin) => SelftestOp.SpinUnlock,
        (SelftestOp.Lock, SelftestLockType.WLock) => SelftestOp.WriteLock,
        (SelftestOp.Unlock, SelftestLockType.WLock) => SelftestOp.WriteUnlock,
        (SelftestOp.Lock, SelftestLockType.RLock) => SelftestOp.ReadLock,
        (SelftestOp.Unlock, SelftestLockType.RLock) => SelftestOp.ReadUnlock,
        (SelftestOp.Lock, SelftestLockType.Mutex) => SelftestOp.MutexLock,
        (SelftestOp.Unlock, SelftestLockType.Mutex) => SelftestOp.MutexUnlock,
        (SelftestOp.Lock, SelftestLockType.WSem) => SelftestOp.SemWrite,
        (SelftestOp.Unlock, SelftestLockType.WSem) => SelftestOp.SemWriteUnlock,
        (SelftestOp.Lock, SelftestLockType.RSem) => SelftestOp.SemRead,
        (SelftestOp.Unlock, SelftestLockType.RSem) => SelftestOp.SemReadUnlock,
        _ => op,
    };

    public static SelftestPrimitive PrimitiveOf(SelftestOp resolved) => resolved switch
    {
        SelftestOp.SpinLock or SelftestOp.SpinUnlock => SelftestPrimitive.KSpinLock,
        SelftestOp.ReadLock or SelftestOp.ReadUnlock or SelftestOp.WriteLock or SelftestOp.WriteUnlock => SelftestPrimitive.KRwLock,
        SelftestOp.MutexLock or SelftestOp.MutexUnlock => SelftestPrimitive.KMutex,
        _ => SelftestPrimitive.KRwSem,
    };

    /// <summary>The kernel's variable: <c>lock_A</c>, <c>rwlock_X1</c>.</summary>
    public static string LockName(SelftestPrimitive primitive, string letter) => Prefix(primitive) + "_" + letter;

    /// <summary>
    /// The class: the variable, except that <c>X1</c> and <c>X2</c> (likewise <c>Y</c>, <c>Z</c>) are two locks of one
    /// class, as the selftests' <c>init_shared_classes</c> makes them.
    /// </summary>
    public static string ClassName(SelftestPrimitive primitive, string letter)
        => Prefix(primitive) + "_" + (letter.Length == 2 && char.IsDigit(letter[1]) ? letter.Substring(0, 1) : letter);

    private static string Prefix(SelftestPrimitive primitive) => primitive switch
    {
        SelftestPrimitive.KSpinLock => "lock",
        SelftestPrimitive.KRwLock => "rwlock",
        SelftestPrimitive.KMutex => "mutex",
        _ => "rwsem",
    };
}
