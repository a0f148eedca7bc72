using Microsoft.CodeAnalysis;

namespace LockDiscipline.LockModel
{
    internal enum LockOperationKind
    {
        /// <summary>Takes the lock when it returns normally.</summary>
        Acquire,

        /// <summary>Takes the lock only when it returns <see cref="LockOperation.SuccessValue"/> (TryEnter, Wait(timeout)).</summary>
        TryAcquire,

        Release,

        /// <summary>Turns a held write lock into a read lock without releasing it (<c>downgrade_write</c>).</summary>
        Downgrade,
    }

    /// <summary>Which simulated interrupt state an operation switches off (and its release switches back on).</summary>
    internal enum IrqEffect
    {
        None,
        HardIrqsOff,
        SoftIrqsOff,
    }

    /// <summary>One lock operation an invocation performs, resolved to its class and instance.</summary>
    internal sealed class LockOperation
    {
        public LockOperation(LockOperationKind kind, LockClass lockClass, LockMode mode, InstancePath instance, IOperation site)
        {
            Kind = kind;
            Class = lockClass;
            Mode = mode;
            Instance = instance;
            Site = site;
        }

        public LockOperationKind Kind { get; }

        public LockClass Class { get; }

        public LockMode Mode { get; }

        public InstancePath Instance { get; }

        /// <summary>The operation the diagnostics point at.</summary>
        public IOperation Site { get; }

        /// <summary>For <c>Enter(ref bool lockTaken)</c> forms: the lock is held exactly when this local is true.</summary>
        public ILocalSymbol? TakenFlag { get; set; }

        /// <summary>For <see cref="LockOperationKind.TryAcquire"/>: the returned value that means "acquired".</summary>
        public bool SuccessValue { get; set; } = true;

        /// <summary>
        /// For a try-acquire whose success value is not a bool (the kernel's 0): that value. The hold is then tied
        /// to "the result equals it", and <see cref="SuccessValue"/> is true.
        /// </summary>
        public object? SuccessConstant { get; set; }

        /// <summary>Cancellable waits can throw before acquiring; a release in the enclosing finally is then unbalanced.</summary>
        public bool CanThrowBeforeAcquiring { get; set; }

        /// <summary><c>LockIrq</c>/<c>LockIrqSave</c> disable hard IRQs before acquiring, <c>LockBh</c> soft IRQs; the release restores them.</summary>
        public IrqEffect IrqEffect { get; set; }

        /// <summary>
        /// The <c>lock</c> statement whose end releases this acquisition, when the flow graph has no release
        /// for it (Roslyn 4.14 leaves <c>lock</c> on a <c>System.Threading.Lock</c> unlowered under nullable).
        /// </summary>
        public SyntaxNode? Scope { get; set; }

        /// <summary>A try-acquisition with a non-zero timeout can still sleep.</summary>
        public bool SleepsOnTimeout { get; set; }

        /// <summary>The row of the lock API table the call matched; null for contracts and scope disposals.</summary>
        public LockApi? Api { get; set; }

        /// <summary>The invocation of an annotated method stands for the lock operation (<c>[AcquiresLock]</c> etc.).</summary>
        public bool IsContract { get; set; }
    }
}
