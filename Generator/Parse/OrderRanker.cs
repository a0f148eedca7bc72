using System;
using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Generator.Model;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>A contradiction among declared orders: the classes of the cycle in order, first repeated last.</summary>
    internal sealed class OrderCycle
    {
        public OrderCycle(IReadOnlyList<string> classes, SourceSpan? where)
        {
            Classes = classes;
            Where = where;
        }

        public IReadOnlyList<string> Classes { get; }

        /// <summary>The attribute that declares the cycle's first edge.</summary>
        public SourceSpan? Where { get; }
    }

    /// <summary>
    /// Turns declared orders into the engine's ranks: a class's rank is the length of the longest chain
    /// of declared "acquired before" edges that leads to it, so every class declared before another has
    /// a smaller rank, and classes that no edge orders against each other can share one. Classes on a
    /// cycle of declarations get no rank (-1) and the cycle is reported.
    /// </summary>
    internal static class OrderRanker
    {
        public static (Dictionary<string, int> Ranks, List<OrderCycle> Cycles) Rank(IEnumerable<OrderEdge> edges, ISet<string> declaredClassNames)
        {
            // Adjacency with the first declaring attribute of each edge; sorted so results never depend on input order.
            var successors = new SortedDictionary<string, SortedDictionary<string, SourceSpan?>>(StringComparer.Ordinal);
            foreach (var edge in edges)
            {
                if (!Known(edge.Before) || !Known(edge.After))
                {
                    continue;
                }

                Node(edge.After);
                var next = Node(edge.Before);
                if (!next.ContainsKey(edge.After.Name))
                {
                    next.Add(edge.After.Name, edge.Where);
                }
            }

            var cycles = new List<OrderCycle>();
            var cyclic = new HashSet<string>(StringComparer.Ordinal);
            foreach (var component in StronglyConnectedComponents(successors))
            {
                var first = component[0];
                if (component.Count == 1 && !successors[first].ContainsKey(first))
                {
                    continue;
                }

                cyclic.UnionWith(component);
                cycles.Add(CycleThrough(first, new HashSet<string>(component, StringComparer.Ordinal), successors));
            }

            return (LongestChainRanks(successors, cyclic), cycles.OrderBy(c => c.Classes[0], StringComparer.Ordinal).ToList());

            bool Known(OrderEndpoint endpoint) => !endpoint.MustBeDeclaredClass || declaredClassNames.Contains(endpoint.Name);

            SortedDictionary<string, SourceSpan?> Node(OrderEndpoint endpoint)
            {
                if (!successors.TryGetValue(endpoint.Name, out var next))
                {
                    next = new SortedDictionary<string, SourceSpan?>(StringComparer.Ordinal);
                    successors.Add(endpoint.Name, next);
                }

                return next;
            }
        }

        private static Dictionary<string, int> LongestChainRanks(SortedDictionary<string, SortedDictionary<string, SourceSpan?>> successors, HashSet<string> cyclic)
        {
            var incoming = successors.Keys.Where(n => !cyclic.Contains(n)).ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
            foreach (var pair in successors)
            {
                if (cyclic.Contains(pair.Key))
                {
                    continue;
                }

                foreach (var target in pair.Value.Keys)
                {
                    if (!cyclic.Contains(target))
                    {
                        incoming[target]++;
                    }
                }
            }

            var ranks = incoming.Keys.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
            var ready = new Queue<string>(incoming.Where(p => p.Value == 0).Select(p => p.Key).OrderBy(n => n, StringComparer.Ordinal));
            while (ready.Count > 0)
            {
                var node = ready.Dequeue();
                foreach (var target in successors[node].Keys)
                {
                    if (cyclic.Contains(target))
                    {
                        continue;
                    }

                    ranks[target] = Math.Max(ranks[target], ranks[node] + 1);
                    if (--incoming[target] == 0)
                    {
                        ready.Enqueue(target);
                    }
                }
            }

            return ranks;
        }

        /// <summary>A shortest cycle from <paramref name="start"/> back to itself inside its component (breadth first, so it reads short).</summary>
        private static OrderCycle CycleThrough(string start, HashSet<string> component, SortedDictionary<string, SortedDictionary<string, SourceSpan?>> successors)
        {
            var previous = new Dictionary<string, string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            queue.Enqueue(start);
            string? last = null;
            while (queue.Count > 0 && last is null)
            {
                var node = queue.Dequeue();
                foreach (var target in successors[node].Keys)
                {
                    if (!component.Contains(target))
                    {
                        continue;
                    }

                    if (target == start)
                    {
                        last = node;
                        break;
                    }

                    if (!previous.ContainsKey(target))
                    {
                        previous.Add(target, node);
                        queue.Enqueue(target);
                    }
                }
            }

            var path = new List<string> { start };
            for (var node = last!; node != start; node = previous[node])
            {
                path.Insert(1, node);
            }

            path.Add(start);
            return new OrderCycle(path, successors[path[0]][path[1]]);
        }

        /// <summary>Tarjan's algorithm, iteratively; each component's members sorted, first the smallest.</summary>
        private static List<List<string>> StronglyConnectedComponents(SortedDictionary<string, SortedDictionary<string, SourceSpan?>> successors)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var low = new Dictionary<string, int>(StringComparer.Ordinal);
            var onStack = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            var components = new List<List<string>>();
            var counter = 0;
            foreach (var root in successors.Keys)
            {
                if (index.ContainsKey(root))
                {
                    continue;
                }

                var work = new Stack<(string Node, IEnumerator<string> Next)>();
                Visit(root);
                while (work.Count > 0)
                {
                    var (node, next) = work.Peek();
                    if (next.MoveNext())
                    {
                        var target = next.Current;
                        if (!index.ContainsKey(target))
                        {
                            Visit(target);
                        }
                        else if (onStack.Contains(target))
                        {
                            low[node] = Math.Min(low[node], index[target]);
                        }

                        continue;
                    }

                    work.Pop();
                    if (work.Count > 0)
                    {
                        var parent = work.Peek().Node;
                        low[parent] = Math.Min(low[parent], low[node]);
                    }

                    if (low[node] == index[node])
                    {
                        var component = new List<string>();
                        string member;
                        do
                        {
                            member = stack.Pop();
                            onStack.Remove(member);
                            component.Add(member);
                        }
                        while (member != node);
                        component.Sort(StringComparer.Ordinal);
                        components.Add(component);
                    }
                }

                void Visit(string node)
                {
                    index[node] = low[node] = counter++;
                    stack.Push(node);
                    onStack.Add(node);
                    work.Push((node, successors[node].Keys.GetEnumerator()));
                }
            }

            return components;
        }
    }
}
