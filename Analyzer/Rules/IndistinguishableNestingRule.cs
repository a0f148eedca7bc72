using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Graph;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0014: a lock class acquired while a lock of the same class is held, on two instances the analysis
    /// cannot tell apart (two parameters, a local, an object reached through a link it cannot order). Whether
    /// two threads can nest them in opposite orders depends on which objects meet at run time, which the
    /// source does not say, so this is a warning, not LD0003's error. The certain cases stay LD0003
    /// (<see cref="RecursiveLockingRule"/>); <see cref="SameClassNesting"/> decides which is which.
    /// </summary>
    internal static class IndistinguishableNestingRule
    {
        private const string Fix = "if they always nest in one order (parent then child), take the inner one with LockNested(n) or give the two members distinct [LockClass] names; otherwise take them in one global order (for example by a stable id)";

        /// <param name="nestings">The body's same-class nestings, <see cref="SameClassNesting.InBody"/>.</param>
        public static void AnalyzeBody(IReadOnlyList<BodyNesting> nestings, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var nesting in nestings)
            {
                // Two sibling members of one owner are an ordered pair unless the owner nests them both ways (LD0001).
                if (nesting.Kind != SameClassNestingKind.Indistinguishable || nesting.Sibling is not null)
                {
                    continue;
                }

                var operation = nesting.Operation;
                var held = nesting.Held;
                if (reported.Add(operation.Site.Syntax.SpanStart))
                {
                    var heldAt = held.Site?.Syntax.GetLocation();
                    var message = $"'{held.Class}' is acquired on {ReportText.Instance(operation.Instance)} while held on {ReportText.Instance(held.Instance)} (since {ReportText.Place(heldAt)}); "
                        + "the two instances cannot be told apart, so the order they nest in is not known statically; " + Fix;
                    report(Diagnostic.Create(RuleCatalog.IndistinguishableNesting, operation.Site.Syntax.GetLocation(), heldAt is null ? null : new[] { heldAt }, BaselineKey.Properties(held.Class), message));
                }
            }
        }

        public static void AnalyzeProgram(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            // A call that LD0003 reports already has the stronger finding.
            var certain = new HashSet<(int, int)>();
            foreach (var recursion in graph.Dependencies.Recursions)
            {
                if (SameClassNesting.IsCertain(recursion.Kind))
                {
                    certain.Add((recursion.Holder, recursion.CallIndex));
                }
            }

            var reported = new HashSet<(int, int)>();
            foreach (var recursion in graph.Dependencies.Recursions)
            {
                var site = (recursion.Holder, recursion.CallIndex);
                if (recursion.Kind != SameClassNestingKind.Indistinguishable || certain.Contains(site) || !reported.Add(site))
                {
                    continue;
                }

                var call = graph.Calls.Summaries[recursion.Holder].Calls[recursion.CallIndex];
                var acquired = recursion.Step.Instance.ThroughCall(call.Receiver);
                var message = $"'{recursion.Held.Class}' is held here on {ReportText.Instance(recursion.Held.Instance)} across a call that acquires it again at {ReportText.Place(recursion.Step.Acquisition.Location)} "
                    + $"({RecursiveLockingRule.CallPath(graph, recursion)}) on {ReportText.Instance(acquired)}; "
                    + "the two instances cannot be told apart, so the order they nest in is not known statically; " + Fix;
                report(Diagnostic.Create(RuleCatalog.IndistinguishableNesting, call.Location, RecursiveLockingRule.AdditionalLocations(recursion), BaselineKey.Properties(recursion.Held.Class), message));
            }
        }
    }
}
