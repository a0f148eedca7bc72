using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// The kinds of a dependency <c>A -> B</c>, as lockdep's <c>DEP_*</c> bits (lockdep-design.rst, "Recursive
    /// read locks"): whether A was held shared (S) or exclusively (E), and whether B was taken as a recursive
    /// read (R) or not (N). One dependency collects every kind it was seen with.
    /// </summary>
    [System.Flags]
    internal enum DependencyKinds
    {
        None = 0,

        /// <summary><c>-(SR)-></c>: A held shared, B a recursive read.</summary>
        SharedRecursive = 1,

        /// <summary><c>-(ER)-></c>: A held exclusively, B a recursive read.</summary>
        ExclusiveRecursive = 2,

        /// <summary><c>-(SN)-></c>: A held shared, B a writer or a non-recursive read.</summary>
        SharedNonRecursive = 4,

        /// <summary><c>-(EN)-></c>: A held exclusively, B a writer or a non-recursive read.</summary>
        ExclusiveNonRecursive = 8,

        /// <summary><c>-(S*)-></c>: out of a shared hold.</summary>
        OutOfShared = SharedRecursive | SharedNonRecursive,

        /// <summary><c>-(*N)-></c>: into a non-recursive acquisition.</summary>
        IntoNonRecursive = SharedNonRecursive | ExclusiveNonRecursive,
    }

    /// <summary>
    /// lockdep's strong-path rule: a path is a deadlock chain only if no step into a recursive read
    /// (<c>-(*R)-></c>) is followed by a step out of a shared hold (<c>-(S*)-></c>). A recursive reader is let in
    /// even while a writer waits, so it never waits for a reader, and a chain broken that way cannot close.
    /// </summary>
    internal static class DependencyKind
    {
        private static readonly DependencyKinds[] Each =
        {
            DependencyKinds.SharedRecursive, DependencyKinds.ExclusiveRecursive, DependencyKinds.SharedNonRecursive, DependencyKinds.ExclusiveNonRecursive,
        };

        public static DependencyKinds Of(LockMode heldMode, LockClass acquired, LockMode mode)
        {
            var shared = heldMode == LockMode.Shared;
            var recursive = mode == LockMode.Shared && acquired.RecursiveRead;
            return shared
                ? (recursive ? DependencyKinds.SharedRecursive : DependencyKinds.SharedNonRecursive)
                : (recursive ? DependencyKinds.ExclusiveRecursive : DependencyKinds.ExclusiveNonRecursive);
        }

        /// <summary>
        /// The kinds of the next step still usable on a strong path, when the step before could only be taken
        /// into a recursive read (<paramref name="previousOnlyRecursive"/>): then the next may not leave a shared hold.
        /// </summary>
        public static DependencyKinds Next(DependencyKinds next, bool previousOnlyRecursive)
            => previousOnlyRecursive ? next & ~DependencyKinds.OutOfShared : next;

        /// <summary>Whether the usable kinds of a step all end in a recursive read (lockdep's <c>only_xr</c>).</summary>
        public static bool OnlyRecursive(DependencyKinds usable) => (usable & DependencyKinds.IntoNonRecursive) == 0;

        /// <summary>
        /// Whether a cycle, its steps in order, is strong all the way round (the step after the last is the
        /// first): tried from each kind of the first step, carrying which kinds each next step can still use.
        /// </summary>
        public static bool IsStrongCycle(System.Collections.Generic.IReadOnlyList<DependencyKinds> steps)
        {
            foreach (var first in Each)
            {
                if ((steps[0] & first) == 0)
                {
                    continue;
                }

                var usable = first;
                for (var i = 1; i < steps.Count && usable != DependencyKinds.None; i++)
                {
                    usable = Next(steps[i], OnlyRecursive(usable));
                }

                if (usable != DependencyKinds.None && Next(first, OnlyRecursive(usable)) != DependencyKinds.None)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
