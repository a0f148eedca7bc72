using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;

namespace LockDiscipline.Cli;

/// <summary>
/// The lock graph as one self-contained HTML page: per project, an inline SVG drawn by <see cref="GraphLayout"/>
/// (no script, no stylesheet or font from elsewhere) and a table of the edges with their witness sites. Each
/// edge carries a number on the drawing, the number of its row; hovering an edge or a class shows its witness or key.
/// </summary>
internal static class HtmlWriter
{
    private const string Cycle = "#c62828";
    private const string Plain = "#8a8a8a";

    public static string Write(ImmutableArray<LockGraph> graphs)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>LockDiscipline lock graph</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 32px; }
            .legend span { margin-right: 18px; }
            svg text { font-family: ui-monospace, monospace; font-size: 12px; }
            table { border-collapse: collapse; font-size: 13px; margin-top: 12px; }
            th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
            td.mono { font-family: ui-monospace, monospace; }
            tr.cycle td { color: #c62828; }
            .scroll { overflow-x: auto; border: 1px solid #eee; }
            </style>
            </head>
            <body>
            <h1>LockDiscipline: whole-program lock graph</h1>
            <p class="legend"><span>box: a lock class</span><span>arrow A &rarr; B: B is acquired while A is held</span><span style="color:#c62828">red: part of a lock-order cycle (LD0001)</span><span>number: the edge's row below, with its witness</span></p>

            """);
        foreach (var graph in graphs)
        {
            WriteGraph(html, graph);
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    private static void WriteGraph(StringBuilder html, LockGraph graph)
    {
        var cycles = graph.Edges.Count(e => e.InCycle);
        html.Append("<h2>").Append(Encode(graph.Project)).Append(": ")
            .Append(graph.Nodes.Length).Append(" lock classes, ").Append(graph.Edges.Length).Append(" dependencies, ")
            .Append(cycles).Append(" in cycles</h2>\n");
        if (graph.Nodes.IsEmpty)
        {
            html.Append("<p>No lock is taken while another is held.</p>\n");
            return;
        }

        var layout = GraphLayout.Of(graph);
        html.Append("<div class=\"scroll\">\n");
        html.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{layout.Width:0}\" height=\"{layout.Height:0}\" viewBox=\"0 0 {layout.Width:0} {layout.Height:0}\">\n"));
        html.Append("<defs>\n");
        AppendMarker(html, "plain", Plain);
        AppendMarker(html, "cycle", Cycle);
        html.Append("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        foreach (var edge in layout.Edges)
        {
            var colour = edge.Edge.InCycle ? Cycle : Plain;
            html.Append("<g><title>").Append(Encode(Describe(graph, edge.Edge))).Append("</title>");
            html.Append("<path d=\"").Append(edge.Path).Append("\" fill=\"none\" stroke=\"").Append(colour)
                .Append(edge.Edge.InCycle ? "\" stroke-width=\"2.2\"" : "\" stroke-width=\"1.3\"")
                .Append(edge.Backward ? " stroke-dasharray=\"6 3\"" : string.Empty)
                .Append(edge.Backward ? " marker-start=\"url(#" : " marker-end=\"url(#").Append(edge.Edge.InCycle ? "cycle" : "plain").Append(")\"/>");
            html.Append(Invariant($"<circle cx=\"{edge.LabelX:0.#}\" cy=\"{edge.LabelY:0.#}\" r=\"9\" fill=\"white\" stroke=\"{colour}\"/>"));
            html.Append(Invariant($"<text x=\"{edge.LabelX:0.#}\" y=\"{edge.LabelY + 4:0.#}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{colour}\">{edge.Number}</text></g>\n"));
        }

        foreach (var node in layout.Nodes)
        {
            var inCycle = node.Node.InCycle;
            html.Append("<g><title>").Append(Encode(node.Node.Key)).Append("</title>");
            html.Append(Invariant($"<rect x=\"{node.X:0.#}\" y=\"{node.Y:0.#}\" width=\"{node.Width:0.#}\" height=\"{node.Height:0.#}\" rx=\"6\" "))
                .Append(inCycle ? $"fill=\"#ffebee\" stroke=\"{Cycle}\" stroke-width=\"2\"/>" : "fill=\"#f5f5f5\" stroke=\"#555\" stroke-width=\"1\"/>");
            html.Append(Invariant($"<text x=\"{node.X + node.Width / 2:0.#}\" y=\"{node.Y + node.Height / 2 + 4:0.#}\" text-anchor=\"middle\""))
                .Append(inCycle ? $" fill=\"{Cycle}\">" : ">").Append(Encode(node.Node.Name)).Append("</text></g>\n");
        }

        html.Append("</svg>\n</div>\n");
        html.Append("<table>\n<tr><th>#</th><th>held</th><th>acquired</th><th>witness</th><th>cycle</th></tr>\n");
        foreach (var edge in layout.Edges.OrderBy(e => e.Number))
        {
            html.Append(edge.Edge.InCycle ? "<tr class=\"cycle\">" : "<tr>")
                .Append("<td>").Append(edge.Number).Append("</td>")
                .Append("<td class=\"mono\">").Append(Encode(NameOf(graph, edge.Edge.From))).Append("</td>")
                .Append("<td class=\"mono\">").Append(Encode(NameOf(graph, edge.Edge.To))).Append("</td>")
                .Append("<td class=\"mono\">").Append(Encode(edge.Edge.Witness)).Append("</td>")
                .Append("<td>").Append(edge.Edge.InCycle ? "yes" : string.Empty).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void AppendMarker(StringBuilder html, string id, string colour)
        => html.Append("<marker id=\"").Append(id).Append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">")
            .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"").Append(colour).Append("\"/></marker>\n");

    private static string Describe(LockGraph graph, LockGraphEdge edge)
        => $"{NameOf(graph, edge.From)} -> {NameOf(graph, edge.To)}: {edge.Witness}";

    private static string NameOf(LockGraph graph, string key) => graph.Nodes.First(n => n.Key == key).Name;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
