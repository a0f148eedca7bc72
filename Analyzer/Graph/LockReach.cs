using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Summaries;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>How a method comes to take a lock class: directly, or by a call whose target does (the next hop).</summary>
    internal sealed class ReachStep
    {
        public ReachStep(int depth, AcquisitionSite acquisition, int callIndex, int callee, InstancePath instance, bool afterYield)
        {
            AfterYield = afterYield;
            Depth = depth;
            Acquisition = acquisition;
            CallIndex = callIndex;
            Callee = callee;
            Instance = instance;
        }

        /// <summary>Calls between the method and the acquisition; 0 for its own acquisitions.</summary>
        public int Depth { get; }

        public AcquisitionSite Acquisition { get; }

        /// <summary>The call site in the method that leads on; -1 when the method acquires itself.</summary>
        public int CallIndex { get; }

        public int Callee { get; }

        /// <summary>The instance acquired, in the method's own terms (through <c>this</c> where provable).</summary>
        public InstancePath Instance { get; }

        /// <summary>
        /// An async body on the way has certainly yielded before the acquisition: it runs as a continuation,
        /// so a thread-affine lock the method's caller holds is not held by the acquiring thread.
        /// </summary>
        public bool AfterYield { get; }
    }

    /// <summary>One hop of a witness chain: a method and the call it makes (or its acquisition, for the last hop).</summary>
    internal readonly struct ChainHop
    {
        public ChainHop(IMethodSymbol method, Location location)
        {
            Method = method;
            Location = location;
        }

        public IMethodSymbol Method { get; }

        public Location Location { get; }
    }

    /// <summary>
    /// For every method, every lock class it may acquire through any chain of calls, with the shortest
    /// chain. Computed callees-first over the call graph's strongly connected components, so recursion
    /// converges and each method is summarised from its callees' results.
    /// </summary>
    internal sealed class LockReach
    {
        private const int MaxChainLength = 64;

        private readonly CallGraph _calls;
        private readonly Dictionary<LockClass, ReachStep>[] _reach;

        public LockReach(CallGraph calls)
        {
            _calls = calls;
            var count = calls.Summaries.Count;
            _reach = new Dictionary<LockClass, ReachStep>[count];
            for (var i = 0; i < count; i++)
            {
                _reach[i] = new Dictionary<LockClass, ReachStep>();
            }

            foreach (var component in StronglyConnectedComponents.Find(count, calls.Callees))
            {
                bool changed;
                do
                {
                    changed = false;
                    foreach (var method in component)
                    {
                        changed |= Update(method);
                    }
                }
                while (changed && component.Count > 1);

                if (component.Count == 1)
                {
                    // A directly recursive method needs a second pass to see its own results.
                    Update(component[0]);
                }
            }
        }

        public IReadOnlyDictionary<LockClass, ReachStep> Of(int method) => _reach[method];

        /// <summary>The calls from <paramref name="method"/> down to its acquisition of <paramref name="lockClass"/>.</summary>
        public List<ChainHop> Chain(int method, LockClass lockClass)
        {
            var hops = new List<ChainHop>();
            var current = method;
            for (var i = 0; i < MaxChainLength && _reach[current].TryGetValue(lockClass, out var step); i++)
            {
                var summary = _calls.Summaries[current];
                if (step.CallIndex < 0)
                {
                    hops.Add(new ChainHop(summary.Method, step.Acquisition.Location));
                    break;
                }

                hops.Add(new ChainHop(summary.Method, summary.Calls[step.CallIndex].Location));
                current = step.Callee;
            }

            return hops;
        }

        private bool Update(int method)
        {
            var changed = false;
            var summary = _calls.Summaries[method];
            var reach = _reach[method];
            foreach (var acquisition in summary.Acquisitions)
            {
                changed |= Offer(reach, acquisition.Class, new ReachStep(0, acquisition, -1, -1, acquisition.Instance, acquisition.AfterYield));
            }

            for (var call = 0; call < summary.Calls.Length; call++)
            {
                var site = summary.Calls[call];
                var receiver = site.Receiver;
                foreach (var target in _calls.Targets(method, call))
                {
                    var source = _reach[target];
                    var steps = target == method ? new List<KeyValuePair<LockClass, ReachStep>>(source) : (IEnumerable<KeyValuePair<LockClass, ReachStep>>)source;
                    foreach (var entry in steps)
                    {
                        var step = entry.Value;
                        if (!MayBeContended(site, step.Instance))
                        {
                            continue;
                        }

                        changed |= Offer(reach, entry.Key, new ReachStep(step.Depth + 1, step.Acquisition, call, target, step.Instance.ThroughCall(receiver), site.AfterYield || step.AfterYield));
                    }
                }
            }

            return changed;
        }

        /// <summary>
        /// Whether a lock a callee reaches (its path in the callee's terms) may be one another thread
        /// takes too, seen from this call. A call on an unpublished object reaches that object's own
        /// locks (the callee's <c>this</c> and <c>this._lock</c>), which no other thread can hold, while
        /// objects it refers to (<c>this._inner._lock</c>) may be shared. A call on an object made from
        /// constants and fresh objects only reaches nothing shared but static locks: what it refers to was
        /// made with it (or read from statics, which this does not follow). Such locks order nothing
        /// against another thread: they give the caller no dependency. A delegate's target has a <c>this</c>
        /// of its own, so a delegate call is never judged by its receiver.
        /// </summary>
        public static bool MayBeContended(CallSite call, InstancePath calleeInstance) => call.DelegateSlot is not null || call.ReceiverFreshness switch
        {
            Freshness.Owned => calleeInstance.Text is { } text && text.StartsWith("static:", System.StringComparison.Ordinal),
            Freshness.Fresh => !IsOwnLock(calleeInstance),
            _ => true,
        };

        private static bool IsOwnLock(InstancePath path)
            => path.Text is { } text && (text == "this" || (text.StartsWith("this.", System.StringComparison.Ordinal) && text.IndexOf('.', 5) < 0));

        /// <summary>Keeps a step on the caller's thread over one after a yield (it orders more), then the shortest.</summary>
        private static bool Offer(Dictionary<LockClass, ReachStep> reach, LockClass lockClass, ReachStep step)
        {
            if (reach.TryGetValue(lockClass, out var existing)
                && (existing.AfterYield == step.AfterYield ? existing.Depth <= step.Depth : step.AfterYield))
            {
                return false;
            }

            reach[lockClass] = step;
            return true;
        }
    }
}
