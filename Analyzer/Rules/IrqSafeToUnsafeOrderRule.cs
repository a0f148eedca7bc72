using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0005: an IRQ-safe class (used in interrupt context) held while an IRQ-unsafe class (taken with
    /// that interrupt enabled) is acquired, directly or through any chain of dependencies. Reported at
    /// the acquisition of the IRQ-unsafe class that ends the chain.
    /// </summary>
    internal static class IrqSafeToUnsafeOrderRule
    {
        public static void Analyze(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            var outgoing = new Dictionary<LockClass, List<DependencyEdge>>();
            foreach (var edge in graph.Dependencies.Edges)
            {
                if (!outgoing.TryGetValue(edge.From, out var list))
                {
                    list = new List<DependencyEdge>();
                    outgoing.Add(edge.From, list);
                }

                list.Add(edge);
            }

            foreach (var safe in graph.Usage.Classes)
            {
                Check(graph, outgoing, safe, LockUsage.UsedInHardIrq, LockUsage.UsedInHardIrqRead, LockUsage.EnabledHardIrq, LockUsage.EnabledHardIrqRead, "HARDIRQ", report);
                Check(graph, outgoing, safe, LockUsage.UsedInSoftIrq, LockUsage.UsedInSoftIrqRead, LockUsage.EnabledSoftIrq, LockUsage.EnabledSoftIrqRead, "SOFTIRQ", report);
            }
        }

        /// <summary>
        /// lockdep's <c>check_irq_usage</c>, from the safe class forward along strong paths only
        /// (<see cref="DependencyKind"/>). Reader usages count as lockdep counts them: a safe class only read
        /// in the interrupt matters where the chain holds it exclusively, and an unsafe class only read with
        /// the interrupt enabled matters where the chain does not reach it as a recursive read.
        /// </summary>
        private static void Check(
            ProgramGraph graph,
            Dictionary<LockClass, List<DependencyEdge>> outgoing,
            LockClass safe,
            LockUsage used,
            LockUsage usedRead,
            LockUsage enabled,
            LockUsage enabledRead,
            string irq,
            System.Action<Diagnostic> report)
        {
            var writerInIrq = graph.Usage.Witness(safe, used);
            if ((writerInIrq ?? graph.Usage.Witness(safe, usedRead)) is not { } safeWitness || !outgoing.ContainsKey(safe))
            {
                return;
            }

            // Breadth-first over (class, reached only as a recursive read), so each IRQ-unsafe class is
            // reported with the shortest strong chain from the safe one.
            var root = (safe, false);
            var via = new Dictionary<(LockClass, bool), (DependencyEdge Edge, (LockClass, bool) From)>();
            var visited = new HashSet<(LockClass, bool)> { root };
            var reported = new HashSet<LockClass>();
            var queue = new Queue<(LockClass Class, bool OnlyRecursive)>();
            queue.Enqueue(root);
            while (queue.Count > 0)
            {
                var current = queue.Dequeue();
                if (!outgoing.TryGetValue(current.Class, out var edges))
                {
                    continue;
                }

                foreach (var edge in edges)
                {
                    var kinds = graph.Dependencies.KindsOf(edge);
                    kinds = current.Equals(root)
                        ? (writerInIrq is null ? kinds & ~DependencyKinds.OutOfShared : kinds)
                        : DependencyKind.Next(kinds, current.OnlyRecursive);
                    var next = (edge.To, DependencyKind.OnlyRecursive(kinds));
                    if (kinds == DependencyKinds.None || edge.To.Equals(safe) || !visited.Add(next))
                    {
                        continue;
                    }

                    via.Add(next, (edge, current));
                    queue.Enqueue(next);
                    var unsafeWitness = graph.Usage.Witness(edge.To, enabled) ?? (next.Item2 ? null : graph.Usage.Witness(edge.To, enabledRead));
                    if (unsafeWitness is not null && reported.Add(edge.To))
                    {
                        var chain = new List<DependencyEdge>();
                        for (var step = next; !step.Equals(root); step = via[step].From)
                        {
                            chain.Insert(0, via[step].Edge);
                        }

                        Report(graph, safe, edge.To, chain, safeWitness, unsafeWitness, irq, report);
                    }
                }
            }
        }

        private static void Report(
            ProgramGraph graph,
            LockClass safe,
            LockClass unsafeClass,
            List<DependencyEdge> chain,
            UsageWitness safeWitness,
            UsageWitness unsafeWitness,
            string irq,
            System.Action<Diagnostic> report)
        {
            var last = chain[chain.Count - 1];
            var text = "'" + safe + "'";
            foreach (var edge in chain)
            {
                text += " -> '" + edge.To + "'";
            }

            var message =
                $"'{unsafeClass}' ({irq}-unsafe: taken with IRQs enabled at {ReportText.Place(unsafeWitness.Acquisition.Location)}) is acquired while "
                + $"'{safe}' ({irq}-safe: taken in interrupt context at {ReportText.Place(safeWitness.Acquisition.Location)}, "
                + $"{InconsistentLockStateRule.Describe(graph, safeWitness)}) is held, along {text}";
            var additional = new List<Location> { safeWitness.Acquisition.Location, unsafeWitness.Acquisition.Location };
            foreach (var edge in chain)
            {
                if (edge.Outer.Location is { } outer && !additional.Contains(outer))
                {
                    additional.Add(outer);
                }
            }

            additional.Remove(last.Inner);
            report(Diagnostic.Create(RuleCatalog.IrqSafeToUnsafeOrder, last.Inner, additional, BaselineKey.Properties(safe, unsafeClass), irq, message));
        }
    }
}
