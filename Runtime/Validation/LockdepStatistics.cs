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

        /// <summary>The counters, one per line.</summary>
        /// <returns>The text.</returns>
        public override string ToString() =>
            " lock-classes:      " + Classes + "\n" +
            " direct dependencies: " + Dependencies + "\n" +
            " dependency chains: " + ChainsCached + "\n" +
            " chain lookups:     " + ChainLookups + "\n" +
            " cache hits:        " + ChainHits + "\n" +
            " max locking depth: " + MaxDepth + "\n" +
            " reports:           " + Reports + "\n" +
            " debug_locks:       " + (Validating ? 1 : 0) + "\n";
    }
}
