using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// The runtime lock validator ("lockdep for C#"): what it does with a report, what it has learnt, and
    /// assertions for user code.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The validator runs when the LockDiscipline source generator has emitted runtime checks (by default
    /// in Debug builds): they call it around every lock operation, and it validates each acquisition the
    /// way lockdep does (lock-order cycles between classes, IRQ-safety, recursive locking, sleeping in
    /// atomic context, unbalanced unlocks), and against the program's declared lock order, reporting each
    /// problem once, in lockdep's words and layout.
    /// </para>
    /// <para>
    /// Without generated checks nothing ever starts it, and every member here answers as for an empty
    /// validator; assertions then pass, as lockdep's do when it is off.
    /// </para>
    /// </remarks>
    public static class Lockdep
    {
        /// <summary>What a report does: log to standard error (the default), throw, or call <see cref="Callback"/>.</summary>
        public static LockdepMode Mode
        {
            get => Engine.Mode;
            set => Engine.Mode = value;
        }

        /// <summary>
        /// Receives every report when <see cref="Mode"/> is <see cref="LockdepMode.Callback"/>; if it is null
        /// then, reports are logged. It runs on the thread that found the problem, before that thread's lock
        /// operation completes, and may itself take locks.
        /// </summary>
        public static Action<LockdepReport>? Callback
        {
            get => Engine.Callback;
            set => Engine.Callback = value;
        }

        /// <summary>
        /// Whether to save a stack trace when a dependency or an IRQ usage is first seen, and to print the
        /// current stack in reports (lockdep always does). On by default; turning it off makes discovering
        /// new dependencies cheaper and reports shorter. The common path never captures a stack either way.
        /// </summary>
        public static bool CaptureStackTraces
        {
            get => Engine.CaptureStackTraces;
            set => Engine.CaptureStackTraces = value;
        }

        /// <summary>
        /// Whether each dependency the run takes for the first time is checked against the static edges of the
        /// loaded assemblies that registered lock classes (those built with <c>LockDisciplineStaticEdges=true</c>):
        /// one absent from all of them is reported once, as <see cref="LockdepReportKind.DependencyNotPredicted"/>
        /// (never thrown), and listed by <see cref="UnpredictedDependencies"/>. Off by default; the environment
        /// variable <c>LOCKDISCIPLINE_STATIC_EDGES=1</c> turns it on from the start. Only new dependencies pay for it.
        /// </summary>
        public static bool CheckAgainstStaticGraph
        {
            get => Engine.CheckStaticGraph;
            set => Engine.CheckStaticGraph = value;
        }

        /// <summary>The dependencies the run took that the static edges did not predict, in the order found (see <see cref="CheckAgainstStaticGraph"/>).</summary>
        public static IReadOnlyList<UnpredictedDependency> UnpredictedDependencies => Engine.UnpredictedDependencies();

        /// <summary>The <see cref="UnpredictedDependencies"/> one a line, as the reports print them; empty when there is none.</summary>
        /// <returns>The text.</returns>
        public static string UnpredictedDependenciesReport()
        {
            var text = new System.Text.StringBuilder();
            foreach (UnpredictedDependency dependency in UnpredictedDependencies)
            {
                text.Append(dependency).Append('\n');
            }

            return text.ToString();
        }

        /// <summary>
        /// What a checked release of a lock this thread does not hold does after its "bad unlock balance"
        /// report. False (the default): it performs the real release, which throws what it throws without
        /// checks (<see cref="System.Threading.SynchronizationLockException"/> for a monitor, a
        /// <c>System.Threading.Lock</c>, a <see cref="System.Threading.ReaderWriterLockSlim"/> and the
        /// <c>K*</c> locks, <see cref="System.Threading.SemaphoreFullException"/> for a semaphore past its
        /// maximum count), so a Debug run behaves as the Release build. True: it skips the real release, so the
        /// program neither throws nor changes the lock, and keeps running after the report.
        /// </summary>
        public static bool SkipBadUnlocks
        {
            get => Engine.SkipBadUnlocks;
            set => Engine.SkipBadUnlocks = value;
        }

        /// <summary>Whether the validator is checking (it has started and has not turned itself off at a limit).</summary>
        public static bool IsValidating => Engine.Active;

        /// <summary>A snapshot of the validator's counters, like <c>/proc/lockdep_stats</c>.</summary>
        public static LockdepStatistics Statistics => Engine.Statistics();

        /// <summary>The classes, their usage and their direct dependencies as text, like <c>/proc/lockdep</c>.</summary>
        /// <returns>The text; only the header when nothing was learnt.</returns>
        public static string DumpGraph() => Engine.DumpGraph();

        /// <summary>The dependency graph in Graphviz DOT, each edge labelled with where it was first seen.</summary>
        /// <returns>The DOT text.</returns>
        public static string ToDot() => Engine.ToDot();

        /// <summary>
        /// <c>lockdep_assert_held</c>: reports (once per class and call site) unless the calling thread, or its
        /// logical flow for a <see cref="System.Threading.SemaphoreSlim"/>, holds a lock of the class.
        /// </summary>
        /// <param name="lockClass">
        /// The class name as reports print it: a member such as <c>Cache._items</c>, or a <see cref="LockClassAttribute"/> name;
        /// <c>Cache._items#2</c> for the second class registered under a name already taken (two types named <c>Cache</c>).
        /// </param>
        /// <param name="member">Filled in by the compiler.</param>
        /// <param name="file">Filled in by the compiler.</param>
        /// <param name="line">Filled in by the compiler.</param>
        /// <exception cref="ArgumentNullException"><paramref name="lockClass"/> is null.</exception>
        /// <exception cref="LockdepException">The lock is not held and <see cref="Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void AssertHeld(string lockClass, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (lockClass is null)
            {
                throw new ArgumentNullException(nameof(lockClass));
            }

            if (Engine.Active)
            {
                Engine.AssertByName(lockClass, expectHeld: true, new LockSite(file, line, member));
            }
        }

        /// <summary><c>lockdep_assert_not_held</c>: reports (once per class and call site) if the calling thread or its flow holds a lock of the class.</summary>
        /// <param name="lockClass">The class name as reports print it (see <see cref="AssertHeld"/>).</param>
        /// <param name="member">Filled in by the compiler.</param>
        /// <param name="file">Filled in by the compiler.</param>
        /// <param name="line">Filled in by the compiler.</param>
        /// <exception cref="ArgumentNullException"><paramref name="lockClass"/> is null.</exception>
        /// <exception cref="LockdepException">The lock is held and <see cref="Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void AssertNotHeld(string lockClass, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (lockClass is null)
            {
                throw new ArgumentNullException(nameof(lockClass));
            }

            if (Engine.Active)
            {
                Engine.AssertByName(lockClass, expectHeld: false, new LockSite(file, line, member));
            }
        }

        /// <summary><c>lockdep_is_held</c>: whether the calling thread or its flow holds a lock of the class; false when the validator is not running.</summary>
        /// <param name="lockClass">The class name as reports print it (see <see cref="AssertHeld"/>).</param>
        /// <returns>Whether a lock of the class is held.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="lockClass"/> is null.</exception>
        public static bool IsHeld(string lockClass)
        {
            if (lockClass is null)
            {
                throw new ArgumentNullException(nameof(lockClass));
            }

            return Engine.Active && Engine.IsHeld(lockClass);
        }

        /// <summary>Forgets everything and restores the default settings, with the given limits (tests only).</summary>
        internal static void Reset(LockdepLimits? limits = null) => Engine.Reset(limits);
    }
}
