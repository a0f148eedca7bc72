using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>LD0011: a lock owned by a thread is held at an await, after which another thread may continue.</summary>
    internal static class ThreadAffineLockAcrossAwaitRule
    {
        /// <summary>
        /// Where to report an await: the <c>await</c> expression, or for the awaits the compiler adds
        /// (<c>await foreach</c>, <c>await using</c>) the statement that implies them, once.
        /// </summary>
        private static SyntaxNode Site(IOperation awaitOperation)
        {
            if (!awaitOperation.IsImplicit)
            {
                return awaitOperation.Syntax;
            }

            for (var node = awaitOperation.Syntax; node is not null; node = node.Parent)
            {
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.StatementSyntax)
                {
                    return node;
                }
            }

            return awaitOperation.Syntax;
        }

        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var awaitEvent in flow.Awaits)
            {
                var site = Site(awaitEvent.Operation);
                foreach (var held in awaitEvent.Held)
                {
                    if (!held.Class.ThreadAffine || !reported.Add(site.SpanStart))
                    {
                        continue;
                    }

                    var heldAt = held.Site?.Syntax.GetLocation();
                    report(Diagnostic.Create(
                        RuleCatalog.ThreadAffineLockAcrossAwait,
                        site.GetLocation(),
                        heldAt is null ? null : new[] { heldAt },
                        BaselineKey.Properties(held.Class),
                        held.Class.DisplayName,
                        RecursiveLockingRule.PrimitiveName(held.Class.Primitive)));
                }
            }
        }
    }
}
