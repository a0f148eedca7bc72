using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Graph;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0013: a blocking wait, with a lock held, for work whose body (through any calls) acquires that
    /// lock. lockdep models the same hazard with a work map; here the work is the body handed to
    /// <c>Task.Run</c>, <c>Task.Factory.StartNew</c> or <c>new Thread</c> and kept in a local or field.
    /// </summary>
    internal static class WaitForWorkHoldingItsLockRule
    {
        public static void Analyze(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            var summaries = graph.Calls.Summaries;
            for (var method = 0; method < summaries.Count; method++)
            {
                foreach (var wait in summaries[method].Waits)
                {
                    if (wait.Held.IsEmpty)
                    {
                        continue;
                    }

                    foreach (var work in WorkOf(graph, wait))
                    {
                        if (Conflict(graph, wait, work, report))
                        {
                            break;
                        }
                    }
                }
            }
        }

        private static IEnumerable<int> WorkOf(ProgramGraph graph, Summaries.WaitSite wait)
        {
            if (wait.Work is not null)
            {
                if (graph.Calls.IndexOf(wait.Work) is { } direct)
                {
                    yield return direct;
                }

                yield break;
            }

            if (wait.WorkSlot is not null)
            {
                foreach (var target in graph.Calls.WorkTargets(wait.WorkSlot))
                {
                    yield return target;
                }
            }
        }

        private static bool Conflict(ProgramGraph graph, Summaries.WaitSite wait, int work, System.Action<Diagnostic> report)
        {
            var reach = graph.Reach.Of(work);
            foreach (var held in wait.Held)
            {
                if (!reach.TryGetValue(held.Class, out var step))
                {
                    continue;
                }

                var chain = new List<IMethodSymbol>();
                foreach (var hop in graph.Reach.Chain(work, held.Class))
                {
                    chain.Add(hop.Method);
                }

                var additional = new List<Location> { step.Acquisition.Location };
                if (held.Location is { } heldAt)
                {
                    additional.Add(heldAt);
                }

                report(Diagnostic.Create(
                    RuleCatalog.WaitForWorkHoldingItsLock,
                    wait.Location,
                    additional,
                    BaselineKey.Properties(held.Class),
                    $"blocking wait ({wait.How}) for work that acquires '{held.Class}' ({ReportText.Chain(chain)} at {ReportText.Place(step.Acquisition.Location)}) while holding '{held.Class}' (since {ReportText.Place(held.Location)}): the work cannot take the lock until this thread releases it, and this thread waits for the work"));
                return true;
            }

            return false;
        }
    }
}
