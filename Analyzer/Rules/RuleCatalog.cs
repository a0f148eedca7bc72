using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// The one catalog of diagnostic descriptors. Rule IDs are a public contract (DESIGN.md); every
    /// ID has a page under docs/rules/ that its help link points at.
    /// </summary>
    internal static class RuleCatalog
    {
        private const string Category = "LockDiscipline";
        private const string HelpLinkBase = "https://github.com/LockDiscipline/LockDiscipline/blob/main/docs/rules/";

        public static readonly DiagnosticDescriptor CircularLockDependency = Create(
            "LD0001",
            "Possible circular locking dependency",
            "possible circular locking dependency detected: {0}",
            DiagnosticSeverity.Error,
            "Two or more lock classes are acquired in orders that form a cycle. Threads that follow the different orders can deadlock, whether or not a run has hit it yet.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor RecursiveLocking = Create(
            "LD0003",
            "Possible recursive locking",
            "possible recursive locking detected: {0}",
            DiagnosticSeverity.Error,
            "A lock class that is not reentrant is acquired while a lock of the same class is already held. The thread deadlocks on itself, or the lock throws.");

        public static readonly DiagnosticDescriptor UnbalancedLock = Create(
            "LD0007",
            "Bad unlock balance",
            "bad unlock balance detected: {0}",
            DiagnosticSeverity.Warning,
            "A lock is not released on some path out of the method, or is released on a path where it was not acquired.");

        public static readonly DiagnosticDescriptor ThreadAffineLockAcrossAwait = Create(
            "LD0011",
            "Thread-affine lock held across await",
            "'{0}' ({1}) is held across this await: the continuation may run on another thread, which does not own the lock",
            DiagnosticSeverity.Error,
            "Monitor, System.Threading.Lock, ReaderWriterLockSlim, SpinLock, Mutex and the kernel-style locks are owned by a thread. An await can resume on a different thread, which can then neither release the lock nor be excluded by it.");

        public static readonly DiagnosticDescriptor UnresolvedLockName = Create(
            "LD0012",
            "Lock name cannot be resolved",
            "cannot resolve lock name '{0}' in [{1}]: {2}",
            DiagnosticSeverity.Error,
            "A lock name in an attribute must be a member of the same type, a dotted path through parameters and members, or a [LockClass] name.");

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
