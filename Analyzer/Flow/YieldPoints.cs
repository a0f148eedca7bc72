using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// Finds the operations of an async body that run after it has certainly yielded on every path:
    /// after <c>await Task.Yield()</c> or <c>await Task.Delay(d)</c> with d not a constant zero. From there on
    /// the body is a continuation, on another thread than the caller that started it, so the caller's
    /// thread-affine locks are not held by the thread running it. Other awaits may complete
    /// synchronously (a free semaphore, a finished task) and so prove nothing.
    /// </summary>
    internal static class YieldPoints
    {
        private static readonly HashSet<IOperation> None = new HashSet<IOperation>();

        public static HashSet<IOperation> AfterCertainYield(ControlFlowGraph graph, ValueOrigins origins, IMethodSymbol owner)
        {
            if (!owner.IsAsync)
            {
                return None;
            }

            var blocks = graph.Blocks;
            // Must-analysis: null is "not reached yet", the top of the lattice.
            var yieldedOnEntry = new bool?[blocks.Length];
            var pending = new Queue<int>();
            for (var index = 0; index < blocks.Length; index++)
            {
                // The entry, and the blocks exceptions enter (catch, filter and finally regions have no
                // predecessors in the graph): an exception may have been thrown before any yield.
                if (index == 0 || blocks[index].Predecessors.IsEmpty)
                {
                    yieldedOnEntry[index] = false;
                    pending.Enqueue(index);
                }
            }

            while (pending.Count > 0)
            {
                var block = blocks[pending.Dequeue()];
                var yielded = yieldedOnEntry[block.Ordinal]!.Value || YieldsIn(block, origins);
                Deliver(block.ConditionalSuccessor?.Destination, yielded, yieldedOnEntry, pending);
                Deliver(block.FallThroughSuccessor?.Destination, yielded, yieldedOnEntry, pending);
            }

            var result = new HashSet<IOperation>();
            for (var index = 0; index < blocks.Length; index++)
            {
                if (yieldedOnEntry[index] is not { } yielded)
                {
                    continue;
                }

                foreach (var root in Roots(blocks[index]))
                {
                    // A statement is after the yield only when the yield came before it (not within it).
                    if (yielded)
                    {
                        foreach (var operation in root.DescendantsAndSelf())
                        {
                            result.Add(operation);
                        }
                    }

                    yielded |= Yields(root, origins);
                }
            }

            return result;
        }

        private static void Deliver(BasicBlock? successor, bool yielded, bool?[] yieldedOnEntry, Queue<int> pending)
        {
            if (successor is null)
            {
                return;
            }

            var before = yieldedOnEntry[successor.Ordinal];
            var after = before is null ? yielded : before.Value && yielded;
            if (before != after)
            {
                yieldedOnEntry[successor.Ordinal] = after;
                pending.Enqueue(successor.Ordinal);
            }
        }

        private static IEnumerable<IOperation> Roots(BasicBlock block)
        {
            foreach (var operation in block.Operations)
            {
                yield return operation;
            }

            if (block.BranchValue is { } branchValue)
            {
                yield return branchValue;
            }
        }

        private static bool YieldsIn(BasicBlock block, ValueOrigins origins)
        {
            foreach (var root in Roots(block))
            {
                if (Yields(root, origins))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Yields(IOperation root, ValueOrigins origins)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IAwaitOperation awaited
                    && origins.Unwrap(awaited.Operation) is IInvocationOperation { TargetMethod: { ContainingType: { Name: "Task", ContainingNamespace: { Name: "Tasks" } } } task } invocation
                    && (task.Name == "Yield" || (task.Name == "Delay" && invocation.Arguments.Length > 0 && !IsZero(invocation.Arguments[0].Value))))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsZero(IOperation delay)
            => delay.ConstantValue is { HasValue: true, Value: 0 }
                || (delay is IFieldReferenceOperation { Field.Name: "Zero" } && delay.Type?.Name == "TimeSpan");
    }
}
