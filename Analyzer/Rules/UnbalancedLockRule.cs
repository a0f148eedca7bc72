using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0007: a lock still held when the body is left (normally or by an exception), or released on
    /// a path where it is not held. Locks a method's contract says it leaves held or releases
    /// (<c>[AcquiresLock]</c>, <c>[TryAcquiresLock]</c>, <c>[ReleasesLock]</c>) are its job, not a bug.
    /// Exceptions a call might throw count for the BCL locks only (the kernel-style primitives model
    /// kernel code, where calls do not throw); an explicit <c>throw</c> counts for every lock.
    /// </summary>
    internal static class UnbalancedLockRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var release in flow.Releases)
            {
                if (release.Balance == ReleaseBalance.Held || !reported.Add(release.Operation.Site.Syntax.SpanStart))
                {
                    continue;
                }

                var name = release.Operation.Class;
                var message = release.Balance == ReleaseBalance.NotHeld
                    ? $"'{name}' is released here on a path where it is not held"
                    : $"'{name}' is released here on a path where it may not have been acquired";
                if (release.ExceptionCause is { } cause)
                {
                    message += $" (when '{cause.Syntax}' throws before the lock is taken)";
                }

                report(Diagnostic.Create(RuleCatalog.UnbalancedLock, release.Operation.Site.Syntax.GetLocation(), message));
            }

            foreach (var exit in Ordered(flow.Exits))
            {
                foreach (var held in exit.Held)
                {
                    if (held.Site is null
                        || flow.Contract.AllowsHeldOnExit(held.Class)
                        || (exit.ExceptionCause is not null && !exit.ExplicitThrow && held.Class.KernelStyle)
                        || !reported.Add(held.Site.Syntax.SpanStart))
                    {
                        continue;
                    }

                    var method = ReportText.Method(flow.Owner);
                    string message;
                    if (exit.ExceptionCause is { } cause)
                    {
                        message = exit.ExplicitThrow
                            ? $"'{held.Class}' acquired here is not released when '{cause.Syntax}' is thrown; release it first, or in a finally block"
                            : $"'{held.Class}' acquired here is not released if '{cause.Syntax}' throws; release it in a finally block";
                    }
                    else
                    {
                        message = held.Certain
                            ? $"'{held.Class}' acquired here is still held when {method} returns on some path"
                            : $"'{held.Class}' acquired here may still be held when {method} returns";
                    }

                    report(Diagnostic.Create(RuleCatalog.UnbalancedLock, held.Site.Syntax.GetLocation(), message));
                }
            }
        }

        /// <summary>Normal exits first, so a lock leaked on both kinds of path gets the plainer message.</summary>
        private static IEnumerable<ExitEvent> Ordered(List<ExitEvent> exits)
        {
            foreach (var exit in exits)
            {
                if (exit.ExceptionCause is null)
                {
                    yield return exit;
                }
            }

            foreach (var exit in exits)
            {
                if (exit.ExceptionCause is not null)
                {
                    yield return exit;
                }
            }
        }
    }
}
