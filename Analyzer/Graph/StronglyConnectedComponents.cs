using System;
using System.Collections.Generic;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// Tarjan's algorithm without recursion (call chains and lock graphs can be deep enough to
    /// overflow the compiler's stack). Components come out callees-first: reverse topological order.
    /// </summary>
    internal static class StronglyConnectedComponents
    {
        public static List<List<int>> Find(int nodeCount, Func<int, IReadOnlyList<int>> successors)
        {
            var index = new int[nodeCount];
            var lowLink = new int[nodeCount];
            var onStack = new bool[nodeCount];
            for (var i = 0; i < nodeCount; i++)
            {
                index[i] = -1;
            }

            var components = new List<List<int>>();
            var stack = new Stack<int>();
            var work = new Stack<(int Node, int NextSuccessor)>();
            var counter = 0;

            for (var root = 0; root < nodeCount; root++)
            {
                if (index[root] >= 0)
                {
                    continue;
                }

                work.Push((root, 0));
                while (work.Count > 0)
                {
                    var (node, next) = work.Pop();
                    if (next == 0)
                    {
                        index[node] = lowLink[node] = counter++;
                        stack.Push(node);
                        onStack[node] = true;
                    }

                    var edges = successors(node);
                    var descended = false;
                    for (var i = next; i < edges.Count; i++)
                    {
                        var successor = edges[i];
                        if (index[successor] < 0)
                        {
                            work.Push((node, i + 1));
                            work.Push((successor, 0));
                            descended = true;
                            break;
                        }

                        if (onStack[successor])
                        {
                            lowLink[node] = Math.Min(lowLink[node], index[successor]);
                        }
                    }

                    if (descended)
                    {
                        continue;
                    }

                    if (lowLink[node] == index[node])
                    {
                        var component = new List<int>();
                        int member;
                        do
                        {
                            member = stack.Pop();
                            onStack[member] = false;
                            component.Add(member);
                        }
                        while (member != node);
                        components.Add(component);
                    }

                    if (work.Count > 0)
                    {
                        var parent = work.Peek().Node;
                        lowLink[parent] = Math.Min(lowLink[parent], lowLink[node]);
                    }
                }
            }

            return components;
        }
    }
}
