using System.Globalization;
using System.Text;

namespace LockDiscipline.Validation
{
    /// <summary>Assertions, statistics and the graph as text.</summary>
    internal static partial class Engine
    {
        /// <summary>lockdep_assert_held: reports unless the thread (or its flow) holds a lock of the class, exclusively unless <paramref name="shared"/>.</summary>
        internal static void AssertHeld(int classId, bool shared, in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = ClassOf(state, classId, 0);
            if (cls is null)
            {
                return;
            }

            HeldMode(state, ts, cls, out bool held, out bool exclusive);
            if (held && (shared || exclusive))
            {
                return;
            }

            string assertion = !shared && IsReaderWriter(cls.Kind) ? "lockdep_assert_held_write" : "lockdep_assert_held";
            Reports reports = default;
            ReportAssertion(state, ts, LockdepReportKind.LockNotHeld, assertion, cls.DisplayName, cls.Index, in site, ref reports);
            Emit(ref reports);
        }

        /// <summary>lockdep_assert_not_held: reports if the thread (or its flow) holds a lock of the class.</summary>
        internal static void AssertNotHeld(int classId, in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = ClassOf(state, classId, 0);
            if (cls is null)
            {
                return;
            }

            HeldMode(state, ts, cls, out bool held, out _);
            if (!held)
            {
                return;
            }

            Reports reports = default;
            ReportAssertion(state, ts, LockdepReportKind.LockHeld, "lockdep_assert_not_held", cls.DisplayName, cls.Index, in site, ref reports);
            Emit(ref reports);
        }

        /// <summary>The assertions by class name as reports print it, for user code; a name never registered is a class never held.</summary>
        internal static void AssertByName(string className, bool expectHeld, in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = FindClass(state, className);
            bool held = false;
            if (cls is not null)
            {
                HeldMode(state, ts, cls, out held, out _);
            }

            if (held == expectHeld)
            {
                return;
            }

            Reports reports = default;
            ReportAssertion(
                state,
                ts,
                expectHeld ? LockdepReportKind.LockNotHeld : LockdepReportKind.LockHeld,
                expectHeld ? "lockdep_assert_held" : "lockdep_assert_not_held",
                className,
                cls?.Index ?? -1,
                in site,
                ref reports);
            Emit(ref reports);
        }

        /// <summary>Whether the thread (or its flow) holds a lock of the named class.</summary>
        internal static bool IsHeld(string className)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = FindClass(state, className);
            if (cls is null)
            {
                return false;
            }

            HeldMode(state, ts, cls, out bool held, out _);
            return held;
        }

        /// <summary>The kernel's <c>might_sleep</c>: reports a call that may sleep made in atomic context.</summary>
        internal static void MightSleep(in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            if (ts.SpinDepth == 0 && ts.Context == 0 && !Irq.HardIrqsDisabled && !Irq.SoftIrqsDisabled)
            {
                return;
            }

            Reports reports = default;
            ReportSleep(state, ts, null, in site, ref reports);
            Emit(ref reports);
        }

        private static bool IsReaderWriter(LockClassKind kind) =>
            kind == LockClassKind.RwSemaphore || kind == LockClassKind.PerCpuRwSemaphore || kind == LockClassKind.ReaderWriterLockSlim || kind == LockClassKind.LockMap || kind == LockClassKind.RwLock;

        private static LockClass? FindClass(EngineState state, string className)
        {
            lock (s_graphLock)
            {
                return state.ClassesByName.TryGetValue(className, out LockClass? cls) ? cls : null;
            }
        }

        /// <summary>Whether a lock of the registered class (any subclass) is held, and whether some hold is exclusive.</summary>
        private static void HeldMode(EngineState state, ThreadState ts, LockClass registered, out bool held, out bool exclusive)
        {
            held = false;
            exclusive = false;
            for (int i = 0; i < ts.Depth; i++)
            {
                if (ts.Held[i].Class.Registered == registered)
                {
                    held = true;
                    exclusive |= ts.Held[i].Read == 0;
                }
            }

            for (FlowHolds? node = state.FlowHolds != 0 ? CurrentFlow(state) : null; node is not null; node = node.Next)
            {
                if (node.Entry.Class.Registered == registered)
                {
                    held = true;
                    exclusive |= node.Entry.Read == 0;
                }
            }
        }

        internal static LockdepStatistics Statistics()
        {
            lock (s_graphLock)
            {
                EngineState? state = s_state;
                if (state is null)
                {
                    return new LockdepStatistics(false, 0, 0, 0, 0, 0, 0, 0);
                }

                long misses = state.EndedMisses;
                long hits = state.EndedHits;
                foreach (ThreadState ts in state.Threads)
                {
                    misses += ts.ChainMisses;
                    hits += ts.ChainHits;
                }

                return new LockdepStatistics(Active, state.ClassCount, state.DependencyCount, state.Chains.Count, hits + misses, hits, state.MaxDepth, state.ReportCount);
            }
        }

        /// <summary>
        /// The classes and their direct dependencies, like <c>/proc/lockdep</c>: for each class its number,
        /// the counts of classes reachable forward (FD) and backward (BD), its usage and name, then the
        /// classes taken directly under it.
        /// </summary>
        internal static string DumpGraph()
        {
            var text = new StringBuilder("all lock classes:\n");
            lock (s_graphLock)
            {
                EngineState? state = s_state;
                for (int i = 0; state is not null && i < state.ClassCount; i++)
                {
                    LockClass cls = state.Classes[i]!;
                    int forward = 0;
                    int backward = 0;
                    Search(state, cls, false, forward: true, (c, r) => ++forward < 0);
                    Search(state, cls, false, forward: false, (c, r) => ++backward < 0);
                    text.Append(Number(cls.Index)).Append(" FD:").Append(forward.ToString(CultureInfo.InvariantCulture).PadLeft(5))
                        .Append(" BD:").Append(backward.ToString(CultureInfo.InvariantCulture).PadLeft(5))
                        .Append(' ').Append(Usage.Chars(cls.UsageMask)).Append(": ").Append(cls.DisplayName).Append('\n');
                    foreach (Dependency dependency in cls.After)
                    {
                        if (dependency.Distance == 1)
                        {
                            text.Append(" -> [").Append(Number(dependency.To.Index)).Append("] ").Append(dependency.To.DisplayName).Append('\n');
                        }
                    }

                    text.Append('\n');
                }
            }

            return text.ToString();
        }

        /// <summary>
        /// The graph in Graphviz DOT: a node per class with its usage, an edge per dependency labelled with
        /// where it was first seen, and a dashed edge per declared order labelled with where it is declared.
        /// </summary>
        internal static string ToDot()
        {
            var text = new StringBuilder("digraph lockdep {\n  node [shape=box, fontname=\"monospace\"];\n");
            lock (s_graphLock)
            {
                EngineState? state = s_state;
                for (int i = 0; state is not null && i < state.ClassCount; i++)
                {
                    LockClass cls = state.Classes[i]!;
                    text.Append("  c").Append(cls.Index).Append(" [label=\"").Append(Escape(cls.DisplayName)).Append("\\n{")
                        .Append(Usage.Chars(cls.UsageMask)).Append("}\"];\n");
                }

                for (int i = 0; state is not null && i < state.ClassCount; i++)
                {
                    foreach (Dependency dependency in state.Classes[i]!.After)
                    {
                        text.Append("  c").Append(dependency.From.Index).Append(" -> c").Append(dependency.To.Index)
                            .Append(" [label=\"").Append(Escape(dependency.Site.ToString())).Append("\"];\n");
                    }
                }

                for (int i = 0; state is not null && i < state.DeclaredOrders.Count; i++)
                {
                    DeclaredOrder order = state.DeclaredOrders[i];
                    text.Append("  c").Append(order.First.Index).Append(" -> c").Append(order.Second.Index)
                        .Append(" [style=dashed, label=\"").Append(Escape(order.DeclaredAt)).Append("\"];\n");
                }
            }

            return text.Append("}\n").ToString();
        }

        private static string Number(int index) => index.ToString("x8", CultureInfo.InvariantCulture);

        private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");
    }
}
