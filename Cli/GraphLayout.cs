using System.Globalization;

namespace LockDiscipline.Cli;

/// <summary>A placed lock class: its box, top-left corner and size, in SVG user units.</summary>
internal sealed record PlacedNode(LockGraphNode Node, double X, double Y, double Width, double Height);

/// <summary>A drawn edge: its SVG path, where its number badge goes, and whether it runs backwards (closing a cycle).</summary>
internal sealed record PlacedEdge(LockGraphEdge Edge, int Number, string Path, double LabelX, double LabelY, bool Backward);

/// <summary>
/// A layered drawing of the lock graph, left to right, computed here so the page needs nothing external:
/// back edges found by a depth-first search are set aside so the rest is acyclic; each class goes in the
/// column of its longest chain of predecessors; a few barycentre sweeps order each column to untangle the
/// edges; forward edges are curves between columns, and back edges (each cycle has one) loop underneath.
/// Deterministic: the same graph gives the same picture.
/// </summary>
internal sealed class GraphLayout
{
    private const double CharWidth = 7.3;
    private const double BoxHeight = 30;
    private const double BoxPadding = 22;
    private const double ColumnGap = 110;
    private const double RowGap = 26;
    private const double Margin = 30;
    private const double LoopDepth = 34;
    private const int Sweeps = 8;

    private GraphLayout(List<PlacedNode> nodes, List<PlacedEdge> edges, double width, double height)
    {
        Nodes = nodes;
        Edges = edges;
        Width = width;
        Height = height;
    }

    public IReadOnlyList<PlacedNode> Nodes { get; }

    public IReadOnlyList<PlacedEdge> Edges { get; }

    public double Width { get; }

    public double Height { get; }

    public static GraphLayout Of(LockGraph graph)
    {
        var count = graph.Nodes.Length;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            index.Add(graph.Nodes[i].Key, i);
        }

        var edges = graph.Edges.Select(e => (From: index[e.From], To: index[e.To], Edge: e)).ToList();
        var backward = FindBackEdges(count, edges.Select(e => (e.From, e.To)).ToList());
        var layer = Layers(count, edges.Where((_, i) => !backward.Contains(i)).Select(e => (e.From, e.To)).ToList());
        var columns = Order(count, layer, edges.Where((_, i) => !backward.Contains(i)).Select(e => (e.From, e.To)).ToList());

        // Column x positions from the widest box of each column; rows stacked and centred on the tallest column.
        var width = new double[count];
        for (var i = 0; i < count; i++)
        {
            width[i] = graph.Nodes[i].Name.Length * CharWidth + BoxPadding;
        }

        var tallest = columns.Max(c => c.Count);
        var columnsHeight = tallest * BoxHeight + (tallest - 1) * RowGap;
        var x = new double[count];
        var y = new double[count];
        var left = Margin;
        foreach (var column in columns)
        {
            var columnWidth = column.Max(n => width[n]);
            var height = column.Count * BoxHeight + (column.Count - 1) * RowGap;
            var top = Margin + (columnsHeight - height) / 2;
            for (var row = 0; row < column.Count; row++)
            {
                var node = column[row];
                x[node] = left + (columnWidth - width[node]) / 2;
                y[node] = top + row * (BoxHeight + RowGap);
            }

            left += columnWidth + ColumnGap;
        }

        var placedNodes = new List<PlacedNode>(count);
        for (var i = 0; i < count; i++)
        {
            placedNodes.Add(new PlacedNode(graph.Nodes[i], x[i], y[i], width[i], BoxHeight));
        }

        var placedEdges = new List<PlacedEdge>(edges.Count);
        var bottom = Margin + columnsHeight;
        var loops = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            var (from, to, edge) = edges[i];
            if (!backward.Contains(i))
            {
                var (x0, y0) = (x[from] + width[from], y[from] + BoxHeight / 2);
                var (x3, y3) = (x[to], y[to] + BoxHeight / 2);
                var bend = Math.Max(40, (x3 - x0) / 2);
                placedEdges.Add(Curve(edge, i + 1, (x0, y0), (x0 + bend, y0), (x3 - bend, y3), (x3, y3), backward: false));
            }
            else
            {
                // Under everything, each loop a little deeper than the last so loops never coincide.
                loops++;
                var depth = bottom + LoopDepth * loops;
                var (x0, y0) = (x[from] + width[from] * 0.6, y[from] + BoxHeight);
                var (x3, y3) = (x[to] + width[to] * 0.4, y[to] + BoxHeight);
                placedEdges.Add(Curve(edge, i + 1, (x0, y0), (x0, depth), (x3, depth), (x3, y3), backward: true));
            }
        }

        return new GraphLayout(placedNodes, placedEdges, left - ColumnGap + Margin, bottom + LoopDepth * (loops + 1) + Margin);
    }

    private static PlacedEdge Curve(LockGraphEdge edge, int number, (double X, double Y) p0, (double X, double Y) p1, (double X, double Y) p2, (double X, double Y) p3, bool backward)
    {
        // The curve's point at t = 1/2, where its number goes.
        var labelX = (p0.X + 3 * p1.X + 3 * p2.X + p3.X) / 8;
        var labelY = (p0.Y + 3 * p1.Y + 3 * p2.Y + p3.Y) / 8;
        var path = string.Create(CultureInfo.InvariantCulture, $"M{p0.X:0.#},{p0.Y:0.#} C{p1.X:0.#},{p1.Y:0.#} {p2.X:0.#},{p2.Y:0.#} {p3.X:0.#},{p3.Y:0.#}");
        return new PlacedEdge(edge, number, path, labelX, labelY, backward);
    }

    /// <summary>The edges that close a cycle in a depth-first search from each node in order: without them the graph is acyclic.</summary>
    private static HashSet<int> FindBackEdges(int count, List<(int From, int To)> edges)
    {
        var outgoing = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            outgoing[i] = new List<int>();
        }

        for (var i = 0; i < edges.Count; i++)
        {
            outgoing[edges[i].From].Add(i);
        }

        var state = new byte[count]; // 0 unvisited, 1 on the stack, 2 done
        var back = new HashSet<int>();
        for (var root = 0; root < count; root++)
        {
            if (state[root] != 0)
            {
                continue;
            }

            var stack = new Stack<(int Node, int Next)>();
            stack.Push((root, 0));
            state[root] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next == outgoing[node].Count)
                {
                    state[node] = 2;
                    continue;
                }

                stack.Push((node, next + 1));
                var edge = outgoing[node][next];
                var target = edges[edge].To;
                if (state[target] == 1)
                {
                    back.Add(edge);
                }
                else if (state[target] == 0)
                {
                    state[target] = 1;
                    stack.Push((target, 0));
                }
            }
        }

        return back;
    }

    /// <summary>Each node's column: the length of the longest chain of acyclic edges leading to it.</summary>
    private static int[] Layers(int count, List<(int From, int To)> edges)
    {
        var layer = new int[count];
        var incoming = new int[count];
        foreach (var (_, to) in edges)
        {
            incoming[to]++;
        }

        var ready = new Queue<int>(Enumerable.Range(0, count).Where(n => incoming[n] == 0));
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            foreach (var (from, to) in edges)
            {
                if (from == node)
                {
                    layer[to] = Math.Max(layer[to], layer[node] + 1);
                    if (--incoming[to] == 0)
                    {
                        ready.Enqueue(to);
                    }
                }
            }
        }

        return layer;
    }

    /// <summary>The nodes of each column, ordered by barycentre sweeps, right then left, to reduce crossings.</summary>
    private static List<List<int>> Order(int count, int[] layer, List<(int From, int To)> edges)
    {
        var columns = new List<List<int>>();
        for (var node = 0; node < count; node++)
        {
            while (columns.Count <= layer[node])
            {
                columns.Add(new List<int>());
            }

            columns[layer[node]].Add(node);
        }

        var position = new double[count];
        void Number()
        {
            foreach (var column in columns)
            {
                for (var row = 0; row < column.Count; row++)
                {
                    position[column[row]] = (row + 0.5) / column.Count;
                }
            }
        }

        Number();
        for (var sweep = 0; sweep < Sweeps; sweep++)
        {
            var rightwards = sweep % 2 == 0;
            for (var step = 1; step < columns.Count; step++)
            {
                var column = columns[rightwards ? step : columns.Count - 1 - step];
                var centre = new Dictionary<int, double>();
                foreach (var node in column)
                {
                    var neighbours = rightwards
                        ? edges.Where(e => e.To == node).Select(e => position[e.From]).ToList()
                        : edges.Where(e => e.From == node).Select(e => position[e.To]).ToList();
                    centre[node] = neighbours.Count == 0 ? position[node] : neighbours.Average();
                }

                // A stable sort: ties keep their order, so the result depends on the graph only.
                var sorted = column.OrderBy(n => centre[n]).ToList();
                column.Clear();
                column.AddRange(sorted);
                Number();
            }
        }

        return columns;
    }
}
