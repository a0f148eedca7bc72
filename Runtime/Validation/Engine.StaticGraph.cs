using System;
using System.Collections.Generic;
using System.Reflection;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The cross-check of the run against the analysis: each new dependency between two registered classes is
    /// looked up in the static edges (<see cref="StaticEdgeEncoding"/>) of the assemblies that registered classes.
    /// It runs on the new-dependency path only, under the graph lock, when <see cref="Lockdep.CheckAgainstStaticGraph"/> is on.
    /// </summary>
    internal static partial class Engine
    {
        /// <summary>The environment variable that turns the cross-check on for a run (<c>1</c> or <c>true</c>).</summary>
        internal const string StaticGraphVariable = "LOCKDISCIPLINE_STATIC_EDGES";

        private static volatile bool s_checkStaticGraph = StaticGraphCheckFromEnvironment();

        internal static bool CheckStaticGraph
        {
            get => s_checkStaticGraph;
            set => s_checkStaticGraph = value;
        }

        private static bool StaticGraphCheckFromEnvironment()
        {
            string? value = Environment.GetEnvironmentVariable(StaticGraphVariable);
            return value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Records which assembly registered the class; the static graph is read again when an assembly is new.</summary>
        private static void NoteRegisteredBy(EngineState state, LockClass cls, Assembly? assembly)
        {
            if (assembly is null || cls.RegisteredBy is not { } registeredBy || registeredBy.Contains(assembly))
            {
                return;
            }

            registeredBy.Add(assembly);
            if (!state.StaticGraph.Assemblies.ContainsKey(assembly))
            {
                state.StaticGraph.Assemblies.Add(assembly, null);
                state.StaticGraph.Union = null;
            }
        }

        /// <summary>The report of a new dependency the static edges do not have, once per pair of registered classes; null when they have it.</summary>
        private static LockdepReport? CheckPredicted(EngineState state, Dependency dependency, in HeldLock prev, in HeldLock next)
        {
            LockClass from = dependency.From.Registered;
            LockClass to = dependency.To.Registered;
            if (from == to || from.Key is null || to.Key is null)
            {
                // A class nested in itself (a subclass) is the nesting rules' business, not an order between classes.
                return null;
            }

            StaticGraph graph = state.StaticGraph;
            HashSet<KeyValuePair<string, string>> union = graph.Union ??= UnionOf(graph);
            if (union.Contains(new KeyValuePair<string, string>(from.Key, to.Key)) || !graph.ReportedPairs.Add((from.Index, to.Index)))
            {
                return null;
            }

            var consulted = new List<string>();
            var unreadable = new List<string>();
            foreach (KeyValuePair<Assembly, AssemblyEdges?> entry in graph.Assemblies)
            {
                if (entry.Value!.Edges is not null)
                {
                    consulted.Add(NameOf(entry.Key));
                }
                else if (entry.Value.Problem is { } problem)
                {
                    unreadable.Add(NameOf(entry.Key) + " (" + problem + ")");
                }
            }

            var unpredicted = new UnpredictedDependency(
                from.DisplayName, to.DisplayName, prev.Site, dependency.Site, consulted, WithoutEdges(graph, from), WithoutEdges(graph, to), unreadable);
            graph.Found.Add(unpredicted);

            const string Title = "WARNING: dependency not predicted by the static analysis";
            var text = new ReportText().Header(Title)
                .Line(ThreadState.CurrentName + " acquired lock:").Lock(next)
                .Line().Line("while holding lock:").Lock(prev)
                .Line().Line(unpredicted.ToString())
                .Line();
            foreach (string line in unpredicted.Explanation())
            {
                text.Line(line);
            }

            return Make(LockdepReportKind.DependencyNotPredicted, Title, text.Line(), from.DisplayName, to.DisplayName);
        }

        private static HashSet<KeyValuePair<string, string>> UnionOf(StaticGraph graph)
        {
            var union = new HashSet<KeyValuePair<string, string>>();
            var assemblies = new List<Assembly>(graph.Assemblies.Keys);
            foreach (Assembly assembly in assemblies)
            {
                AssemblyEdges edges = graph.Assemblies[assembly] ??= Read(assembly);
                if (edges.Edges is not null)
                {
                    union.UnionWith(edges.Edges);
                }
            }

            return union;
        }

        /// <summary>The assemblies that registered the class, when none of them carried static edges; empty when one did.</summary>
        private static IReadOnlyList<string> WithoutEdges(StaticGraph graph, LockClass cls)
        {
            var names = new List<string>();
            foreach (Assembly assembly in cls.RegisteredBy!)
            {
                if (graph.Assemblies[assembly]?.Edges is not null)
                {
                    return Array.Empty<string>();
                }

                names.Add(NameOf(assembly));
            }

            return names;
        }

        private static AssemblyEdges Read(Assembly assembly)
        {
            foreach (AssemblyMetadataAttribute attribute in assembly.GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false))
            {
                if (attribute.Key == StaticEdgeEncoding.MetadataKey && attribute.Value is { } value)
                {
                    return StaticEdgeEncoding.TryDecode(value, out HashSet<KeyValuePair<string, string>> edges, out string problem)
                        ? new AssemblyEdges(edges, null)
                        : new AssemblyEdges(null, problem);
                }
            }

            return new AssemblyEdges(null, null);
        }

        private static string NameOf(Assembly assembly) => assembly.GetName().Name ?? assembly.FullName ?? "?";

        /// <summary>The dependencies the run took that the static edges did not have, in the order found.</summary>
        internal static IReadOnlyList<UnpredictedDependency> UnpredictedDependencies()
        {
            lock (s_graphLock)
            {
                return s_state is { } state ? state.StaticGraph.Found.ToArray() : Array.Empty<UnpredictedDependency>();
            }
        }
    }

    /// <summary>What the cross-check knows of the loaded assemblies' static edges; used under the graph lock.</summary>
    internal sealed class StaticGraph
    {
        /// <summary>Every assembly that registered a class, with its edges once read (null until then).</summary>
        public readonly Dictionary<Assembly, AssemblyEdges?> Assemblies = new Dictionary<Assembly, AssemblyEdges?>();

        /// <summary>The union of the assemblies' edges; null when an assembly registered since it was built.</summary>
        public HashSet<KeyValuePair<string, string>>? Union;

        /// <summary>The pairs of registered classes already reported, each once.</summary>
        public readonly HashSet<(int From, int To)> ReportedPairs = new HashSet<(int From, int To)>();

        public readonly List<UnpredictedDependency> Found = new List<UnpredictedDependency>();
    }

    /// <summary>One assembly's static edges; both null when it carries none, <see cref="Problem"/> when they could not be read.</summary>
    internal sealed class AssemblyEdges
    {
        public AssemblyEdges(HashSet<KeyValuePair<string, string>>? edges, string? problem)
        {
            Edges = edges;
            Problem = problem;
        }

        public HashSet<KeyValuePair<string, string>>? Edges { get; }

        public string? Problem { get; }
    }
}
