using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0003: a lock class acquired while a lock of the same class is held. Fine only for a reentrant
    /// lock (Monitor, Lock, Mutex, a recursive ReaderWriterLockSlim) on the provably same instance, and
    /// for an upgradeable read followed by a read or write. Nested acquisitions in one body are found
    /// as the body is analysed; acquisitions through calls at compilation end.
    /// </summary>
    internal static class RecursiveLockingRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var acquisition in flow.Acquisitions)
            {
                var operation = acquisition.Operation;
                foreach (var held in acquisition.HeldBefore)
                {
                    if (!held.Class.Equals(operation.Class) || IsAllowed(held.Class, held.Mode, held.Instance, operation.Mode, operation.Instance))
                    {
                        continue;
                    }

                    if (reported.Add(operation.Site.Syntax.SpanStart))
                    {
                        var heldAt = held.Site?.Syntax.GetLocation();
                        report(Diagnostic.Create(
                            RuleCatalog.RecursiveLocking,
                            operation.Site.Syntax.GetLocation(),
                            heldAt is null ? null : new[] { heldAt },
                            Explain(held.Class, held.Instance, operation.Instance, heldAt, held.Mode == LockMode.Shared && operation.Mode == LockMode.Shared)));
                    }

                    break;
                }
            }
        }

        public static void AnalyzeProgram(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<(int, int)>();
            foreach (var recursion in graph.Dependencies.Recursions)
            {
                if (!reported.Add((recursion.Holder, recursion.CallIndex)))
                {
                    continue;
                }

                var call = graph.Calls.Summaries[recursion.Holder].Calls[recursion.CallIndex];
                var lockClass = recursion.Held.Class;
                var message = $"'{lockClass}' is held here across a call that acquires it again at {ReportText.Place(recursion.Step.Acquisition.Location)}; "
                    + Reason(lockClass, sameInstance: false, bothShared: recursion.Held.Mode == LockMode.Shared && recursion.Step.Acquisition.Mode == LockMode.Shared);
                var additional = new List<Location> { recursion.Step.Acquisition.Location };
                if (recursion.Held.Location is { } heldAt)
                {
                    additional.Add(heldAt);
                }

                report(Diagnostic.Create(RuleCatalog.RecursiveLocking, call.Location, additional, message));
            }
        }

        private static bool IsAllowed(LockClass lockClass, LockMode heldMode, InstancePath heldInstance, LockMode mode, InstancePath instance)
        {
            var sameInstance = heldInstance.ProvablySameAs(instance);
            if (lockClass.Reentrant && sameInstance)
            {
                return true;
            }

            return sameInstance && heldMode == LockMode.Upgradeable && mode != LockMode.Upgradeable;
        }

        private static string Explain(LockClass lockClass, InstancePath heldInstance, InstancePath instance, Location? heldAt, bool bothShared)
        {
            var sameInstance = heldInstance.ProvablySameAs(instance);
            return $"'{lockClass}' is acquired while already held (since {ReportText.Place(heldAt)}); " + Reason(lockClass, sameInstance, bothShared);
        }

        private static string Reason(LockClass lockClass, bool sameInstance, bool bothShared)
        {
            if (!lockClass.Reentrant)
            {
                return bothShared && lockClass.Primitive == LockPrimitive.KRwSem
                    ? "KRwSem prefers writers, so a writer queued between the two acquisitions blocks the second one while the first is held, and the thread waits for itself"
                    : $"{PrimitiveName(lockClass.Primitive)} is not reentrant, so the thread waits for itself";
            }

            return sameInstance
                ? "the lock is not reentrant in this mode"
                : "the two instances are not provably the same, and two threads nesting two locks of one class in opposite orders deadlock; acquire them in a fixed order or give them distinct classes";
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
            _ => "KLockMap",
        };
    }
}
