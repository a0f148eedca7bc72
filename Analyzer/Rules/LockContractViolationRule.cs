using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0009: a call to a <c>[RequiresLock]</c>/<c>[RequiresSharedLock]</c> method without the lock
    /// (the static form of the kernel's <c>lockdep_assert_held</c>), or to an <c>[ExcludesLock]</c>
    /// method with it held. The lock is the callee's in the call's terms: <c>child.Bar()</c> requires
    /// <c>child._mu</c>, not the caller's <c>this._mu</c>; a parameter path is the argument's.
    /// </summary>
    internal static class LockContractViolationRule
    {
        public static void AnalyzeBody(BodyFlow flow, InstanceLinks links, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var call in flow.Calls)
            {
                var contract = call.Contract;
                if (contract.Requires.IsEmpty && contract.Excludes.IsEmpty)
                {
                    continue;
                }

                var callee = ReportText.Method(call.Method);
                for (var i = 0; i < contract.Requires.Length; i++)
                {
                    var required = contract.Requires[i];
                    var instance = call.RequiredInstances[i];
                    if (!Holds(call.Held, required, instance, anyMode: required.Mode == LockMode.Shared, links) && reported.Add(call.Site.Syntax.SpanStart))
                    {
                        var attribute = required.Mode == LockMode.Shared ? "RequiresSharedLock" : "RequiresLock";
                        var shared = required.Mode == LockMode.Exclusive && Holds(call.Held, required, instance, anyMode: true, links) ? " exclusively (it is held only for reading)" : string.Empty;
                        var other = shared.Length == 0 && HeldElsewhere(call.Held, required, instance, links) is { } elsewhere
                            ? $" (the lock held is {ReportText.Instance(elsewhere.Instance)}; the call needs {ReportText.Instance(instance)})"
                            : string.Empty;
                        report(Diagnostic.Create(RuleCatalog.LockContractViolation, call.Site.Syntax.GetLocation(), BaselineKey.Properties(required.Class), $"{callee} requires '{required.Class}' to be held ([{attribute}]), but it is not held here{shared}{other}"));
                    }
                }

                for (var i = 0; i < contract.Excludes.Length; i++)
                {
                    var excluded = contract.Excludes[i];
                    if (Find(call.Held, excluded, call.ExcludedInstances[i], links) is { } held && reported.Add(call.Site.Syntax.SpanStart))
                    {
                        var heldAt = held.Site?.Syntax.GetLocation();
                        report(Diagnostic.Create(
                            RuleCatalog.LockContractViolation,
                            call.Site.Syntax.GetLocation(),
                            heldAt is null ? null : new[] { heldAt },
                            BaselineKey.Properties(excluded.Class),
                            $"{callee} must not be called with '{excluded.Class}' held ([ExcludesLock]), but it is held here ({HeldSince(heldAt)})"));
                    }
                }
            }
        }

        private static string HeldSince(Location? heldAt)
            => heldAt is null ? "the caller holds it: this method requires it" : "since " + ReportText.Place(heldAt);

        /// <summary>A certain hold that may be the required lock (unknown instances count: no false error).</summary>
        private static bool Holds(ImmutableArray<HeldLock> held, ContractLock required, InstancePath instance, bool anyMode, InstanceLinks links)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Equals(required.Class) && hold.Certain && (anyMode || hold.Mode == LockMode.Exclusive)
                    && InstanceMatch.MayBe(hold.Instance, instance, !required.Path.IsKnown, links))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A hold of the class on another object than the one the call needs: said in the message.</summary>
        private static HeldLock? HeldElsewhere(ImmutableArray<HeldLock> held, ContractLock required, InstancePath instance, InstanceLinks links)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Equals(required.Class) && !InstanceMatch.MayBe(hold.Instance, instance, !required.Path.IsKnown, links))
                {
                    return hold;
                }
            }

            return null;
        }

        /// <summary>A hold provably of the excluded lock (an instance the analysis cannot tell is not taken for it).</summary>
        private static HeldLock? Find(ImmutableArray<HeldLock> held, ContractLock excluded, InstancePath instance, InstanceLinks links)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Equals(excluded.Class) && InstanceMatch.ProvablyIs(hold.Instance, instance, !excluded.Path.IsKnown, links))
                {
                    return hold;
                }
            }

            return null;
        }
    }
}
