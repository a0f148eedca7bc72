using System.Collections.Generic;
using System.Collections.Immutable;
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

    /// <summary>
    /// A class taken again, through a call, while the caller holds it: the interprocedural half of LD0003
    /// and LD0014, which <see cref="Kind"/> tells apart.
    /// </summary>
    internal sealed class RecursiveAcquisition
    {
        public RecursiveAcquisition(int holder, int callIndex, int callee, HeldLockSite held, ReachStep step, SameClassNestingKind kind)
        {
            Holder = holder;
            CallIndex = callIndex;
            Callee = callee;
            Held = held;
            Step = step;
            Kind = kind;
        }

        public int Holder { get; }

        public int CallIndex { get; }

        /// <summary>The call's target that leads to the acquisition, the start of the chain a report shows.</summary>
        public int Callee { get; }

        public HeldLockSite Held { get; }

        public ReachStep Step { get; }

        public SameClassNestingKind Kind { get; }
    }

    /// <summary>
    /// The lock-class dependency graph of the whole compilation (lockdep's graph of <c>lock_list</c>
    /// entries), each edge with its shortest witness.
    /// </summary>
    internal sealed class DependencyGraph
    {
        /// <summary>Each edge's position in <see cref="Edges"/>, so a shorter witness replaces it in place.</summary>
        private readonly Dictionary<(LockClass, LockClass), int> _edges = new Dictionary<(LockClass, LockClass), int>();
        private readonly Dictionary<(LockClass, LockClass), List<LockClass>> _gates = new Dictionary<(LockClass, LockClass), List<LockClass>>();
        private readonly HashSet<(LockClass, LockClass)> _gatedWitness = new HashSet<(LockClass, LockClass)>();
        private readonly Dictionary<(LockClass, LockClass), DependencyKinds> _kinds = new Dictionary<(LockClass, LockClass), DependencyKinds>();

        public DependencyGraph(CallGraph calls, LockReach reach, InstanceLinks links)
        {
            var summaries = calls.Summaries;
            for (var method = 0; method < summaries.Count; method++)
            {
                if (!calls.IsLive(method))
                {
                    // Dead code orders nothing at run time; the per-body rules still check its body (LD0003, LD0007).
                    continue;
                }

                var summary = summaries[method];
                foreach (var acquisition in summary.Acquisitions)
                {
                    foreach (var held in acquisition.Held)
                    {
                        if (!held.Class.Equals(acquisition.Class))
                        {
                            var gated = NoteGates(held, acquisition.Class, acquisition.Instance, acquisition.Held);
                            NoteKind(held, acquisition.Class, acquisition.Mode);
                            Offer(new DependencyEdge(held.Class, acquisition.Class, 0, method, held, acquisition.Location, -1, acquisition.Location), gated);
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
                            if (!LockReach.MayBeContended(site, entry.Value.Instance))
                            {
                                continue;
                            }

                            foreach (var held in site.Held)
                            {
                                if (IsHeldOnEntryOf(summaries[target], held, site.Receiver))
                                {
                                    continue;
                                }

                                if (entry.Value.AfterYield && held.Class.ThreadAffine)
                                {
                                    // Taken by a continuation, on a thread that does not hold the caller's thread-affine lock.
                                    continue;
                                }

                                if (!held.Class.Equals(entry.Key))
                                {
                                    var gated = NoteGates(held, entry.Key, entry.Value.Instance.ThroughCall(site.Receiver), site.Held);
                                    NoteKind(held, entry.Key, entry.Value.Acquisition.Mode);
                                    Offer(new DependencyEdge(held.Class, entry.Key, entry.Value.Depth + 1, method, held, site.Location, call, entry.Value.Acquisition.Location), gated);
                                }
                                else if (!LeavesHeld(summaries[target], held.Class))
                                {
                                    var step = entry.Value;
                                    var kind = SameClassNesting.Classify(held.Class, held.Mode, held.Instance, step.Acquisition.Mode, step.Instance.ThroughCall(site.Receiver), links);
                                    if (kind == SameClassNestingKind.Indistinguishable && held.Class.Reentrant && IsRecursiveTraversal(summaries[method].Method, reach.Chain(target, held.Class)))
                                    {
                                        kind = SameClassNestingKind.RecursiveTraversal;
                                    }

                                    if (kind is not (SameClassNestingKind.Allowed or SameClassNestingKind.OrderedByOwnership))
                                    {
                                        Recursions.Add(new RecursiveAcquisition(method, call, target, held, step, kind));
                                    }
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

        /// <summary>Every kind the dependency was seen with, over all its occurrences (lockdep ORs them into one <c>lock_list</c> entry).</summary>
        public DependencyKinds KindsOf(DependencyEdge edge)
            => _kinds.TryGetValue((edge.From, edge.To), out var kinds) ? kinds : DependencyKinds.ExclusiveNonRecursive;

        private void NoteKind(HeldLockSite held, LockClass to, LockMode mode)
        {
            var kind = DependencyKind.Of(held.Mode, to, mode);
            var key = (held.Class, to);
            _kinds[key] = _kinds.TryGetValue(key, out var kinds) ? kinds | kind : kind;
        }

        /// <summary>
        /// The gate locks of an edge: classes held, on the same object, wherever the edge is taken
        /// (Java deadlock detectors' "gate lock"). A cycle whose every edge is taken under one gate
        /// cannot interleave on two threads: the second thread waits for the gate first.
        /// </summary>
        public IReadOnlyList<LockClass> GatesOf(DependencyEdge edge)
            => _gates.TryGetValue((edge.From, edge.To), out var gates) ? gates : (IReadOnlyList<LockClass>)System.Array.Empty<LockClass>();

        /// <summary>
        /// Narrows the edge's gates to the locks held at this occurrence too, and says whether this
        /// occurrence has a gate of its own. Only the holder's own held
        /// locks count (not what its callers hold, nor what a callee holds on one of its paths), and only
        /// a gate provably shared by the two threads: a static lock, or a lock of <c>this</c> where both
        /// ends of the edge are locks of <c>this</c> too (the same two locks means the same owner, and so
        /// the same gate, unless lock objects are shared between owners).
        /// </summary>
        private bool NoteGates(HeldLockSite from, LockClass to, InstancePath toInstance, ImmutableArray<HeldLockSite> held)
        {
            // Runs for every occurrence of every edge: allocates only the first time an edge is seen.
            var key = (from.Class, to);
            var ownedByThis = IsOfThis(from.Instance) && IsOfThis(toInstance);
            if (!_gates.TryGetValue(key, out var gates))
            {
                gates = new List<LockClass>();
                foreach (var gate in held)
                {
                    if (IsGate(gate, from.Class, to, ownedByThis))
                    {
                        gates.Add(gate.Class);
                    }
                }

                _gates.Add(key, gates);
                return gates.Count > 0;
            }

            var hasGate = false;
            foreach (var gate in held)
            {
                hasGate |= IsGate(gate, from.Class, to, ownedByThis);
            }

            for (var i = gates.Count - 1; i >= 0; i--)
            {
                if (!HeldAsGate(gates[i], held, from.Class, to, ownedByThis))
                {
                    gates.RemoveAt(i);
                }
            }

            return hasGate;
        }

        private static bool HeldAsGate(LockClass gateClass, ImmutableArray<HeldLockSite> held, LockClass from, LockClass to, bool ownedByThis)
        {
            foreach (var gate in held)
            {
                if (gate.Class.Equals(gateClass) && IsGate(gate, from, to, ownedByThis))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A shared hold or a lock map excludes no one: both threads can be inside it at once.</summary>
        private static bool IsGate(HeldLockSite gate, LockClass from, LockClass to, bool ownedByThis)
            => gate.Mode == LockMode.Exclusive && !gate.Class.IsLockMap
                && !gate.Class.Equals(from) && !gate.Class.Equals(to)
                && (IsStatic(gate.Instance) || (ownedByThis && IsOfThis(gate.Instance)));

        private static bool IsStatic(InstancePath path) => path.Text is { } text && text.StartsWith("static:", System.StringComparison.Ordinal);

        private static bool IsOfThis(InstancePath path) => path.Text is { } text && text.StartsWith("this.", System.StringComparison.Ordinal);

        /// <summary>
        /// Whether the callee's contract (declared or inferred) takes this held lock as held on entry: its own
        /// summary then orders what it does while the lock is still held, and what runs after it gives the
        /// lock up (a callback run outside the caller's lock, the lock taken back) is not under it.
        /// </summary>
        private static bool IsHeldOnEntryOf(MethodSummary callee, HeldLockSite held, InstancePath receiver)
        {
            foreach (var onEntry in callee.HeldOnEntry)
            {
                if (onEntry.Class.Equals(held.Class) && onEntry.Path.ThroughCall(receiver).ProvablySameAs(held.Instance))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The callee leaves this class held by contract: the call is an acquisition in the caller, judged there.</summary>
        private static bool LeavesHeld(MethodSummary callee, LockClass lockClass)
        {
            foreach (var left in callee.LeftHeld)
            {
                if (left.Class.Equals(lockClass))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The calls down to the acquisition run the holder again (itself, or the same virtual method) on the next object.</summary>
        private static bool IsRecursiveTraversal(IMethodSymbol holder, List<ChainHop> chain)
        {
            var slot = VirtualSlot(holder);
            foreach (var hop in chain)
            {
                if (SymbolEqualityComparer.Default.Equals(VirtualSlot(hop.Method), slot))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The method an override chain starts from: every override of one virtual method shares it.</summary>
        private static IMethodSymbol VirtualSlot(IMethodSymbol method)
        {
            var root = method.OriginalDefinition;
            while (root.OverriddenMethod is { } overridden)
            {
                root = overridden.OriginalDefinition;
            }

            return root;
        }

        /// <summary>Keeps the shortest witness; of two as short, one taken without a gate, as that is the one a deadlock needs.</summary>
        private void Offer(DependencyEdge edge, bool gated)
        {
            var key = (edge.From, edge.To);
            if (_edges.TryGetValue(key, out var index))
            {
                if (Edges[index].Depth > edge.Depth || (Edges[index].Depth == edge.Depth && _gatedWitness.Contains(key) && !gated))
                {
                    Edges[index] = edge;
                    if (!gated)
                    {
                        _gatedWitness.Remove(key);
                    }
                    else
                    {
                        _gatedWitness.Add(key);
                    }
                }

                return;
            }

            _edges.Add(key, Edges.Count);
            Edges.Add(edge);
            if (gated)
            {
                _gatedWitness.Add(key);
            }
        }
    }
}
