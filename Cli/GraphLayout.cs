using System.Globalization;

namespace LockDiscipline.Cli;

/// <summary>A placed lock class: its box, top-left corner and size, in SVG user units.</summary>
internal sealed record PlacedNode(LockGraphNode Node, double X, double Y, double Width, double Height);

/// <summary>
/// A drawn edge: its SVG path, where its number badge goes, and whether it runs backwards (right to left: it
/// closes a cycle, and its path runs from its target to its source, the arrow at the path's start).
/// </summary>
internal sealed record PlacedEdge(LockGraphEdge Edge, int Number, string Path, double LabelX, double LabelY, bool Backward);

/// <summary>
/// A layered drawing of the lock graph, left to right, computed here so the page needs nothing external
/// (Sugiyama's method, small): back edges found by a depth-first search are turned round so the graph is
/// acyclic; each class goes in the column of its longest chain of predecessors; an edge that spans several
/// columns gets a waypoint in each, so it passes between boxes; barycentre sweeps order each column to
/// untangle the edges. Deterministic: the same graph gives the same picture.
/// </summary>
internal sealed class GraphLayout
{
    private const double CharWidth = 7.3;
    private const double BoxHeight = 30;
    private const double BoxPadding = 22;
    private const double ColumnGap = 110;
    private const double RowGap = 26;
    private const double Margin = 30;
    private const double WaypointHeight = 8;
    private const double ParallelGap = 9;
    private const int Sweeps = 8;

    /// <summary>Where along its curve the number of the first, second, ... edge between one pair of classes goes.</summary>
    private static readonly double[] BadgePositions = { 0.5, 0.25, 0.75, 0.12, 0.88 };

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

        var edges = graph.Edges.Select(e => (From: index[e.From], To: index[e.To])).ToList();
        var backward = FindBackEdges(count, edges);

        // Back edges are turned round so the graph is acyclic (and drawn with the arrow at their start).
        var upright = edges.Select((e, i) => backward.Contains(i) ? (From: e.To, To: e.From) : e).ToList();
        var layer = Layers(count, upright).ToList();

        // An edge longer than one column gets a waypoint in each column it crosses, ordered like a node,
        // so it runs between boxes instead of through them.
        var chains = new List<List<int>>();
        var segments = new List<(int From, int To)>();
        foreach (var (from, to) in upright)
        {
            var chain = new List<int> { from };
            for (var column = layer[from] + 1; column < layer[to]; column++)
            {
                chain.Add(layer.Count);
                layer.Add(column);
            }

            chain.Add(to);
            for (var i = 1; i < chain.Count; i++)
            {
                segments.Add((chain[i - 1], chain[i]));
            }

            chains.Add(chain);
        }

        var total = layer.Count;
        var columns = Order(total, layer.ToArray(), segments);
        var width = new double[total];
        var height = new double[total];
        for (var i = 0; i < total; i++)
        {
            width[i] = i < count ? graph.Nodes[i].Name.Length * CharWidth + BoxPadding : 0;
            height[i] = i < count ? BoxHeight : WaypointHeight;
        }

        var columnsHeight = columns.Max(c => c.Sum(n => height[n]) + (c.Count - 1) * RowGap);
        var x = new double[total];
        var y = new double[total];
        var columnLeft = new double[columns.Count];
        var columnRight = new double[columns.Count];
        var left = Margin;
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            var columnWidth = column.Max(n => width[n]);
            var top = Margin + (columnsHeight - (column.Sum(n => height[n]) + (column.Count - 1) * RowGap)) / 2;
            foreach (var node in column)
            {
                x[node] = left + (columnWidth - width[node]) / 2;
                y[node] = top;
                top += height[node] + RowGap;
            }

            columnLeft[c] = left;
            columnRight[c] = left + columnWidth;
            left += columnWidth + ColumnGap;
        }

        var placedNodes = new List<PlacedNode>(count);
        for (var i = 0; i < count; i++)
        {
            placedNodes.Add(new PlacedNode(graph.Nodes[i], x[i], y[i], width[i], BoxHeight));
        }

        // Two edges between the same pair of classes (one each way) are drawn a little apart.
        var parallel = new Dictionary<(int, int), int>();
        var placedEdges = new List<PlacedEdge>(edges.Count);
        for (var i = 0; i < edges.Count; i++)
        {
            var chain = chains[i];
            var pair = (Math.Min(chain[0], chain[^1]), Math.Max(chain[0], chain[^1]));
            var nth = parallel.TryGetValue(pair, out var seen) ? seen : 0;
            parallel[pair] = nth + 1;
            var shift = nth * ParallelGap;

            var points = new List<(double X, double Y)> { (x[chain[0]] + width[chain[0]], y[chain[0]] + BoxHeight / 2 + shift) };
            for (var k = 1; k < chain.Count - 1; k++)
            {
                var waypoint = chain[k];
                points.Add((columnLeft[layer[waypoint]], y[waypoint] + WaypointHeight / 2 + shift));
                points.Add((columnRight[layer[waypoint]], y[waypoint] + WaypointHeight / 2 + shift));
            }

            points.Add((x[chain[^1]], y[chain[^1]] + BoxHeight / 2 + shift));
            placedEdges.Add(Path(graph.Edges[i], i + 1, points, backward.Contains(i), BadgePositions[nth % BadgePositions.Length]));
        }

        return new GraphLayout(placedNodes, placedEdges, left - ColumnGap + Margin, columnsHeight + 2 * Margin);
    }

    /// <summary>
    /// Curves between columns (leaving and entering level, so parallel edges stay apart) and straight runs
    /// across the columns an edge passes; its number sits on its middle curve, at <paramref name="badgeAt"/>
    /// (a fraction of the curve), which differs between parallel edges so their numbers do not cover each other.
    /// </summary>
    private static PlacedEdge Path(LockGraphEdge edge, int number, List<(double X, double Y)> points, bool backward, double badgeAt)
    {
        var path = new System.Text.StringBuilder();
        path.Append(Invariant($"M{points[0].X:0.#},{points[0].Y:0.#}"));
        var curves = new List<((double X, double Y) From, (double X, double Y) To)>();
        for (var i = 1; i < points.Count; i++)
        {
            var (a, b) = (points[i - 1], points[i]);
            if (i % 2 == 1)
            {
                var bend = (b.X - a.X) / 2;
                path.Append(Invariant($" C{a.X + bend:0.#},{a.Y:0.#} {b.X - bend:0.#},{b.Y:0.#} {b.X:0.#},{b.Y:0.#}"));
                curves.Add((a, b));
            }
            else
            {
                path.Append(Invariant($" L{b.X:0.#},{b.Y:0.#}"));
            }
        }

        // The curve's point at t. Its inner control points sit halfway across, level with the ends.
        var (from, to) = curves[curves.Count / 2];
        var t = badgeAt;
        var ease = t * t * (3 - 2 * t);
        var badgeX = from.X + (to.X - from.X) * (1.5 * t * (1 - t) + t * t * t);
        return new PlacedEdge(edge, number, path.ToString(), badgeX, from.Y + (to.Y - from.Y) * ease, backward);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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
