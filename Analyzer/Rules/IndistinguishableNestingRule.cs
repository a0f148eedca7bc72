using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
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

        /// <param name="deferSibling">Takes the nestings of two sibling members of <c>this</c>, judged with the whole program.</param>
        public static void AnalyzeBody(BodyFlow flow, InstanceLinks links, System.Action<SiblingNesting> deferSibling, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var acquisition in flow.Acquisitions)
            {
                var (kind, worstHeld) = SameClassNesting.Worst(acquisition, flow, links);
                if (worstHeld is not { } held || kind != SameClassNestingKind.Indistinguishable)
                {
                    continue;
                }

                var operation = acquisition.Operation;
                if (reported.Add(operation.Site.Syntax.SpanStart))
                {
                    var heldAt = held.Site?.Syntax.GetLocation();
                    var location = operation.Site.Syntax.GetLocation();
                    var nested = $"'{held.Class}' is acquired on {ReportText.Instance(operation.Instance)} while held on {ReportText.Instance(held.Instance)} (since {ReportText.Place(heldAt)})";
                    if (SameClassNesting.AreSiblingsOfThis(held.Instance, operation.Instance, links, out var first, out var second))
                    {
                        deferSibling(new SiblingNesting(held.Class.Key, flow.Owner.ContainingType.ToDisplayString(), first, second, location, heldAt, nested));
                        continue;
                    }

                    var message = nested + "; the two instances cannot be told apart, so the order they nest in is not known statically; " + Fix;
                    report(Diagnostic.Create(RuleCatalog.IndistinguishableNesting, location, heldAt is null ? null : new[] { heldAt }, message));
                }
            }
        }

        /// <summary>
        /// Sibling members of one owner nested one way round everywhere are an ordered pair (as if each member
        /// had its own class); a nesting is reported only when some code of the owner nests the pair the other
        /// way round, and then at both places: two threads on one owner, one in each order, deadlock.
        /// </summary>
        public static void AnalyzeSiblings(IReadOnlyCollection<SiblingNesting> siblings, System.Action<Diagnostic> report)
        {
            var orders = new Dictionary<(string, string, string, string), SiblingNesting>();
            foreach (var sibling in siblings)
            {
                orders[(sibling.ClassKey, sibling.Owner, sibling.First, sibling.Second)] = sibling;
            }

            foreach (var sibling in siblings)
            {
                if (orders.TryGetValue((sibling.ClassKey, sibling.Owner, sibling.Second, sibling.First), out var reverse))
                {
                    var message = sibling.Nesting + $", and {ReportText.Place(reverse.Location)} nests the two the other way round; " + Fix;
                    var additional = sibling.HeldLocation is null ? new[] { reverse.Location } : new[] { sibling.HeldLocation, reverse.Location };
                    report(Diagnostic.Create(RuleCatalog.IndistinguishableNesting, sibling.Location, additional, message));
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
                report(Diagnostic.Create(RuleCatalog.IndistinguishableNesting, call.Location, RecursiveLockingRule.AdditionalLocations(recursion), message));
            }
        }
    }

    /// <summary>A nesting of two sibling members of <c>this</c> (<see cref="SameClassNesting.AreSiblingsOfThis"/>), kept for the whole-program judgement.</summary>
    internal sealed class SiblingNesting
    {
        public SiblingNesting(string classKey, string owner, string first, string second, Location location, Location? heldLocation, string nesting)
        {
            ClassKey = classKey;
            Owner = owner;
            First = first;
            Second = second;
            Location = location;
            HeldLocation = heldLocation;
            Nesting = nesting;
        }

        public string ClassKey { get; }

        /// <summary>The type whose members the two are.</summary>
        public string Owner { get; }

        /// <summary>The member held first.</summary>
        public string First { get; }

        /// <summary>The member acquired while it is held.</summary>
        public string Second { get; }

        public Location Location { get; }

        public Location? HeldLocation { get; }

        /// <summary>What the message says of the nesting itself.</summary>
        public string Nesting { get; }
    }
}
