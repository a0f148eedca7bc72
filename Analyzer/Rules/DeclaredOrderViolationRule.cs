using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;

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
                            Explain(acquired, held.Class, declaration)));
                    }
                }
            }
        }

        public static void AnalyzeProgram(ProgramGraph graph, DeclaredOrder order, System.Action<Diagnostic> report)
        {
            if (order.IsEmpty)
            {
                return;
            }

            var reported = new HashSet<Location>();
            foreach (var edge in graph.Dependencies.Edges)
            {
                if (edge.CallIndex < 0 || order.Precedes(edge.To, edge.From) is not { } declaration || !reported.Add(edge.Link))
                {
                    continue;
                }

                var additional = new List<Location> { edge.Inner, declaration.Location };
                if (edge.Outer.Location is { } heldAt)
                {
                    additional.Add(heldAt);
                }

                report(Diagnostic.Create(
                    RuleCatalog.DeclaredOrderViolation,
                    edge.Link,
                    additional,
                    Explain(edge.To, edge.From, declaration) + $"; this call leads to the acquisition at {ReportText.Place(edge.Inner)}"));
            }
        }

        private static string Explain(LockClass acquired, LockClass held, OrderDeclaration declaration)
            => $"acquiring '{acquired}' while holding '{held}', but the declared order puts '{acquired}' before '{held}' ({ReportText.Place(declaration.Location)})";
    }
}
