using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>LD0011: a lock owned by a thread is held at an await, after which another thread may continue.</summary>
    internal static class ThreadAffineLockAcrossAwaitRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var awaitEvent in flow.Awaits)
            {
                foreach (var held in awaitEvent.Held)
                {
                    if (!held.Class.ThreadAffine || !reported.Add(awaitEvent.Operation.Syntax.SpanStart))
                    {
                        continue;
                    }

                    var heldAt = held.Site?.Syntax.GetLocation();
                    report(Diagnostic.Create(
                        RuleCatalog.ThreadAffineLockAcrossAwait,
                        awaitEvent.Operation.Syntax.GetLocation(),
                        heldAt is null ? null : new[] { heldAt },
                        held.Class.DisplayName,
                        RecursiveLockingRule.PrimitiveName(held.Class.Primitive)));
                }
            }
        }
    }
}
