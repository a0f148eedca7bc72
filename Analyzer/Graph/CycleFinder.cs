using System;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// Finds the distinct lock-order cycles: within each strongly connected component of the class
    /// graph, the shortest cycle through each edge (breadth-first back to its source). That bounds
    /// the work by the number of edges instead of enumerating every elementary cycle, and still
    /// reports every edge that takes part in some cycle. A cycle counts only if it is a strong path
    /// (lockdep's recursive-read rule, <see cref="DependencyKind"/>).
    /// </summary>
    internal static class CycleFinder
    {
        private const int MaxCyclesPerComponent = 64;

        public static List<List<DependencyEdge>> Find(DependencyGraph graph)
        {
            var nodes = new Dictionary<LockClass, int>();
            var classes = new List<LockClass>();
            var outgoing = new List<List<DependencyEdge>>();
            int NodeOf(LockClass lockClass)
            {
                if (!nodes.TryGetValue(lockClass, out var node))
                {
                    node = classes.Count;
                    nodes.Add(lockClass, node);
                    classes.Add(lockClass);
                    outgoing.Add(new List<DependencyEdge>());
                }

                return node;
            }

            foreach (var edge in graph.Edges)
            {
                outgoing[NodeOf(edge.From)].Add(edge);
                NodeOf(edge.To);
            }

            var successors = new List<int>[classes.Count];
            for (var i = 0; i < classes.Count; i++)
            {
                successors[i] = new List<int>(outgoing[i].Count);
                foreach (var edge in outgoing[i])
                {
                    successors[i].Add(nodes[edge.To]);
                }
            }

            var cycles = new List<List<DependencyEdge>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var component in StronglyConnectedComponents.Find(classes.Count, i => successors[i]))
            {
                if (component.Count < 2)
                {
                    continue;
                }

                var inComponent = new HashSet<int>(component);
                component.Sort();
                var found = 0;
                foreach (var node in component)
                {
                    foreach (var edge in outgoing[node])
                    {
                        var target = nodes[edge.To];
                        if (!inComponent.Contains(target) || found >= MaxCyclesPerComponent)
                        {
                            continue;
                        }

                        var back = ShortestPath(target, node, inComponent, outgoing, nodes);
                        if (back is null)
                        {
                            continue;
                        }

                        back.Insert(0, edge);
                        if (IsGated(back, graph) || !IsStrong(back, graph))
                        {
                            continue;
                        }

                        if (seen.Add(CanonicalKey(back)))
                        {
                            cycles.Add(back);
                            found++;
                        }
                    }
                }
            }

            return cycles;
        }

        private static List<DependencyEdge>? ShortestPath(int from, int to, HashSet<int> allowed, List<List<DependencyEdge>> outgoing, Dictionary<LockClass, int> nodes)
        {
            var via = new Dictionary<int, DependencyEdge>();
            var queue = new Queue<int>();
            queue.Enqueue(from);
            var visited = new HashSet<int> { from };
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (node == to)
                {
                    var path = new List<DependencyEdge>();
                    while (node != from)
                    {
                        var edge = via[node];
                        path.Add(edge);
                        node = nodes[edge.From];
                    }

                    path.Reverse();
                    return path;
                }

                foreach (var edge in outgoing[node])
                {
                    var next = nodes[edge.To];
                    if (allowed.Contains(next) && visited.Add(next))
                    {
                        via[next] = edge;
                        queue.Enqueue(next);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// Every edge of the cycle is taken under one gate lock: two threads cannot each be inside a
        /// different edge at once, so the cycle cannot close. Only the shortest cycle through an edge is
        /// tried; a longer ungated one through the same edge may still be found from another of its edges.
        /// </summary>
        private static bool IsGated(List<DependencyEdge> cycle, DependencyGraph graph)
        {
            foreach (var gate in graph.GatesOf(cycle[0]))
            {
                var everywhere = true;
                for (var i = 1; i < cycle.Count && everywhere; i++)
                {
                    everywhere = Contains(graph.GatesOf(cycle[i]), gate);
                }

                if (everywhere)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// lockdep's recursive-read rule: a cycle through recursive reads is a deadlock only if it is a strong
        /// path all the way round (<see cref="DependencyKind"/>). Only the shortest cycle through an edge is
        /// tried, so a longer strong one behind a weak shortest one is missed: the rule reports less, never more.
        /// </summary>
        private static bool IsStrong(List<DependencyEdge> cycle, DependencyGraph graph)
        {
            var kinds = new DependencyKinds[cycle.Count];
            for (var i = 0; i < cycle.Count; i++)
            {
                kinds[i] = graph.KindsOf(cycle[i]);
            }

            return DependencyKind.IsStrongCycle(kinds);
        }

        private static bool Contains(IReadOnlyList<LockClass> classes, LockClass lockClass)
        {
            foreach (var candidate in classes)
            {
                if (candidate.Equals(lockClass))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The same cycle found from different edges has one key: its classes rotated to start at the smallest.</summary>
        private static string CanonicalKey(List<DependencyEdge> cycle)
        {
            var start = 0;
            for (var i = 1; i < cycle.Count; i++)
            {
                if (string.CompareOrdinal(cycle[i].From.Key, cycle[start].From.Key) < 0)
                {
                    start = i;
                }
            }

            var key = string.Empty;
            for (var i = 0; i < cycle.Count; i++)
            {
                key += cycle[(start + i) % cycle.Count].From.Key + "\n";
            }

            return key;
        }
    }
}
