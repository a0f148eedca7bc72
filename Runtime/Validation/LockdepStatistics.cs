namespace LockDiscipline
{
    /// <summary>A snapshot of the lock validator's counters, like <c>/proc/lockdep_stats</c>.</summary>
    public sealed class LockdepStatistics
    {
        internal LockdepStatistics(bool validating, int classes, int dependencies, int chainsCached, long chainLookups, long chainHits, int maxDepth, int reports)
        {
            Validating = validating;
            Classes = classes;
            Dependencies = dependencies;
            ChainsCached = chainsCached;
            ChainLookups = chainLookups;
            ChainHits = chainHits;
            MaxDepth = maxDepth;
            Reports = reports;
        }

        /// <summary>Whether the validator is checking lock operations (it has started and has not turned itself off).</summary>
        public bool Validating { get; }

        /// <summary>Lock classes in use (<c>lock-classes</c>), nesting subclasses included.</summary>
        public int Classes { get; }

        /// <summary>Direct dependencies between classes (<c>direct dependencies</c>).</summary>
        public int Dependencies { get; }

        /// <summary>Chains of held classes validated and cached (<c>dependency chains</c>).</summary>
        public int ChainsCached { get; }

        /// <summary>Chain-cache lookups made by blocking acquisitions (<c>chain lookups</c>).</summary>
        public long ChainLookups { get; }

        /// <summary>Lookups that found the chain already validated (<c>cache hits</c>).</summary>
        public long ChainHits { get; }

        /// <summary>The most locks any thread has held at once (<c>max locking depth</c>).</summary>
        public int MaxDepth { get; }

        /// <summary>Reports made, each problem once.</summary>
        public int Reports { get; }

        /// <summary>The counters, one per line, as <c>/proc/lockdep_stats</c> prints them.</summary>
        /// <returns>The text.</returns>
        public override string ToString() =>
            Line("lock-classes:", Classes) +
            Line("direct dependencies:", Dependencies) +
            Line("dependency chains:", ChainsCached) +
            Line("chain lookups:", ChainLookups) +
            Line("cache hits:", ChainHits) +
            Line("max locking depth:", MaxDepth) +
            Line("reports:", Reports) +
            Line("debug_locks:", Validating ? 1 : 0);

        private static string Line(string label, long value) =>
            " " + label.PadRight(28) + value.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(11) + "\n";
    }
}
