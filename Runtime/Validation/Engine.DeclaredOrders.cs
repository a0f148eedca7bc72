using System.Collections.Generic;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The declared lock order: what the program says about the order of its lock classes, checked against
    /// what each thread does. lockdep has no declarations; this check adds to its own and reports in its style.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The orders count transitively (a before b and b before c put a before c). Orders that contradict
    /// each other (a before b, and b before a, directly or through others) are ignored: every declared
    /// pair that lies on a cycle of declarations is left out of the search, so neither direction is
    /// reported. The generator reports the contradiction at build time (LDG001).
    /// </para>
    /// <para>
    /// The check runs when a chain of held classes is validated for the first time, under the graph lock,
    /// so a chain-cache hit costs nothing more. Declaring an order clears the chain cache, so that chains
    /// validated before it are checked against it when next taken. A trylock is not checked, as it adds
    /// no dependency: it cannot wait.
    /// </para>
    /// </remarks>
    internal static partial class Engine
    {
        /// <summary>
        /// Reports each lock held (in the new lock's IRQ context, and the flow's holds) whose class the
        /// declared orders put after the new lock's class. The caller holds the graph lock.
        /// </summary>
        private static void CheckDeclaredOrders(EngineState state, ThreadState ts, int depth, FlowHolds? flow, in HeldLock next, ref Reports reports)
        {
            LockClass acquired = next.Class.Registered;
            if (acquired.DeclaredBefore is null)
            {
                return;
            }

            if (state.DeclaredOrdersChanged)
            {
                FindContradictions(state);
            }

            // One search marks every class the new one is declared to come before; the held locks are then
            // looked up by their visited mark, and the path to each is left in the DeclaredParent links.
            SearchDeclared(state, acquired, null, skipContradicted: true);
            int generation = state.SearchGeneration;
            HeldLock[] held = ts.Held;
            for (int i = depth - 1; i >= 0 && held[i].Context == next.Context; i--)
            {
                CheckDeclaredOrder(state, ts, depth, in held[i], in next, generation, ref reports);
            }

            for (FlowHolds? node = next.Context == 0 ? flow : null; node is not null; node = node.Next)
            {
                CheckDeclaredOrder(state, ts, depth, node.Entry, in next, generation, ref reports);
            }
        }

        private static void CheckDeclaredOrder(EngineState state, ThreadState ts, int depth, in HeldLock prev, in HeldLock next, int generation, ref Reports reports)
        {
            LockClass holding = prev.Class.Registered;
            if (holding == next.Class.Registered || holding.VisitedGeneration != generation)
            {
                return;
            }

            var declarations = new List<DeclaredOrder>();
            for (LockClass cls = holding; cls.DeclaredParent is DeclaredOrder step; cls = step.First)
            {
                declarations.Add(step);
            }

            declarations.Reverse();
            reports.Add(DeclaredOrderReport(state, ts, depth, in prev, in next, declarations));
        }

        /// <summary>Marks every declared pair that the declarations also put the other way round.</summary>
        private static void FindContradictions(EngineState state)
        {
            foreach (DeclaredOrder order in state.DeclaredOrders)
            {
                order.OnCycle = SearchDeclared(state, order.Second, order.First, skipContradicted: false);
            }

            state.DeclaredOrdersChanged = false;
        }

        /// <summary>
        /// Breadth-first along the declared orders from <paramref name="root"/>, marking each class reached
        /// with a new search generation and the order it was reached by; true when <paramref name="target"/>
        /// is reached (the search stops there).
        /// </summary>
        private static bool SearchDeclared(EngineState state, LockClass root, LockClass? target, bool skipContradicted)
        {
            int generation = ++state.SearchGeneration;
            LockClass[] queue = state.SearchQueue ??= new LockClass[state.Classes.Length];
            root.VisitedGeneration = generation;
            root.DeclaredParent = null;
            int head = 0;
            int tail = 0;
            queue[tail++] = root;
            while (head < tail)
            {
                LockClass cls = queue[head++];
                if (cls == target)
                {
                    return true;
                }

                if (cls.DeclaredBefore is null)
                {
                    continue;
                }

                foreach (DeclaredOrder order in cls.DeclaredBefore)
                {
                    LockClass other = order.Second;
                    if (other.VisitedGeneration == generation || (skipContradicted && order.OnCycle))
                    {
                        continue;
                    }

                    other.VisitedGeneration = generation;
                    other.DeclaredParent = order;
                    queue[tail++] = other;
                }
            }

            return false;
        }
    }
}
