using System.Collections.Generic;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// A dependency the run took between two lock classes that the static edges of the loaded assemblies do
    /// not have (<see cref="Lockdep.CheckAgainstStaticGraph"/>): either the analysis missed the path that takes
    /// it, or the two classes are not the same classes to the analysis and to the run.
    /// </summary>
    public sealed class UnpredictedDependency
    {
        internal UnpredictedDependency(string from, string to, LockSite heldAt, LockSite site, IReadOnlyList<string> staticGraphAssemblies,
            IReadOnlyList<string> fromAssembliesWithoutEdges, IReadOnlyList<string> toAssembliesWithoutEdges, IReadOnlyList<string> unreadableAssemblies)
        {
            From = from;
            To = to;
            HeldAt = heldAt;
            Site = site;
            StaticGraphAssemblies = staticGraphAssemblies;
            FromAssembliesWithoutEdges = fromAssembliesWithoutEdges;
            ToAssembliesWithoutEdges = toAssembliesWithoutEdges;
            UnreadableAssemblies = unreadableAssemblies;
        }

        /// <summary>The class held, as reports name it.</summary>
        public string From { get; }

        /// <summary>The class acquired while <see cref="From"/> was held.</summary>
        public string To { get; }

        /// <summary>Where the held lock was taken.</summary>
        public LockSite HeldAt { get; }

        /// <summary>Where <see cref="To"/> was acquired, the first time the run took the dependency.</summary>
        public LockSite Site { get; }

        /// <summary>The assemblies whose static edges were consulted (those that registered classes and carry edges).</summary>
        public IReadOnlyList<string> StaticGraphAssemblies { get; }

        /// <summary>The assemblies that registered <see cref="From"/>, when none of them carries static edges; empty otherwise.</summary>
        public IReadOnlyList<string> FromAssembliesWithoutEdges { get; }

        /// <summary>The assemblies that registered <see cref="To"/>, when none of them carries static edges; empty otherwise.</summary>
        public IReadOnlyList<string> ToAssembliesWithoutEdges { get; }

        /// <summary>The assemblies whose static edges could not be read, each with the reason.</summary>
        public IReadOnlyList<string> UnreadableAssemblies { get; }

        /// <summary>
        /// The line the report prints: <c>dependency not predicted by the static analysis: A -> B, at site, (static graph of assemblies X, Y)</c>.
        /// </summary>
        /// <returns>The line.</returns>
        public override string ToString()
            => "dependency not predicted by the static analysis: " + From + " -> " + To + ", at " + Site + ", (static graph of assemblies "
                + (StaticGraphAssemblies.Count == 0 ? "none" : string.Join(", ", StaticGraphAssemblies)) + ")";

        /// <summary>What helps decide between a path the analysis missed and classes that differ in identity.</summary>
        internal IEnumerable<string> Explanation()
        {
            if (FromAssembliesWithoutEdges.Count != 0)
            {
                yield return From + " is registered only by assemblies built without static edges: " + string.Join(", ", FromAssembliesWithoutEdges);
            }

            if (ToAssembliesWithoutEdges.Count != 0)
            {
                yield return To + " is registered only by assemblies built without static edges: " + string.Join(", ", ToAssembliesWithoutEdges);
            }

            foreach (string unreadable in UnreadableAssemblies)
            {
                yield return "static edges not readable: " + unreadable;
            }

            yield return FromAssembliesWithoutEdges.Count == 0 && ToAssembliesWithoutEdges.Count == 0
                ? "the analysis saw both classes and no path from one to the other: a call it cannot follow (reflection, dynamic, a library without a summary, an unresolved virtual call), or a class it keys differently"
                : "an assembly built without LockDisciplineStaticEdges predicts nothing: set it there to check this dependency";
        }
    }
}
