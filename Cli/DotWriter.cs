using System.Collections.Immutable;
using System.Text;

namespace LockDiscipline.Cli;

/// <summary>The lock graph as Graphviz DOT: one cluster per project, edges labelled with their witness, cycles in red.</summary>
internal static class DotWriter
{
    public static string Write(ImmutableArray<LockGraph> graphs)
    {
        var dot = new StringBuilder();
        dot.Append("digraph lockdiscipline {\n")
            .Append("  rankdir=LR;\n")
            .Append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f5f5\", fontname=\"monospace\"];\n")
            .Append("  edge [fontname=\"monospace\", fontsize=9, color=\"#777777\"];\n");
        for (var i = 0; i < graphs.Length; i++)
        {
            var graph = graphs[i];
            dot.Append("  subgraph cluster_").Append(i).Append(" {\n")
                .Append("    label=").Append(Quote(graph.Project)).Append(";\n");
            foreach (var node in graph.Nodes)
            {
                dot.Append("    ").Append(Id(i, node.Key)).Append(" [label=").Append(Quote(node.Name)).Append(", tooltip=").Append(Quote(node.Key));
                dot.Append(node.InCycle ? ", color=\"#c62828\", fillcolor=\"#ffebee\", penwidth=2" : string.Empty).Append("];\n");
            }

            foreach (var edge in graph.Edges)
            {
                dot.Append("    ").Append(Id(i, edge.From)).Append(" -> ").Append(Id(i, edge.To))
                    .Append(" [label=").Append(Quote(edge.Witness));
                dot.Append(edge.InCycle ? ", color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2" : string.Empty).Append("];\n");
            }

            dot.Append("  }\n");
        }

        return dot.Append("}\n").ToString();
    }

    /// <summary>Node IDs carry the project index, so that one class in two projects is two nodes.</summary>
    private static string Id(int project, string key) => Quote(project + "|" + key);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
