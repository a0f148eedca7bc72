namespace LockDiscipline.Validation
{
    /// <summary>
    /// "<see cref="To"/> was acquired while <see cref="From"/> was held" (lockdep's <c>struct lock_list</c>,
    /// one object shared by the forward and the backward list).
    /// </summary>
    internal sealed class Dependency
    {
        // The kind of a dependency, as lockdep's DEP_*_BIT: bit 0 set when From was held exclusively, bit 1
        // set when To is not a recursive read. A path that has a recursive-read step followed by a shared
        // step cannot deadlock, so the searches skip such paths.
        public const int SharedRecursive = 1 << 0;
        public const int ExclusiveRecursive = 1 << 1;
        public const int SharedNonRecursive = 1 << 2;
        public const int ExclusiveNonRecursive = 1 << 3;

        public Dependency(LockClass from, LockClass to, int distance, int kinds, int backwardKinds, LockSite site, Trace? trace)
        {
            From = from;
            To = to;
            Distance = distance;
            Kinds = kinds;
            BackwardKinds = backwardKinds;
            Site = site;
            Trace = trace;
        }

        public LockClass From { get; }

        public LockClass To { get; }

        /// <summary>How many held locks apart the two were when first seen; 1 for direct nesting.</summary>
        public int Distance { get; set; }

        /// <summary>The <c>DEP_*</c> kinds seen, seen from <see cref="From"/>.</summary>
        public int Kinds { get; set; }

        /// <summary>The same kinds with the roles swapped, for searches that walk the graph backwards.</summary>
        public int BackwardKinds { get; set; }

        /// <summary>Where <see cref="To"/> was acquired when the dependency was first seen.</summary>
        public LockSite Site { get; }

        /// <summary>The stack then, when stack traces are on.</summary>
        public Trace? Trace { get; }

        /// <summary>The kind of the dependency from a lock held with <paramref name="prevRead"/> to one taken with <paramref name="nextRead"/>.</summary>
        public static int KindOf(int prevRead, int nextRead) => 1 << ((prevRead == 0 ? 1 : 0) + (nextRead != 2 ? 2 : 0));

        /// <summary>The backward kind, with the roles of the two locks swapped (<c>calc_depb</c>).</summary>
        public static int BackwardKindOf(int prevRead, int nextRead) => 1 << ((nextRead != 2 ? 1 : 0) + (prevRead == 0 ? 2 : 0));
    }
}
