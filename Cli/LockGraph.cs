using System.Collections.Immutable;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Rules;
using LockDiscipline.LockModel;

namespace LockDiscipline.Cli;

/// <summary>A lock class of the graph: its key (identity) and the name reports print for it.</summary>
internal sealed record LockGraphNode(string Key, string Name, bool InCycle);

/// <summary>"<see cref="To"/> taken while <see cref="From"/> is held", with the witness the analyzer kept for it.</summary>
internal sealed record LockGraphEdge(string From, string To, string Witness, bool InCycle);

/// <summary>
/// The analyzer's whole-program lock graph of one project as plain data, in a deterministic order: nodes by
/// key, edges by their ends. Read from the <see cref="ProgramGraph"/> the compilation-end rules used, so the
/// picture shows exactly the dependencies and cycles LD0001 reasons about.
/// </summary>
internal sealed record LockGraph(string Project, ImmutableArray<LockGraphNode> Nodes, ImmutableArray<LockGraphEdge> Edges)
{
    public static LockGraph From(string project, ProgramGraph graph)
    {
        var inCycles = new HashSet<(LockClass, LockClass)>();
        foreach (var cycle in graph.Cycles)
        {
            foreach (var edge in cycle)
            {
                inCycles.Add((edge.From, edge.To));
            }
        }

        var classes = new SortedDictionary<string, LockClass>(StringComparer.Ordinal);
        var edges = new List<LockGraphEdge>();
        foreach (var edge in graph.Dependencies.Edges)
        {
            classes[edge.From.Key] = edge.From;
            classes[edge.To.Key] = edge.To;
            edges.Add(new LockGraphEdge(edge.From.Key, edge.To.Key, CircularLockDependencyRule.Describe(graph, edge), inCycles.Contains((edge.From, edge.To))));
        }

        // Two classes that print alike are told apart the way reports do, lockdep's name_version: Cache._items, Cache._items#2.
        var seenNames = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = ImmutableArray.CreateBuilder<LockGraphNode>(classes.Count);
        foreach (var (key, lockClass) in classes)
        {
            var version = seenNames.TryGetValue(lockClass.DisplayName, out var count) ? count + 1 : 1;
            seenNames[lockClass.DisplayName] = version;
            var inCycle = edges.Exists(e => e.InCycle && (e.From == key || e.To == key));
            nodes.Add(new LockGraphNode(key, version == 1 ? lockClass.DisplayName : lockClass.DisplayName + "#" + version, inCycle));
        }

        edges.Sort((a, b) => string.CompareOrdinal(a.From, b.From) is var byFrom and not 0 ? byFrom : string.CompareOrdinal(a.To, b.To));
        return new LockGraph(project, nodes.MoveToImmutable(), edges.ToImmutableArray());
    }
}
