using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;

namespace LockDiscipline.Validation
{
    /// <summary>The reports, in lockdep's layout, and what is done with them.</summary>
    internal static partial class Engine
    {
        /// <summary>Records the problem as reported; false when it was reported before (each problem is reported once).</summary>
        private static bool FirstTime(EngineState state, LockdepReportKind kind, int first, int second, string where)
        {
            lock (s_graphLock)
            {
                if (!state.Reported.Add((kind, first, second, where)))
                {
                    return false;
                }

                state.ReportCount++;
                return true;
            }
        }

        private static LockdepReport Make(LockdepReportKind kind, string title, ReportText text, params string[] classes)
        {
            return new LockdepReport(kind, title, text.ToString(), classes, Thread.CurrentThread.Name ?? "thread", Environment.CurrentManagedThreadId);
        }

        private static Trace? CurrentTrace() => s_captureStackTraces ? Trace.Capture() : null;

        /// <summary>The locks the thread holds, the flow's semaphores first, the thread's first <paramref name="depth"/> after.</summary>
        private static List<HeldLock> HeldView(EngineState state, ThreadState ts, int depth)
        {
            var view = new List<HeldLock>();
            FlowHolds? flow = state.FlowHolds != 0 ? CurrentFlow(state) : null;
            for (FlowHolds? node = flow; node is not null; node = node.Next)
            {
                view.Insert(0, node.Entry);
            }

            for (int i = 0; i < depth; i++)
            {
                view.Add(ts.Held[i]);
            }

            return view;
        }

        /// <summary>The IRQ state as lockdep prints it: <c>[HC1[1]:SC0[0]:HE0:SE1]</c>.</summary>
        private static string IrqState(ThreadState ts) =>
            "[HC" + (ts.HardIrqDepth != 0 ? 1 : 0) + "[" + ts.HardIrqDepth + "]:SC" + (ts.SoftIrqDepth != 0 ? 1 : 0) + "[" + ts.SoftIrqDepth + "]:HE" +
            (Irq.HardIrqsDisabled ? 0 : 1) + ":SE" + (Irq.SoftIrqsDisabled ? 0 : 1) + "]";

        /// <summary>lockdep's <c>print_deadlock_bug</c>.</summary>
        private static LockdepReport? RecursiveLockingReport(EngineState state, ThreadState ts, in HeldLock prev, in HeldLock next, FlowHolds? flow)
        {
            if (!FirstTime(state, LockdepReportKind.RecursiveLocking, next.Class.Index, next.Class.Index, string.Empty))
            {
                return null;
            }

            const string Title = "WARNING: possible recursive locking detected";
            string thread = ThreadState.CurrentName;
            var text = new ReportText().Header(Title)
                .Line(thread + " is trying to acquire lock:").Lock(next)
                .Line().Line("but task is already holding lock:").Lock(prev)
                .Line().Line("other info that might help us debug this:")
                .Line(" Possible unsafe locking scenario:")
                .Line()
                .Line("       CPU0")
                .Line("       ----")
                .Line("  lock(" + prev.Class.DisplayName + ");")
                .Line("  lock(" + next.Class.DisplayName + ");")
                .Line()
                .Line(" *** DEADLOCK ***")
                .Line()
                .Line(" May be due to missing lock nesting notation")
                .Line()
                .HeldLocks(thread, HeldView(state, ts, ts.Depth))
                .Backtrace(CurrentTrace());
            return Make(LockdepReportKind.RecursiveLocking, Title, text, next.Class.DisplayName);
        }

        /// <summary>lockdep's <c>print_circular_bug</c>; <paramref name="path"/> leads from the new lock's class to the held one's.</summary>
        private static LockdepReport? CircularReport(EngineState state, ThreadState ts, int depth, in HeldLock prev, in HeldLock next, List<Dependency> path)
        {
            if (!FirstTime(state, LockdepReportKind.CircularDependency, prev.Class.Index, next.Class.Index, string.Empty))
            {
                return null;
            }

            const string Title = "WARNING: possible circular locking dependency detected";
            string thread = ThreadState.CurrentName;
            Trace? current = CurrentTrace();
            var text = new ReportText().Header(Title)
                .Line(thread + " is trying to acquire lock:").Lock(next)
                .Line().Line("but task is already holding lock:").Lock(prev)
                .Line().Line("which lock already depends on the new lock.").Line()
                .Line().Line("the existing dependency chain (in reverse order) is:");
            for (int i = path.Count - 1; i >= 0; i--)
            {
                text.Line().Line("-> #" + (i + 1) + ReportText.ClassName(path[i].To) + ":").Trace(path[i].Site, path[i].Trace, 7);
            }

            text.Line().Line("-> #0" + ReportText.ClassName(next.Class) + ":").Trace(next.Site, current, 7);

            LockClass parent = path[path.Count - 1].From;
            text.Line().Line("other info that might help us debug this:").Line();
            if (parent != next.Class)
            {
                text.Line("Chain exists of:").Line("  " + next.Class.DisplayName + " --> " + parent.DisplayName + " --> " + prev.Class.DisplayName).Line();
            }

            text.Line(" Possible unsafe locking scenario:")
                .Line()
                .Line("       CPU0                    CPU1")
                .Line("       ----                    ----")
                .Line((prev.Read != 0 ? "  rlock(" : "  lock(") + prev.Class.DisplayName + ");")
                .Line("                               lock(" + parent.DisplayName + ");")
                .Line("                               lock(" + prev.Class.DisplayName + ");")
                .Line((next.Read != 0 ? "  rlock(" : "  lock(") + next.Class.DisplayName + ");")
                .Line()
                .Line(" *** DEADLOCK ***")
                .Line()
                .HeldLocks(thread, HeldView(state, ts, depth))
                .Backtrace(current);
            // Every class in the cycle, from the new lock along the existing chain to the held one.
            var classes = new List<string>(path.Count + 1) { next.Class.DisplayName };
            foreach (Dependency dependency in path)
            {
                if (!classes.Contains(dependency.To.DisplayName))
                {
                    classes.Add(dependency.To.DisplayName);
                }
            }

            return Make(LockdepReportKind.CircularDependency, Title, text, classes.ToArray());
        }

        /// <summary>
        /// The declared order is broken: <paramref name="next"/> is acquired while <paramref name="prev"/> is
        /// held, and <paramref name="declarations"/> (first to last) put the new lock's class before the held
        /// one's. Laid out as <c>print_circular_bug</c>, the declarations standing for the existing chain.
        /// </summary>
        private static LockdepReport? DeclaredOrderReport(EngineState state, ThreadState ts, int depth, in HeldLock prev, in HeldLock next, List<DeclaredOrder> declarations)
        {
            if (!FirstTime(state, LockdepReportKind.DeclaredOrderViolation, prev.Class.Registered.Index, next.Class.Registered.Index, string.Empty))
            {
                return null;
            }

            const string Title = "WARNING: declared lock order violated";
            string thread = ThreadState.CurrentName;
            var text = new ReportText().Header(Title)
                .Line(thread + " is trying to acquire lock:").Lock(next)
                .Line().Line("but task is already holding lock:").Lock(prev)
                .Line().Line("which the declared lock order puts after the new lock.").Line()
                .Line().Line("the declared lock order is:");
            for (int i = 0; i < declarations.Count; i++)
            {
                DeclaredOrder order = declarations[i];
                text.Line().Line("-> #" + i + " (" + order.First.DisplayName + ") before (" + order.Second.DisplayName + "):")
                    .Line("       " + order.DeclaredAt);
            }

            text.Line().Line("other info that might help us debug this:").Line();
            if (declarations.Count > 1)
            {
                string chain = declarations[0].First.DisplayName;
                foreach (DeclaredOrder order in declarations)
                {
                    chain += " --> " + order.Second.DisplayName;
                }

                text.Line("Chain exists of:").Line("  " + chain).Line();
            }

            // CPU1 keeps the declared order; CPU0 is this thread.
            text.Line(" Possible unsafe locking scenario:")
                .Line()
                .Line("       CPU0                    CPU1")
                .Line("       ----                    ----")
                .Line((prev.Read != 0 ? "  rlock(" : "  lock(") + prev.Class.DisplayName + ");")
                .Line("                               lock(" + next.Class.DisplayName + ");")
                .Line("                               lock(" + prev.Class.DisplayName + ");")
                .Line((next.Read != 0 ? "  rlock(" : "  lock(") + next.Class.DisplayName + ");")
                .Line()
                .Line(" *** DEADLOCK ***")
                .Line()
                .HeldLocks(thread, HeldView(state, ts, depth))
                .Backtrace(CurrentTrace());
            return Make(LockdepReportKind.DeclaredOrderViolation, Title, text, next.Class.DisplayName, prev.Class.DisplayName);
        }

        /// <summary>lockdep's <c>print_bad_irq_dependency</c>.</summary>
        private static LockdepReport? BadIrqDependencyReport(
            EngineState state,
            ThreadState ts,
            int depth,
            in HeldLock prev,
            in HeldLock next,
            LockClass safe,
            LockClass unsafeClass,
            List<Dependency> backwardPath,
            List<Dependency> forwardPath,
            int safeBit,
            int unsafeBit)
        {
            if (!FirstTime(state, LockdepReportKind.IrqSafeToUnsafeOrder, safe.Index, unsafeClass.Index, string.Empty))
            {
                return null;
            }

            string irq = Usage.StateName(safeBit);
            string title = "WARNING: " + irq + "-safe -> " + irq + "-unsafe lock order detected";
            string thread = ThreadState.CurrentName;
            Trace? current = CurrentTrace();
            LockClass middle = prev.Class == safe ? next.Class : prev.Class;
            var text = new ReportText().Header(title)
                .Line(thread + " " + IrqState(ts) + " is trying to acquire:").Lock(next)
                .Line().Line("and this task is already holding:").Lock(prev)
                .Line("which would create a new lock dependency:")
                .Line(ReportText.ClassName(prev.Class) + " ->" + ReportText.ClassName(next.Class))
                .Line().Line("but this new dependency connects a " + irq + "-irq-safe lock:")
                .Line(ReportText.ClassName(safe))
                .Line("... which became " + irq + "-irq-safe at:")
                .Trace(safe.UsageSites[safeBit], safe.UsageTraces[safeBit], 2)
                .Line().Line("to a " + irq + "-irq-unsafe lock:")
                .Line(ReportText.ClassName(unsafeClass))
                .Line("... which became " + irq + "-irq-unsafe at:")
                .Line("...")
                .Trace(unsafeClass.UsageSites[unsafeBit], unsafeClass.UsageTraces[unsafeBit], 2)
                .Line().Line("other info that might help us debug this:").Line()
                .IrqScenario(safe, middle, unsafeClass)
                .HeldLocks(thread, HeldView(state, ts, depth))
                .Line().Line("the dependencies between " + irq + "-irq-safe lock and the holding lock:");
            AppendPathBackwards(text, backwardPath, safe);
            text.Line().Line("the dependencies between the lock to be acquired and " + irq + "-irq-unsafe lock:");
            AppendPath(text, forwardPath, unsafeClass, next.Site, current);
            text.Backtrace(current);
            return Make(LockdepReportKind.IrqSafeToUnsafeOrder, title, text, next.Class.DisplayName, prev.Class.DisplayName, safe.DisplayName, unsafeClass.DisplayName);
        }

        /// <summary>
        /// lockdep's <c>print_shortest_lock_dependencies</c>: from the class found back to the search's root,
        /// each class with where it was acquired; the root was acquired here and now.
        /// </summary>
        private static void AppendPath(ReportText text, List<Dependency> path, LockClass leaf, LockSite rootSite, Trace? rootTrace)
        {
            LockClass cls = leaf;
            for (int i = path.Count - 1; i >= 0; i--)
            {
                text.ClassHeader(cls, i + 1).Line(new string(' ', i + 1) + " ... acquired at:").Trace(path[i].Site, path[i].Trace, 2).Line();
                cls = path[i].To == cls ? path[i].From : path[i].To;
            }

            text.ClassHeader(cls, 0).Line(" ... acquired at:").Trace(rootSite, rootTrace, 2).Line();
        }

        /// <summary>
        /// lockdep's <c>print_shortest_lock_dependencies_backwards</c>: from the class found to the held lock,
        /// each class after the first with where it was acquired under the one before.
        /// </summary>
        private static void AppendPathBackwards(ReportText text, List<Dependency> path, LockClass leaf)
        {
            LockClass cls = leaf;
            Dependency? previous = null;
            for (int i = path.Count; i >= 0; i--)
            {
                text.ClassHeader(cls, i);
                if (previous is not null)
                {
                    text.Line(new string(' ', i) + " ... acquired at:").Trace(previous.Site, previous.Trace, 2).Line();
                }

                if (i > 0)
                {
                    previous = path[i - 1];
                    cls = previous.From == cls ? previous.To : previous.From;
                }
            }
        }

        /// <summary>lockdep's <c>print_usage_bug</c>: the lock at <paramref name="index"/> on the thread's stack just got <paramref name="newBit"/>.</summary>
        private static LockdepReport? InconsistentStateReport(EngineState state, ThreadState ts, int index, int prevBit, int newBit)
        {
            HeldLock hlock = ts.Held[index];
            if (!FirstTime(state, LockdepReportKind.InconsistentLockState, hlock.Class.Index, (prevBit << 8) | newBit, string.Empty))
            {
                return null;
            }

            const string Title = "WARNING: inconsistent lock state";
            string thread = ThreadState.CurrentName;
            var text = new ReportText().Header(Title)
                .Line("inconsistent {" + Usage.Name(prevBit) + "} -> {" + Usage.Name(newBit) + "} usage.")
                .Line(thread + " " + IrqState(ts) + " takes:").Lock(hlock)
                .Line("{" + Usage.Name(prevBit) + "} state was registered at:")
                .Trace(hlock.Class.UsageSites[prevBit], hlock.Class.UsageTraces[prevBit], 2)
                .Line().Line("other info that might help us debug this:")
                .InterruptScenario(hlock.Class)
                .HeldLocks(thread, HeldView(state, ts, ts.Depth))
                .Backtrace(CurrentTrace());
            return Make(LockdepReportKind.InconsistentLockState, Title, text, hlock.Class.DisplayName);
        }

        /// <summary>lockdep's <c>print_irq_inversion_bug</c>: the lock at <paramref name="index"/> changed its usage, and <paramref name="other"/> conflicts.</summary>
        private static LockdepReport? IrqInversionReport(EngineState state, ThreadState ts, int index, LockClass other, List<Dependency> path, bool forwards, int otherBit)
        {
            HeldLock hlock = ts.Held[index];
            LockClass root = hlock.Class;
            LockClass safe = forwards ? root : other;
            LockClass unsafeClass = forwards ? other : root;
            if (!FirstTime(state, LockdepReportKind.IrqLockInversion, safe.Index, unsafeClass.Index, string.Empty))
            {
                return null;
            }

            const string Title = "WARNING: possible irq lock inversion dependency detected";
            string irq = Usage.StateName(otherBit);
            string thread = ThreadState.CurrentName;
            Trace? current = CurrentTrace();
            // lockdep's middle lock: the first step from the changed lock towards the other one.
            LockClass first = path.Count == 0 ? other : (path[0].From == root ? path[0].To : path[0].From);
            LockClass middle = forwards ? (first == root ? other : first) : (first == other ? root : first);
            var text = new ReportText().Header(Title)
                .Line(thread + " just changed the state of lock:").Lock(hlock)
                .Line(forwards
                    ? "but this lock took another, " + irq + "-unsafe lock in the past:"
                    : "but this lock was taken by another, " + irq + "-safe lock in the past:")
                .Line(ReportText.ClassName(other))
                .Line().Line().Line("and interrupts could create inverse lock ordering between them.").Line()
                .Line().Line("other info that might help us debug this:")
                .IrqScenario(safe, middle, unsafeClass)
                .HeldLocks(thread, HeldView(state, ts, ts.Depth))
                .Line().Line("the shortest dependencies between 2nd lock and 1st lock:");
            AppendPath(text, path, other, hlock.Site, current);
            text.Backtrace(current);
            return Make(LockdepReportKind.IrqLockInversion, Title, text, root.DisplayName, other.DisplayName);
        }

        /// <summary>
        /// The kernel's <c>__might_resched</c>: <paramref name="cls"/> (a sleeping lock, or null for a
        /// <see cref="MightSleepAttribute"/> call) would sleep in atomic context.
        /// </summary>
        private static void ReportSleep(EngineState state, ThreadState ts, LockClass? cls, in LockSite site, ref Reports reports)
        {
            int spinIndex = -1;
            for (int i = 0; i < ts.Depth; i++)
            {
                if (ts.Held[i].Class.Spins)
                {
                    spinIndex = i;
                    break;
                }
            }

            int cause = spinIndex >= 0 ? ts.Held[spinIndex].Class.Index : -1 - ts.Context;
            if (!FirstTime(state, LockdepReportKind.SleepInAtomicContext, cls?.Index ?? -1, cause, cls is null ? site.ToString() : string.Empty))
            {
                return;
            }

            const string Title = "BUG: sleeping function called from invalid context";
            string thread = ThreadState.CurrentName;
            int bottomHalves = Math.Max(0, Irq.BhDisableDepth - ts.SoftIrqDepth);
            int preemptCount = ts.SpinDepth + (0x100 * ts.SoftIrqDepth) + (0x200 * bottomHalves) + (0x10000 * ts.HardIrqDepth);
            bool irqsDisabled = Irq.HardIrqsDisabled;
            var text = new ReportText()
                .Line(Title + " at " + site.File + ":" + site.Line.ToString(CultureInfo.InvariantCulture))
                .Line("in_atomic(): " + (preemptCount != 0 ? 1 : 0) + ", irqs_disabled(): " + (irqsDisabled ? 1 : 0) + ", non_block: 0, pid: " +
                    Environment.CurrentManagedThreadId + ", name: " + (Thread.CurrentThread.Name ?? "thread"))
                .Line("preempt_count: " + preemptCount.ToString("x", CultureInfo.InvariantCulture) + ", expected: 0")
                .HeldLocks(thread, HeldView(state, ts, ts.Depth));
            if (spinIndex >= 0)
            {
                text.Line("Preemption disabled at:").Line(ts.Held[spinIndex].Site.ToString());
            }
            else if (ts.Context != 0)
            {
                text.Line("Preemption disabled at:").Line(ts.IrqEntrySite.ToString());
            }

            text.Backtrace(CurrentTrace());
            reports.Add(cls is null
                ? Make(LockdepReportKind.SleepInAtomicContext, Title, text)
                : Make(LockdepReportKind.SleepInAtomicContext, Title, text, cls.DisplayName));
        }

        /// <summary>lockdep's <c>print_unlock_imbalance_bug</c>.</summary>
        private static void ReportBadUnlock(EngineState state, ThreadState ts, LockClass cls, object instance, in LockSite site, ref Reports reports)
        {
            if (!FirstTime(state, LockdepReportKind.BadUnlockBalance, cls.Index, cls.Index, string.Empty))
            {
                return;
            }

            const string Title = "WARNING: bad unlock balance detected!";
            string thread = ThreadState.CurrentName;
            var text = new ReportText().Header(Title)
                .Line(thread + " is trying to release lock (" + cls.DisplayName + ") at:")
                .Line(site.ToString())
                .Line("but there are no more locks to release!")
                .Line().Line("other info that might help us debug this:")
                .HeldLocks(thread, HeldView(state, ts, ts.Depth))
                .Backtrace(CurrentTrace());
            reports.Add(Make(LockdepReportKind.BadUnlockBalance, Title, text, cls.DisplayName));
        }

        /// <summary>A failed <c>lockdep_assert_held</c> or <c>lockdep_assert_not_held</c>, as the kernel's <c>WARN_ON</c> prints it.</summary>
        private static void ReportAssertion(EngineState state, ThreadState ts, LockdepReportKind kind, string assertion, string className, int classIndex, in LockSite site, ref Reports reports)
        {
            if (!FirstTime(state, kind, classIndex, 0, assertion + "|" + className + "|" + site))
            {
                return;
            }

            string title = "WARNING: " + assertion + "(" + className + ") failed";
            string thread = ThreadState.CurrentName;
            var text = new ReportText()
                .Line("------------[ cut here ]------------")
                .Line(title)
                .Line(thread + " at " + site + ":")
                .HeldLocks(thread, HeldView(state, ts, ts.Depth))
                .Backtrace(CurrentTrace());
            reports.Add(Make(kind, title, text, className));
        }

        /// <summary>
        /// lockdep's <c>print_lockdep_off</c>: a limit was reached, so the validator stops, says so once and
        /// lets the program run on. The caller holds the graph lock.
        /// </summary>
        private static LockdepReport? TurnOff(EngineState state, string bug, string? detail = null, ThreadState? ts = null)
        {
            if (state.TurnedOff)
            {
                return null;
            }

            state.TurnedOff = true;
            Active = false;
            state.ReportCount++;
            var text = new ReportText().Line(bug).Line("turning off the locking correctness validator.");
            if (detail is not null)
            {
                text.Line(detail);
            }

            if (ts is not null)
            {
                text.HeldLocks(ThreadState.CurrentName, HeldView(state, ts, ts.Depth));
            }

            text.Backtrace(CurrentTrace());
            return Make(LockdepReportKind.ValidatorTurnedOff, bug, text);
        }

        private static void Emit(LockdepReport? report)
        {
            Reports reports = default;
            reports.Add(report);
            Emit(ref reports);
        }

        /// <summary>Logs, calls back or throws, as <see cref="Lockdep.Mode"/> says; never under the validator's locks.</summary>
        private static void Emit(ref Reports reports)
        {
            if (!reports.Any)
            {
                return;
            }

            LockdepMode mode = s_mode;
            Action<LockdepReport>? callback = s_callback;
            LockdepReport? toThrow = null;
            foreach (LockdepReport report in reports.ToList())
            {
                if (mode == LockdepMode.Throw && report.Kind != LockdepReportKind.ValidatorTurnedOff && report.Kind != LockdepReportKind.DependencyNotPredicted)
                {
                    toThrow ??= report;
                }
                else if (mode == LockdepMode.Callback && callback is not null)
                {
                    callback(report);
                }
                else
                {
                    Console.Error.Write("\n" + report.Text);
                }
            }

            reports = default;
            if (toThrow is not null)
            {
                throw new LockdepException(toThrow);
            }
        }
    }
}
