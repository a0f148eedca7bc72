using System.Collections.Generic;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// Everything the validator has learnt, in one object so that a reset replaces it whole. Written only
    /// under the graph lock, except where a member says otherwise.
    /// </summary>
    internal sealed class EngineState
    {
        public EngineState(LockdepLimits limits)
        {
            Limits = limits;
            Classes = new LockClass?[limits.MaxClasses];
            int slots = 1;
            while (slots < limits.MaxChains * 2)
            {
                slots <<= 1;
            }

            Chains = new ChainCache(slots);
        }

        public LockdepLimits Limits { get; }

        /// <summary>Classes by index; a slot is written once, before the index is handed out.</summary>
        public LockClass?[] Classes { get; }

        public int ClassCount;

        /// <summary>Registered classes by the key they were registered with: a class's identity.</summary>
        public readonly Dictionary<string, LockClass> ClassesByKey = new Dictionary<string, LockClass>(System.StringComparer.Ordinal);

        /// <summary>Registered classes by the name reports print (<c>name</c>, <c>name#2</c>...), for the queries by name.</summary>
        public readonly Dictionary<string, LockClass> ClassesByName = new Dictionary<string, LockClass>(System.StringComparer.Ordinal);

        /// <summary>How many classes were registered under each name given (lockdep's <c>name_version</c>).</summary>
        public readonly Dictionary<string, int> NameVersions = new Dictionary<string, int>(System.StringComparer.Ordinal);

        /// <summary>The loaded assemblies' static edges, for the cross-check with the analysis.</summary>
        public readonly StaticGraph StaticGraph = new StaticGraph();

        /// <summary>The declared orders, each pair once, in the order declared.</summary>
        public readonly List<DeclaredOrder> DeclaredOrders = new List<DeclaredOrder>();

        /// <summary>An order was declared since <see cref="DeclaredOrder.OnCycle"/> was last computed.</summary>
        public bool DeclaredOrdersChanged;

        /// <summary>The chains validated so far; looked up without a lock.</summary>
        public ChainCache Chains { get; }

        public int DependencyCount;

        public int TraceFrames;

        public int ReportCount;

        /// <summary>A limit was reached and the validator turned itself off for good (until a reset).</summary>
        public bool TurnedOff;

        /// <summary>The problems reported, so that each is reported once.</summary>
        public readonly HashSet<(LockdepReportKind Kind, int First, int Second, string Where)> Reported =
            new HashSet<(LockdepReportKind Kind, int First, int Second, string Where)>();

        /// <summary>Every thread that has used the validator and may still be alive, for the statistics.</summary>
        public readonly List<ThreadState> Threads = new List<ThreadState>();

        public int ThreadsPruneAt = 64;

        /// <summary>Counters of threads that have ended.</summary>
        public long EndedMisses;

        public long EndedHits;

        /// <summary>The deepest nesting seen on any thread; raised with a compare-exchange.</summary>
        public int MaxDepth;

        /// <summary>
        /// Semaphore holds in all flows, changed with interlocked operations: while it is zero, acquisitions
        /// need not read the flow's list at all.
        /// </summary>
        public int FlowHolds;

        /// <summary>Breadth-first search: the generation that marks a class visited, and the queue.</summary>
        public int SearchGeneration;

        public LockClass[]? SearchQueue;
    }
}
