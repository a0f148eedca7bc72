using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0009: a call to a <c>[RequiresLock]</c>/<c>[RequiresSharedLock]</c> method without the lock
    /// (the static form of the kernel's <c>lockdep_assert_held</c>), or to an <c>[ExcludesLock]</c>
    /// method with it held.
    /// </summary>
    internal static class LockContractViolationRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
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
                foreach (var required in contract.Requires)
                {
                    if (!Holds(call.Held, required.Class, required.Mode == LockMode.Shared) && reported.Add(call.Site.Syntax.SpanStart))
                    {
                        var attribute = required.Mode == LockMode.Shared ? "RequiresSharedLock" : "RequiresLock";
                        var shared = required.Mode == LockMode.Exclusive && Holds(call.Held, required.Class, anyMode: true) ? " exclusively (it is held only for reading)" : string.Empty;
                        report(Diagnostic.Create(RuleCatalog.LockContractViolation, call.Site.Syntax.GetLocation(), $"{callee} requires '{required.Class}' to be held ([{attribute}]), but it is not held here{shared}"));
                    }
                }

                foreach (var excluded in contract.Excludes)
                {
                    if (Find(call.Held, excluded.Class) is { } held && reported.Add(call.Site.Syntax.SpanStart))
                    {
                        var heldAt = held.Site?.Syntax.GetLocation();
                        report(Diagnostic.Create(
                            RuleCatalog.LockContractViolation,
                            call.Site.Syntax.GetLocation(),
                            heldAt is null ? null : new[] { heldAt },
                            $"{callee} must not be called with '{excluded.Class}' held ([ExcludesLock]), but it is held here ({HeldSince(heldAt)})"));
                    }
                }
            }
        }

        private static string HeldSince(Location? heldAt)
            => heldAt is null ? "the caller holds it: this method requires it" : "since " + ReportText.Place(heldAt);

        private static bool Holds(System.Collections.Immutable.ImmutableArray<HeldLock> held, LockClass lockClass, bool anyMode)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Equals(lockClass) && hold.Certain && (anyMode || hold.Mode == LockMode.Exclusive))
                {
                    return true;
                }
            }

            return false;
        }

        private static HeldLock? Find(System.Collections.Immutable.ImmutableArray<HeldLock> held, LockClass lockClass)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Equals(lockClass))
                {
                    return hold;
                }
            }

            return null;
        }
    }
}
