namespace LockDiscipline
{
    /// <summary>The problem a <see cref="LockdepReport"/> is about.</summary>
    public enum LockdepReportKind
    {
        /// <summary><c>WARNING: possible circular locking dependency detected</c>: a new dependency closes a cycle of lock classes.</summary>
        CircularDependency,

        /// <summary><c>WARNING: possible recursive locking detected</c>: a class is acquired while a lock of the same class is held.</summary>
        RecursiveLocking,

        /// <summary><c>WARNING: inconsistent lock state</c>: a class used in an IRQ handler is also taken with that IRQ enabled, or the reverse.</summary>
        InconsistentLockState,

        /// <summary><c>WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected</c> (or SOFTIRQ): a new dependency leads from an IRQ-safe class to an IRQ-unsafe one.</summary>
        IrqSafeToUnsafeOrder,

        /// <summary><c>WARNING: possible irq lock inversion dependency detected</c>: a class changed its IRQ usage so that an existing dependency now leads from IRQ-safe to IRQ-unsafe.</summary>
        IrqLockInversion,

        /// <summary><c>WARNING: bad unlock balance detected!</c>: a lock is released by a thread that does not hold it.</summary>
        BadUnlockBalance,

        /// <summary><c>BUG: sleeping function called from invalid context</c>: a sleeping lock or a <see cref="MightSleepAttribute"/> call in atomic context.</summary>
        SleepInAtomicContext,

        /// <summary>A <c>lockdep_assert_held</c> failed: a lock that the code requires is not held.</summary>
        LockNotHeld,

        /// <summary>A <c>lockdep_assert_not_held</c> failed: a lock that the code excludes is held.</summary>
        LockHeld,

        /// <summary>A capacity limit was reached (for example <c>BUG: MAX_LOCKDEP_ENTRIES too low!</c>) and the validator turned itself off.</summary>
        ValidatorTurnedOff,

        /// <summary>
        /// <c>WARNING: declared lock order violated</c>: a lock is acquired while one is held that the declared
        /// order (<see cref="LockOrderAttribute"/>, <see cref="AcquiredBeforeAttribute"/>, <see cref="AcquiredAfterAttribute"/>)
        /// puts after it, directly or through other declarations.
        /// </summary>
        DeclaredOrderViolation,

        /// <summary>
        /// <c>WARNING: dependency not predicted by the static analysis</c>: a run took a dependency between two
        /// classes that the static edges of the loaded assemblies do not have (<see cref="Lockdep.CheckAgainstStaticGraph"/>).
        /// Informational: it is never thrown.
        /// </summary>
        DependencyNotPredicted,
    }
}
