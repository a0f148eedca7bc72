using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using System.Text;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0001: a cycle in the lock-class dependency graph. Reported at the acquisition that closes the
    /// cycle (the inner acquisition of the cycle's last link in source order), with every other site
    /// of the chain as an additional location; the message gives the new link and the existing chain,
    /// as lockdep's "possible circular locking dependency detected" report does.
    /// </summary>
    internal static class CircularLockDependencyRule
    {
        public static void Analyze(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            foreach (var cycle in graph.Cycles)
            {
                // A cycle is reported in the compilation that closes it: at an acquisition of its own, or,
                // when every acquisition is in referenced assemblies, at its own call into them (made by a
                // holder of its own, or on a witness's way, by its callback a library runs). A cycle with no
                // site here lies wholly in references, whose own builds report it.
                var closing = -1;
                for (var i = 0; i < cycle.Count; i++)
                {
                    if (cycle[i].Inner.IsInSource && (closing < 0 || ReportText.Compare(cycle[i].Inner, cycle[closing].Inner) > 0))
                    {
                        closing = i;
                    }
                }

                var site = closing >= 0 ? cycle[closing].Inner : null;
                for (var i = 0; closing < 0 && i < cycle.Count; i++)
                {
                    if (cycle[i].Link.IsInSource)
                    {
                        closing = i;
                        site = cycle[i].Link;
                    }
                }

                for (var i = 0; site is null && i < cycle.Count; i++)
                {
                    foreach (var hop in WitnessChain(graph, cycle[i]))
                    {
                        if (hop.Location.IsInSource && (site is null || ReportText.Compare(hop.Location, site) > 0))
                        {
                            closing = i;
                            site = hop.Location;
                        }
                    }
                }

                if (site is null)
                {
                    continue;
                }

                var link = cycle[closing];
                var message = new StringBuilder();
                message.Append("acquiring '").Append(link.To).Append("' while holding '").Append(link.From).Append("' (")
                    .Append(Describe(graph, link)).Append("), but the existing dependency chain is ");
                for (var i = 1; i < cycle.Count; i++)
                {
                    var edge = cycle[(closing + i) % cycle.Count];
                    message.Append(i == 1 ? string.Empty : ", then ")
                        .Append('\'').Append(edge.From).Append("' -> '").Append(edge.To).Append("' (")
                        .Append(Describe(graph, edge)).Append(')');
                }

                var additional = new List<Location>();
                foreach (var edge in cycle)
                {
                    AddDistinct(additional, edge.Outer.Location, site);
                    AddDistinct(additional, edge.Link, site);
                    AddDistinct(additional, edge.Inner, site);
                }

                report(Diagnostic.Create(RuleCatalog.CircularLockDependency, site, additional, BaselineKey.WholeProgramProperties(ClassesOf(cycle)), message.ToString()));
            }
        }

        /// <summary>
        /// Two sibling members of one owner (<c>this._dispatchLock._semaphore</c>, <c>this._storeLock._semaphore</c>)
        /// are an ordered pair of sub-classes, as a lockdep user would class them by member: nested one way round
        /// everywhere they are never reported (LD0014 leaves them out). When some code of the owner nests the pair
        /// the other way round, two threads on one owner, one in each order, deadlock: a cycle of two sub-classes,
        /// reported once per pair at the later of the two inner acquisitions, naming both orders and sites.
        /// </summary>
        public static void AnalyzeSiblingMembers(IReadOnlyList<SiblingNesting> siblings, System.Action<Diagnostic> report)
        {
            // The first nesting of each orientation, in source order, stands for it.
            var sorted = new List<SiblingNesting>(siblings);
            sorted.Sort((a, b) => ReportText.Compare(a.Location, b.Location));
            var orders = new Dictionary<(string, string, string, string), SiblingNesting>();
            foreach (var sibling in sorted)
            {
                var key = (sibling.Class.Key, sibling.Owner, sibling.First, sibling.Second);
                if (!orders.ContainsKey(key))
                {
                    orders.Add(key, sibling);
                }
            }

            foreach (var sibling in orders.Values)
            {
                if (!orders.TryGetValue((sibling.Class.Key, sibling.Owner, sibling.Second, sibling.First), out var reverse)
                    || ReportText.Compare(sibling.Location, reverse.Location) < 0)
                {
                    // No reverse order; or the pair is reported at the reverse's site, the later one.
                    continue;
                }

                var message = $"acquiring '{sibling.Class}' on {ReportText.Instance(sibling.Acquired)} while holding it on {ReportText.Instance(sibling.Held)} "
                    + $"({ReportText.Method(sibling.Method)} at {ReportText.Place(sibling.Location)}), but the existing dependency chain is "
                    + $"{ReportText.Instance(reverse.Held)} -> {ReportText.Instance(reverse.Acquired)} ({ReportText.Method(reverse.Method)} at {ReportText.Place(reverse.Location)}): "
                    + $"'{sibling.First}' and '{sibling.Second}' are two members of one {sibling.Owner}, nested in both orders, "
                    + "so two threads on one object, one in each order, deadlock; take them in one order everywhere";
                var additional = new List<Location>();
                AddDistinct(additional, sibling.HeldLocation, sibling.Location);
                AddDistinct(additional, reverse.HeldLocation, sibling.Location);
                AddDistinct(additional, reverse.Location, sibling.Location);
                report(Diagnostic.Create(RuleCatalog.CircularLockDependency, sibling.Location, additional, BaselineKey.WholeProgramProperties(sibling.Class), message));
            }
        }

        /// <summary>"Cache.Add at Cache.cs:4" or "Boot.Init at Boot.cs:9 -> Core.Register -> Core.AddDevice at Core.cs:30".</summary>
        internal static string Describe(ProgramGraph graph, DependencyEdge edge)
        {
            var holder = graph.Calls.Summaries[edge.Holder];
            var text = new StringBuilder(ReportText.Method(holder.Method));
            if (edge.CallIndex < 0)
            {
                return text.Append(" at ").Append(ReportText.Place(edge.Inner)).ToString();
            }

            text.Append(" at ").Append(ReportText.Place(edge.Link));
            var chain = WitnessChain(graph, edge);
            foreach (var hop in chain)
            {
                text.Append(" -> ").Append(ReportText.Method(hop.Method));
            }

            if (chain.Count > 0)
            {
                text.Append(" at ").Append(ReportText.Place(edge.Inner));
            }

            return text.ToString();
        }

        /// <summary>The calls from the holder's call to the edge's inner acquisition, which ends it; empty when the holder acquires itself.</summary>
        private static List<ChainHop> WitnessChain(ProgramGraph graph, DependencyEdge edge)
        {
            if (edge.CallIndex >= 0)
            {
                foreach (var target in graph.Calls.Targets(edge.Holder, edge.CallIndex))
                {
                    var chain = graph.Reach.Chain(target, edge.To);
                    if (chain.Count > 0 && chain[chain.Count - 1].Location.Equals(edge.Inner))
                    {
                        return chain;
                    }
                }
            }

            return new List<ChainHop>();
        }

        private static LockClass[] ClassesOf(List<DependencyEdge> cycle)
        {
            var classes = new LockClass[cycle.Count];
            for (var i = 0; i < cycle.Count; i++)
            {
                classes[i] = cycle[i].From;
            }

            return classes;
        }

        /// <summary>Only sites of this compilation: a referenced assembly's sites are named in the message.</summary>
        private static void AddDistinct(List<Location> locations, Location? location, Location primary)
        {
            if (location is not null && location.IsInSource && !location.Equals(primary) && !locations.Contains(location))
            {
                locations.Add(location);
            }
        }
    }
}
