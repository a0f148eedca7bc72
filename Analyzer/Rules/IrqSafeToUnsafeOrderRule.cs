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
                Check(graph, outgoing, safe, LockUsage.UsedInHardIrq, LockUsage.EnabledHardIrq, "HARDIRQ", report);
                Check(graph, outgoing, safe, LockUsage.UsedInSoftIrq, LockUsage.EnabledSoftIrq, "SOFTIRQ", report);
            }
        }

        private static void Check(
            ProgramGraph graph,
            Dictionary<LockClass, List<DependencyEdge>> outgoing,
            LockClass safe,
            LockUsage used,
            LockUsage enabled,
            string irq,
            System.Action<Diagnostic> report)
        {
            if (graph.Usage.Witness(safe, used) is not { } safeWitness || !outgoing.ContainsKey(safe))
            {
                return;
            }

            // Breadth-first, so each IRQ-unsafe class is reported with the shortest chain from the safe one.
            var via = new Dictionary<LockClass, DependencyEdge>();
            var queue = new Queue<LockClass>();
            queue.Enqueue(safe);
            while (queue.Count > 0)
            {
                var current = queue.Dequeue();
                if (!outgoing.TryGetValue(current, out var edges))
                {
                    continue;
                }

                foreach (var edge in edges)
                {
                    if (edge.To.Equals(safe) || via.ContainsKey(edge.To))
                    {
                        continue;
                    }

                    via.Add(edge.To, edge);
                    queue.Enqueue(edge.To);
                    if (graph.Usage.Witness(edge.To, enabled) is { } unsafeWitness)
                    {
                        Report(graph, safe, edge.To, via, safeWitness, unsafeWitness, irq, report);
                    }
                }
            }
        }

        private static void Report(
            ProgramGraph graph,
            LockClass safe,
            LockClass unsafeClass,
            Dictionary<LockClass, DependencyEdge> via,
            UsageWitness safeWitness,
            UsageWitness unsafeWitness,
            string irq,
            System.Action<Diagnostic> report)
        {
            var chain = new List<DependencyEdge>();
            for (var current = unsafeClass; !current.Equals(safe); current = via[current].From)
            {
                chain.Insert(0, via[current]);
            }

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
            report(Diagnostic.Create(RuleCatalog.IrqSafeToUnsafeOrder, last.Inner, additional, irq, message));
        }
    }
}
