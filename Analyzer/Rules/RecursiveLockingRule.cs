using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using System.Text;
using LockDiscipline.Analyzer.Graph;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0003: a lock class acquired while a lock of the same class is held, where that is certainly a
    /// bug: a lock that is not reentrant (in this mode) taken again on the provably same instance, and a
    /// class chained along a link of the object's own type that code reassigns (a ring of such objects
    /// deadlocks). Same-class nesting on instances that cannot be told apart is LD0014's
    /// (<see cref="IndistinguishableNestingRule"/>); <see cref="SameClassNesting"/> decides which is which.
    /// Nested acquisitions in one body are found as the body is analysed; acquisitions through calls at
    /// compilation end.
    /// </summary>
    internal static class RecursiveLockingRule
    {
        /// <param name="nestings">The body's same-class nestings, <see cref="SameClassNesting.InBody"/>.</param>
        public static void AnalyzeBody(IReadOnlyList<BodyNesting> nestings, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var nesting in nestings)
            {
                if (!SameClassNesting.IsCertain(nesting.Kind))
                {
                    continue;
                }

                var operation = nesting.Operation;
                var held = nesting.Held;
                if (reported.Add(operation.Site.Syntax.SpanStart))
                {
                    var heldAt = held.Site?.Syntax.GetLocation();
                    var message = $"'{held.Class}' is acquired while already held (since {ReportText.Place(heldAt)}); "
                        + Reason(nesting.Kind, held.Class, held.Instance, operation.Instance, held.Mode == LockMode.Shared && operation.Mode == LockMode.Shared);
                    report(Diagnostic.Create(RuleCatalog.RecursiveLocking, operation.Site.Syntax.GetLocation(), heldAt is null ? null : new[] { heldAt }, BaselineKey.Properties(held.Class), message));
                }
            }
        }

        public static void AnalyzeProgram(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<(int, int)>();
            foreach (var recursion in graph.Dependencies.Recursions)
            {
                if (!SameClassNesting.IsCertain(recursion.Kind) || !reported.Add((recursion.Holder, recursion.CallIndex)))
                {
                    continue;
                }

                var call = graph.Calls.Summaries[recursion.Holder].Calls[recursion.CallIndex];
                var lockClass = recursion.Held.Class;
                var acquired = recursion.Step.Instance.ThroughCall(call.Receiver);
                var message = $"'{lockClass}' is held here across a call that acquires it again at {ReportText.Place(recursion.Step.Acquisition.Location)} ({CallPath(graph, recursion)}); "
                    + Reason(recursion.Kind, lockClass, recursion.Held.Instance, acquired, recursion.Held.Mode == LockMode.Shared && recursion.Step.Acquisition.Mode == LockMode.Shared);
                report(Diagnostic.Create(RuleCatalog.RecursiveLocking, call.Location, AdditionalLocations(recursion), BaselineKey.Properties(lockClass), message));
            }
        }

        /// <summary>The held lock's site and the acquisition at the end of the calls, for the IDE to show next to the call.</summary>
        public static List<Location> AdditionalLocations(RecursiveAcquisition recursion)
        {
            var additional = new List<Location> { recursion.Step.Acquisition.Location };
            if (recursion.Held.Location is { } heldAt)
            {
                additional.Add(heldAt);
            }

            return additional;
        }

        /// <summary>"Group.Add at Group.cs:5 -> Group.Notify -> Group.Lock at Group.cs:9": every hop from the holder to the acquisition.</summary>
        public static string CallPath(ProgramGraph graph, RecursiveAcquisition recursion)
        {
            var holder = graph.Calls.Summaries[recursion.Holder];
            var text = new StringBuilder(ReportText.Method(holder.Method))
                .Append(" at ").Append(ReportText.Place(holder.Calls[recursion.CallIndex].Location));
            var chain = graph.Reach.Chain(recursion.Callee, recursion.Held.Class);
            foreach (var hop in chain)
            {
                text.Append(" -> ").Append(ReportText.Method(hop.Method));
            }

            if (chain.Count > 0)
            {
                text.Append(" at ").Append(ReportText.Place(chain[chain.Count - 1].Location));
            }

            return text.ToString();
        }

        private static string Reason(SameClassNestingKind kind, LockClass lockClass, InstancePath heldInstance, InstancePath instance, bool bothShared)
        {
            if (kind == SameClassNestingKind.ChainedAlongReassignableLink)
            {
                return $"it is held on {ReportText.Instance(heldInstance)} and taken on {ReportText.Instance(instance)}, through a link of the object's own type that can be reassigned: "
                    + "where such links form a ring, every object takes the next one's lock while holding its own, and two threads starting at different objects deadlock; "
                    + "take the locks in one global order, or release the first before taking the next";
            }

            if (!lockClass.Reentrant)
            {
                return bothShared && lockClass.Primitive == LockPrimitive.KRwSem
                    ? "KRwSem prefers writers, so a writer queued between the two acquisitions blocks the second one while the first is held, and the thread waits for itself"
                    : $"{PrimitiveName(lockClass.Primitive)} is not reentrant, so the thread waits for itself";
            }

            return "the lock is not reentrant in this mode";
        }

        public static string PrimitiveName(LockPrimitive primitive) => primitive switch
        {
            LockPrimitive.Monitor => "Monitor",
            LockPrimitive.ThreadingLock => "System.Threading.Lock",
            LockPrimitive.SemaphoreSlim => "SemaphoreSlim",
            LockPrimitive.ReaderWriterLockSlim => "ReaderWriterLockSlim (NoRecursion)",
            LockPrimitive.SpinLock => "SpinLock",
            LockPrimitive.Mutex => "Mutex",
            LockPrimitive.KMutex => "KMutex",
            LockPrimitive.KSpinLock => "KSpinLock",
            LockPrimitive.KRwSem => "KRwSem",
            LockPrimitive.KRwLock => "KRwLock",
            _ => "KLockMap",
        };
    }
}
