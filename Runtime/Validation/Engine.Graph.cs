using System.Collections.Generic;

namespace LockDiscipline.Validation
{
    /// <summary>The dependency graph: chain validation and the breadth-first searches over it.</summary>
    internal static partial class Engine
    {
        /// <summary>Decides whether a class reached by a search is the one sought.</summary>
        /// <param name="cls">The class reached.</param>
        /// <param name="onlyRecursiveRead">Whether the path to it ends in recursive-read steps only (lockdep's <c>only_xr</c>).</param>
        private delegate bool SearchMatch(LockClass cls, bool onlyRecursiveRead);

        /// <summary>
        /// lockdep's <c>validate_chain</c> after a chain-cache miss: recursion check, then a dependency from
        /// each relevant held lock to the new one, each checked for cycles and IRQ-safety; then the chain is cached.
        /// </summary>
        private static void ValidateChain(EngineState state, ThreadState ts, int depth, FlowHolds? flow, ulong cacheKey, ref Reports reports)
        {
            lock (s_graphLock)
            {
                if (!Active || s_state != state || state.Chains.Contains(cacheKey))
                {
                    return;
                }

                HeldLock next = ts.Held[depth];
                if (CheckRecursion(state, ts, depth, flow, in next, ref reports))
                {
                    Trace? trace = null;
                    bool ok = true;

                    // check_prevs_add: the innermost held lock, and the try-acquired ones above the first that
                    // was not, in this IRQ context; the flow's holds count as held below the thread's.
                    HeldLock[] held = ts.Held;
                    for (int i = depth - 1; ok && i >= 0 && held[i].Context == next.Context; i--)
                    {
                        ok = CheckPrevAdd(state, ts, depth, in held[i], in next, depth - i, ref trace, ref reports);
                        if (!held[i].Trylock && !held[i].Reentry)
                        {
                            break;
                        }
                    }

                    int distance = 1;
                    for (FlowHolds? node = next.Context == 0 ? flow : null; ok && node is not null; node = node.Next, distance++)
                    {
                        ok = CheckPrevAdd(state, ts, depth, node.Entry, in next, distance, ref trace, ref reports);
                        if (!node.Entry.Trylock)
                        {
                            break;
                        }
                    }

                    if (!ok)
                    {
                        return;
                    }

                    if (state.DeclaredOrders.Count != 0)
                    {
                        CheckDeclaredOrders(state, ts, depth, flow, in next, ref reports);
                    }
                }

                if (state.Chains.Count >= state.Limits.MaxChains)
                {
                    reports.Add(TurnOff(state, "BUG: MAX_LOCKDEP_CHAINS too low!"));
                    return;
                }

                state.Chains.Add(cacheKey);
            }
        }

        /// <summary>lockdep's <c>check_deadlock</c>: is a lock of the same class held already? False when reported.</summary>
        private static bool CheckRecursion(EngineState state, ThreadState ts, int depth, FlowHolds? flow, in HeldLock next, ref Reports reports)
        {
            for (int i = 0; i < depth; i++)
            {
                if (IsRecursion(in ts.Held[i], in next))
                {
                    reports.Add(RecursiveLockingReport(state, ts, in ts.Held[i], in next, flow));
                    return false;
                }
            }

            for (FlowHolds? node = flow; node is not null; node = node.Next)
            {
                if (IsRecursion(node.Entry, in next))
                {
                    reports.Add(RecursiveLockingReport(state, ts, node.Entry, in next, flow));
                    return false;
                }
            }

            return true;
        }

        // Read-after-read of a recursive-read class is allowed, as lockdep allows read_lock after read_lock.
        private static bool IsRecursion(in HeldLock prev, in HeldLock next) =>
            prev.Class == next.Class && !(next.Read == 2 && prev.Read != 0);

        /// <summary>
        /// lockdep's <c>check_prev_add</c>: adds <paramref name="prev"/> → <paramref name="next"/> unless it
        /// closes a cycle or connects an IRQ-safe class to an IRQ-unsafe one. False when the validator turned off.
        /// </summary>
        private static bool CheckPrevAdd(EngineState state, ThreadState ts, int depth, in HeldLock prev, in HeldLock next, int distance, ref Trace? trace, ref Reports reports)
        {
            LockClass from = prev.Class;
            LockClass to = next.Class;
            int prevRead = prev.Read;

            // check_noncircular: search forward from the new lock for the held one.
            LockClass? found = Search(state, to, next.Read == 2, forward: true, (cls, onlyRecursiveRead) => cls == from && (prevRead == 0 || !onlyRecursiveRead));
            if (found is not null)
            {
                List<Dependency> path = PathFrom(found);
                reports.Add(from == to
                    ? RecursiveLockingReport(state, ts, in prev, in next, CurrentFlowFor(state, next))
                    : CircularReport(state, ts, depth, in prev, in next, path));
                return true;
            }

            if (!CheckIrqUsage(state, ts, depth, in prev, in next, ref reports))
            {
                return true;
            }

            int kinds = Dependency.KindOf(prev.Read, next.Read);
            int backwardKinds = Dependency.BackwardKindOf(prev.Read, next.Read);
            foreach (Dependency existing in from.After)
            {
                if (existing.To == to)
                {
                    if (distance < existing.Distance)
                    {
                        existing.Distance = distance;
                    }

                    existing.Kinds |= kinds;
                    existing.BackwardKinds |= backwardKinds;
                    return true;
                }
            }

            // Each dependency takes an entry in each direction, as in lockdep.
            if (state.DependencyCount * 2 + 2 > state.Limits.MaxEntries)
            {
                reports.Add(TurnOff(state, "BUG: MAX_LOCKDEP_ENTRIES too low!"));
                return false;
            }

            if (trace is null && s_captureStackTraces)
            {
                trace = SaveTrace(state, ref reports);
                if (!Active)
                {
                    return false;
                }
            }

            var dependency = new Dependency(from, to, distance, kinds, backwardKinds, next.Site, trace);
            from.After.Add(dependency);
            to.Before.Add(dependency);
            state.DependencyCount++;
            if (s_checkStaticGraph)
            {
                reports.Add(CheckPredicted(state, dependency, in prev, in next));
            }

            return true;
        }

        private static FlowHolds? CurrentFlowFor(EngineState state, in HeldLock next) => next.Context == 0 && state.FlowHolds != 0 ? CurrentFlow(state) : null;

        /// <summary>lockdep's <c>save_trace</c>, bounded by <c>MAX_STACK_TRACE_ENTRIES</c>.</summary>
        private static Trace? SaveTrace(EngineState state, ref Reports reports)
        {
            Trace trace = Trace.Capture();
            if (state.TraceFrames + trace.Frames.Length > state.Limits.MaxStackTraceEntries)
            {
                reports.Add(TurnOff(state, "BUG: MAX_STACK_TRACE_ENTRIES too low!"));
                return null;
            }

            state.TraceFrames += trace.Frames.Length;
            return trace;
        }

        /// <summary>
        /// lockdep's <c>__bfs</c>: breadth-first from <paramref name="root"/>, forward along "acquired after"
        /// or backward along "acquired before", following strong paths only, until <paramref name="match"/>
        /// accepts a class. The path to it is left in the classes' <see cref="LockClass.BfsParent"/> links.
        /// </summary>
        private static LockClass? Search(EngineState state, LockClass root, bool rootOnlyRecursiveRead, bool forward, SearchMatch match)
        {
            int generation = ++state.SearchGeneration;
            LockClass[] queue = state.SearchQueue ??= new LockClass[state.Classes.Length];
            root.VisitedGeneration = generation;
            root.BfsParent = null;
            root.BfsOnlyRecursiveRead = rootOnlyRecursiveRead;
            if (match(root, rootOnlyRecursiveRead))
            {
                return root;
            }

            int head = 0;
            int tail = 0;
            queue[tail++] = root;
            while (head < tail)
            {
                LockClass cls = queue[head++];
                foreach (Dependency dependency in forward ? cls.After : cls.Before)
                {
                    LockClass other = forward ? dependency.To : dependency.From;
                    if (other.VisitedGeneration == generation)
                    {
                        continue;
                    }

                    // A recursive-read step followed by a shared step is no deadlock: skip such paths.
                    int kinds = forward ? dependency.Kinds : dependency.BackwardKinds;
                    if (cls.BfsOnlyRecursiveRead)
                    {
                        kinds &= ~(Dependency.SharedRecursive | Dependency.SharedNonRecursive);
                    }

                    if (kinds == 0)
                    {
                        continue;
                    }

                    bool onlyRecursiveRead = (kinds & (Dependency.SharedNonRecursive | Dependency.ExclusiveNonRecursive)) == 0;
                    other.VisitedGeneration = generation;
                    other.BfsParent = dependency;
                    other.BfsOnlyRecursiveRead = onlyRecursiveRead;
                    if (match(other, onlyRecursiveRead))
                    {
                        return other;
                    }

                    queue[tail++] = other;
                }
            }

            return null;
        }

        /// <summary>The dependencies a search followed from its root to <paramref name="found"/>, root first.</summary>
        private static List<Dependency> PathFrom(LockClass found)
        {
            var path = new List<Dependency>();
            LockClass cls = found;
            while (cls.BfsParent is Dependency step)
            {
                path.Add(step);
                cls = step.To == cls ? step.From : step.To;
            }

            path.Reverse();
            return path;
        }

        /// <summary>
        /// lockdep's <c>check_irq_usage</c>: does the new dependency connect a class used in an IRQ (in the
        /// subgraph before <paramref name="prev"/>) with one taken with that IRQ enabled (in the subgraph
        /// after <paramref name="next"/>)? False when reported.
        /// </summary>
        private static bool CheckIrqUsage(EngineState state, ThreadState ts, int depth, in HeldLock prev, in HeldLock next, ref Reports reports)
        {
            // Step 1: the IRQ usages of everything that can be held when prev is.
            int usage = 0;
            Search(state, prev.Class, prev.Read != 0, forward: false, (cls, onlyRecursiveRead) =>
            {
                usage |= onlyRecursiveRead ? cls.UsageMask & Usage.IrqWrite : cls.UsageMask;
                return false;
            });
            usage &= Usage.UsedInIrqAll;
            if (usage == 0)
            {
                return true;
            }

            // Step 2: a class after next taken with such an IRQ enabled.
            int forwardMask = Usage.ExclusiveMask(usage);
            LockClass? unsafeClass = Search(state, next.Class, next.Read == 2, forward: true, (cls, onlyRecursiveRead) => UsageMatches(cls, onlyRecursiveRead, forwardMask));
            if (unsafeClass is null)
            {
                return true;
            }

            List<Dependency> forwardPath = PathFrom(unsafeClass);

            // Step 3: the class before prev whose usage conflicts with it.
            int backwardMask = Usage.ExclusiveMask(unsafeClass.UsageMask & Usage.EnabledIrqAll);
            LockClass? safeClass = Search(state, prev.Class, prev.Read != 0, forward: false, (cls, onlyRecursiveRead) => UsageMatches(cls, onlyRecursiveRead, backwardMask));
            if (safeClass is null || !Usage.FindExclusiveMatch(safeClass.UsageMask, unsafeClass.UsageMask, out int safeBit, out int unsafeBit))
            {
                return true;
            }

            List<Dependency> backwardPath = PathFrom(safeClass);
            reports.Add(BadIrqDependencyReport(state, ts, depth, in prev, in next, safeClass, unsafeClass, backwardPath, forwardPath, safeBit, unsafeBit));
            return false;
        }

        private static bool UsageMatches(LockClass cls, bool onlyRecursiveRead, int mask) =>
            ((onlyRecursiveRead ? cls.UsageMask & Usage.IrqWrite : cls.UsageMask) & mask) != 0;

        /// <summary>lockdep's <c>mark_usage</c>, slow part: sets the missing usage bits of the lock at <paramref name="index"/> on the thread's stack.</summary>
        private static void MarkUsage(EngineState state, ThreadState ts, int index, int need, ref Reports reports)
        {
            lock (s_graphLock)
            {
                if (!Active || s_state != state)
                {
                    return;
                }

                LockClass cls = ts.Held[index].Class;
                for (int bit = 0; bit <= Usage.UsedRead; bit++)
                {
                    if ((need & (1 << bit)) != 0 && (cls.UsageMask & (1 << bit)) == 0)
                    {
                        MarkLock(state, ts, index, bit, ref reports);
                    }
                }
            }
        }

        /// <summary>lockdep's <c>mark_lock</c>: sets one usage bit and checks what it conflicts with.</summary>
        private static void MarkLock(EngineState state, ThreadState ts, int index, int bit, ref Reports reports)
        {
            HeldLock hlock = ts.Held[index];
            LockClass cls = hlock.Class;
            cls.UsageMask |= 1 << bit;
            if (bit < Usage.TraceStates)
            {
                cls.UsageSites[bit] = hlock.Site;
                if (s_captureStackTraces)
                {
                    cls.UsageTraces[bit] = SaveTrace(state, ref reports);
                }
            }

            if (bit >= Usage.Used)
            {
                return;
            }

            // mark_lock_irq: the class itself must not have the opposite usage...
            int exclusive = Usage.ExclusiveBit(bit);
            bool read = (bit & Usage.ReadMask) != 0;
            if ((cls.UsageMask & (1 << exclusive)) != 0)
            {
                reports.Add(InconsistentStateReport(state, ts, index, exclusive, bit));
                return;
            }

            if (!read && (cls.UsageMask & (1 << (exclusive | Usage.ReadMask))) != 0)
            {
                reports.Add(InconsistentStateReport(state, ts, index, exclusive | Usage.ReadMask, bit));
                return;
            }

            // ...nor may the classes it depends on (IRQs enabled) or that depend on it (used in the IRQ).
            int mask = (1 << exclusive) | (1 << (exclusive | Usage.ReadMask));
            bool enabled = (bit & Usage.DirMask) != 0;
            LockClass? other = enabled
                ? Search(state, cls, hlock.Read != 0, forward: false, (c, onlyRecursiveRead) => UsageMatches(c, onlyRecursiveRead, mask))
                : Search(state, cls, hlock.Read == 2, forward: true, (c, onlyRecursiveRead) => UsageMatches(c, onlyRecursiveRead, mask));
            if (other is not null)
            {
                int otherBit = (other.UsageMask & (1 << exclusive)) != 0 ? exclusive : exclusive | Usage.ReadMask;
                reports.Add(IrqInversionReport(state, ts, index, other, PathFrom(other), forwards: !enabled, otherBit));
            }
        }
    }
}
