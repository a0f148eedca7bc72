using System.Reflection;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// The one catalog of diagnostic descriptors. Rule IDs are a public contract (docs/design.md); every
    /// ID has a page under docs/rules/ that its help link points at.
    /// </summary>
    internal static class RuleCatalog
    {
        private const string Category = "LockDiscipline";

        /// <summary>
        /// The rule pages of the version this analyzer was built as, which its project writes into the
        /// assembly; declared before the descriptors, which are initialised in textual order.
        /// </summary>
        public static readonly string HelpLinkBase = RulesDocs();

        public static readonly DiagnosticDescriptor CircularLockDependency = Create(
            "LD0001",
            "Possible circular locking dependency",
            "possible circular locking dependency detected: {0}",
            DiagnosticSeverity.Error,
            "Two or more lock classes (or two members of one object holding locks of one class) are acquired in orders that form a cycle. Threads that follow the different orders can deadlock, whether or not a run has hit it yet.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor DeclaredOrderViolation = Create(
            "LD0002",
            "Acquisition contradicts a declared lock order",
            "lock order violation: {0}",
            DiagnosticSeverity.Error,
            "The code declares an order ([assembly: LockOrder], [AcquiredBefore], [AcquiredAfter]; orders are transitive) and this acquisition takes the locks the other way round.");

        public static readonly DiagnosticDescriptor RecursiveLocking = Create(
            "LD0003",
            "Possible recursive locking",
            "possible recursive locking detected: {0}",
            DiagnosticSeverity.Error,
            "A lock that is not reentrant (in this mode) is acquired again on the provably same instance, or a lock class is chained along a reassignable link of the object's own type. The thread deadlocks on itself, or the lock throws; or, where the links form a ring, two threads deadlock. Same-class nesting on instances that cannot be told apart is LD0014.");

        public static readonly DiagnosticDescriptor InconsistentLockState = Create(
            "LD0004",
            "Inconsistent lock state",
            "inconsistent lock state: {0}",
            DiagnosticSeverity.Error,
            "A lock class is taken in an interrupt context and also with that interrupt enabled. The interrupt can arrive while the lock is held on the same CPU, and its handler then spins on the lock forever.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor IrqSafeToUnsafeOrder = Create(
            "LD0005",
            "IRQ-safe lock held while taking an IRQ-unsafe lock",
            "{0}-safe -> {0}-unsafe lock order detected: {1}",
            DiagnosticSeverity.Error,
            "A lock used in interrupt context (IRQ-safe) is held while a lock that is taken with interrupts enabled (IRQ-unsafe) is acquired. An interrupt on the CPU holding the IRQ-unsafe lock can then wait for the IRQ-safe lock, whose holder waits for the IRQ-unsafe one.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor SleepInAtomicContext = Create(
            "LD0006",
            "Sleeping function called from invalid context",
            "sleeping function called from invalid context: {0}",
            DiagnosticSeverity.Error,
            "A sleeping lock, Thread.Sleep, a blocking wait or a [MightSleep] method runs while a spinlock is held, interrupts are off, or in an interrupt handler, where the thread must not sleep.");

        public static readonly DiagnosticDescriptor UnbalancedLock = Create(
            "LD0007",
            "Bad unlock balance",
            "bad unlock balance detected: {0}",
            DiagnosticSeverity.Warning,
            "A lock is not released on some path out of the method, or is released on a path where it was not acquired.");

        public static readonly DiagnosticDescriptor UnguardedAccess = Create(
            "LD0008",
            "Guarded member accessed without its lock",
            "{0}",
            DiagnosticSeverity.Warning,
            "A [GuardedBy] field or property is read or written where its lock is not held (constructors and [RequiresLock] bodies count as holding what they require).");

        public static readonly DiagnosticDescriptor LockContractViolation = Create(
            "LD0009",
            "Call violates the callee's lock contract",
            "{0}",
            DiagnosticSeverity.Error,
            "The callee declares [RequiresLock]/[RequiresSharedLock] (the caller must hold the lock, lockdep_assert_held) or [ExcludesLock] (the caller must not hold it).");

        public static readonly DiagnosticDescriptor TryAcquireReturnsWrongly = Create(
            "LD0010",
            "Try-acquire returns success without acquiring",
            "{0}",
            DiagnosticSeverity.Error,
            "A [TryAcquiresLock(successValue, ...)] method returns its success value on a path where it does not hold the lock, so its caller will later release a lock it never got (or returns failure while still holding it).");

        public static readonly DiagnosticDescriptor ThreadAffineLockAcrossAwait = Create(
            "LD0011",
            "Thread-affine lock held across await",
            "'{0}' ({1}) is held across this await: the continuation may run on another thread, which does not own the lock",
            DiagnosticSeverity.Error,
            "Monitor, System.Threading.Lock, ReaderWriterLockSlim, SpinLock, Mutex and the kernel-style locks are owned by a thread. An await can resume on a different thread, which can then neither release the lock nor be excluded by it.");

        public static readonly DiagnosticDescriptor UnresolvedLockName = Create(
            "LD0012",
            "Lock name cannot be resolved",
            "{0}",
            DiagnosticSeverity.Error,
            "A lock name in an attribute must be a member of the same type, a dotted path through parameters and members, or a [LockClass] name.");

        public static readonly DiagnosticDescriptor WaitForWorkHoldingItsLock = Create(
            "LD0013",
            "Blocking wait for work that needs a held lock",
            "{0}",
            DiagnosticSeverity.Error,
            "The thread blocks waiting for work (Task.Wait, .Result, GetResult, Thread.Join) while holding a lock that the work acquires: the work cannot finish until the lock is released, and the lock is not released until the work finishes.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor IndistinguishableNesting = Create(
            "LD0014",
            "Same lock class nested on instances that cannot be told apart",
            "same lock class nested on instances that cannot be told apart: {0}",
            DiagnosticSeverity.Warning,
            "A lock class is acquired while another instance of the same class is held, and the analysis cannot tell the two instances apart (two parameters, a local, an object reached through a link it cannot order). Two threads nesting them in opposite orders deadlock; whether that can happen depends on which objects meet at run time. Name the order with LockNested(n) or distinct [LockClass] names, or take the locks in one global order.");

        public static readonly DiagnosticDescriptor UnreadableSummary = Create(
            "LD0015",
            "A reference's lock summary cannot be read",
            "the lock summary of '{0}' is skipped: {1}",
            DiagnosticSeverity.Warning,
            "A referenced assembly carries a LockDiscipline summary (what its methods lock and call), and this analyzer cannot use it: it is cut short, corrupted, of another version, or larger than an analyzer reads. The analysis goes on as if the assembly carried no summary, so lock-order cycles through it are not found. Build the library and this project with the same LockDiscipline version.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor MalformedBaseline = Create(
            "LD0016",
            "Baseline file cannot be read",
            "{0}{1}",
            DiagnosticSeverity.Warning,
            "A lockdiscipline.baseline file has a line that is not 'RULE MEMBER [LOCK-CLASS ...]', or lacks the version header. The lines that cannot be read are ignored (the findings they meant to accept are reported); the other lines still apply. Write the file again with `lockdiscipline baseline`.",
            WellKnownDiagnosticTags.CompilationEnd);

        private static string RulesDocs()
        {
            foreach (var metadata in typeof(RuleCatalog).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (metadata.Key == "LockDisciplineRulesDocs" && metadata.Value is { } value)
                {
                    return value;
                }
            }

            // Only an assembly built outside its project lacks it; a help link without a base still names the page.
            return string.Empty;
        }

        private static DiagnosticDescriptor Create(
            string id, string title, string messageFormat, DiagnosticSeverity severity, string description, params string[] customTags)
            => new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                Category,
                severity,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpLinkBase + id + ".md",
                customTags: customTags);
    }
}
