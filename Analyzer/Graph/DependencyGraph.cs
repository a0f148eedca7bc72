using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Summaries;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// "<see cref="To"/> was acquired while <see cref="From"/> was held", with the shortest witness:
    /// the method holding From, where it took From, the site in that method that leads to To
    /// (a nested acquisition or a call), and the acquisition of To at the end of the calls.
    /// </summary>
    internal sealed class DependencyEdge
    {
        public DependencyEdge(LockClass from, LockClass to, int depth, int holder, HeldLockSite outer, Location link, int callIndex, Location inner)
        {
            From = from;
            To = to;
            Depth = depth;
            Holder = holder;
            Outer = outer;
            Link = link;
            CallIndex = callIndex;
            Inner = inner;
        }

        public LockClass From { get; }

        public LockClass To { get; }

        public int Depth { get; }

        /// <summary>The summary index of the method that holds <see cref="From"/>.</summary>
        public int Holder { get; }

        public HeldLockSite Outer { get; }

        public Location Link { get; }

        /// <summary>The call in the holder leading to the acquisition; -1 when the holder acquires directly.</summary>
        public int CallIndex { get; }

        public Location Inner { get; }
    }

    /// <summary>A class taken again, through a call, while the caller holds it: the interprocedural half of LD0003.</summary>
    internal sealed class RecursiveAcquisition
    {
        public RecursiveAcquisition(int holder, int callIndex, HeldLockSite held, ReachStep step)
        {
            Holder = holder;
            CallIndex = callIndex;
            Held = held;
            Step = step;
        }

        public int Holder { get; }

        public int CallIndex { get; }

        public HeldLockSite Held { get; }

        public ReachStep Step { get; }
    }

    /// <summary>
    /// The lock-class dependency graph of the whole compilation (lockdep's graph of <c>lock_list</c>
    /// entries), each edge with its shortest witness.
    /// </summary>
    internal sealed class DependencyGraph
    {
        /// <summary>Each edge's position in <see cref="Edges"/>, so a shorter witness replaces it in place.</summary>
        private readonly Dictionary<(LockClass, LockClass), int> _edges = new Dictionary<(LockClass, LockClass), int>();

        public DependencyGraph(CallGraph calls, LockReach reach)
        {
            var summaries = calls.Summaries;
            for (var method = 0; method < summaries.Count; method++)
            {
                if (!calls.IsLive(method))
                {
                    // Dead code orders nothing at run time; its own body's findings (LD0003, LD0007) still stand.
                    continue;
                }

                var summary = summaries[method];
                foreach (var acquisition in summary.Acquisitions)
                {
                    foreach (var held in acquisition.Held)
                    {
                        if (!held.Class.Equals(acquisition.Class))
                        {
                            Offer(new DependencyEdge(held.Class, acquisition.Class, 0, method, held, acquisition.Location, -1, acquisition.Location));
                        }
                    }
                }

                for (var call = 0; call < summary.Calls.Length; call++)
                {
                    var site = summary.Calls[call];
                    if (site.Held.IsEmpty)
                    {
                        continue;
                    }

                    foreach (var target in calls.Targets(method, call))
                    {
                        foreach (var entry in reach.Of(target))
                        {
                            foreach (var held in site.Held)
                            {
                                if (!held.Class.Equals(entry.Key))
                                {
                                    Offer(new DependencyEdge(held.Class, entry.Key, entry.Value.Depth + 1, method, held, site.Location, call, entry.Value.Acquisition.Location));
                                }
                                else if (IsRecursive(held, entry.Value, site.Receiver))
                                {
                                    Recursions.Add(new RecursiveAcquisition(method, call, held, entry.Value));
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Edges in the order they were first found (summaries are sorted by source position).</summary>
        public List<DependencyEdge> Edges { get; } = new List<DependencyEdge>();

        public List<RecursiveAcquisition> Recursions { get; } = new List<RecursiveAcquisition>();

        private static bool IsRecursive(HeldLockSite held, ReachStep step, InstancePath receiver)
        {
            var acquired = step.Instance.ThroughCall(receiver);
            var sameInstance = held.Instance.ProvablySameAs(acquired);
            if (held.Class.Reentrant && sameInstance)
            {
                return false;
            }

            return !(sameInstance && held.Mode == LockMode.Upgradeable && step.Acquisition.Mode != LockMode.Upgradeable);
        }

        private void Offer(DependencyEdge edge)
        {
            var key = (edge.From, edge.To);
            if (_edges.TryGetValue(key, out var index))
            {
                if (Edges[index].Depth > edge.Depth)
                {
                    Edges[index] = edge;
                }

                return;
            }

            _edges.Add(key, Edges.Count);
            Edges.Add(edge);
        }
    }
}
