using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0002: a lock acquired while holding one that a declared order puts after it. Nested
    /// acquisitions in one body are checked as it is analysed; acquisitions through calls at the end,
    /// at the call that leads to them.
    /// </summary>
    internal static class DeclaredOrderViolationRule
    {
        public static void AnalyzeBody(BodyFlow flow, DeclaredOrder order, System.Action<Diagnostic> report)
        {
            if (order.IsEmpty)
            {
                return;
            }

            var reported = new HashSet<int>();
            foreach (var acquisition in flow.Acquisitions)
            {
                var acquired = acquisition.Operation.Class;
                foreach (var held in acquisition.HeldBefore)
                {
                    if (order.Precedes(acquired, held.Class) is { } declaration && reported.Add(acquisition.Operation.Site.Syntax.SpanStart))
                    {
                        var heldAt = held.Site?.Syntax.GetLocation();
                        report(Diagnostic.Create(
                            RuleCatalog.DeclaredOrderViolation,
                            acquisition.Operation.Site.Syntax.GetLocation(),
                            heldAt is null ? new[] { declaration.Location } : new[] { heldAt, declaration.Location },
                            BaselineKey.Properties(acquired, held.Class),
                            Explain(acquired, held.Class, declaration)));
                    }
                }
            }
        }

        /// <summary>Every call made while holding a lock that leads, through any chain, to a lock declared to come first.</summary>
        public static void AnalyzeProgram(ProgramGraph graph, DeclaredOrder order, System.Action<Diagnostic> report)
        {
            if (order.IsEmpty)
            {
                return;
            }

            var summaries = graph.Calls.Summaries;
            for (var method = 0; method < summaries.Count; method++)
            {
                var calls = summaries[method].Calls;
                for (var call = 0; call < calls.Length; call++)
                {
                    var site = calls[call];
                    if (!site.Held.IsEmpty && Violation(graph, order, method, call, site) is { } violation)
                    {
                        report(violation);
                    }
                }
            }
        }

        private static Diagnostic? Violation(ProgramGraph graph, DeclaredOrder order, int method, int call, Summaries.CallSite site)
        {
            foreach (var target in graph.Calls.Targets(method, call))
            {
                foreach (var entry in graph.Reach.Of(target))
                {
                    foreach (var held in site.Held)
                    {
                        if (order.Precedes(entry.Key, held.Class) is not { } declaration)
                        {
                            continue;
                        }

                        var inner = entry.Value.Acquisition.Location;
                        var additional = new List<Location> { inner, declaration.Location };
                        if (held.Location is { } heldAt)
                        {
                            additional.Add(heldAt);
                        }

                        return Diagnostic.Create(
                            RuleCatalog.DeclaredOrderViolation,
                            site.Location,
                            additional,
                            BaselineKey.Properties(entry.Key, held.Class),
                            Explain(entry.Key, held.Class, declaration) + $"; this call leads to the acquisition at {ReportText.Place(inner)}");
                    }
                }
            }

            return null;
        }

        private static string Explain(LockClass acquired, LockClass held, OrderDeclaration declaration)
            => $"acquiring '{acquired}' while holding '{held}', but the declared order puts '{acquired}' before '{held}' ({ReportText.Place(declaration.Location)})";
    }
}
