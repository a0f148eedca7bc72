using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0006: sleeping where the thread must not (lockdep's <c>BUG: sleeping function called from
    /// invalid context</c>): a spinlock held, interrupts off, or in an interrupt handler. A sleeping
    /// operation in the same body is found as the body is analysed; a call whose callee may sleep,
    /// through any chain of calls, at compilation end.
    /// </summary>
    internal static class SleepInAtomicContextRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var acquisition in flow.Acquisitions)
            {
                var operation = acquisition.Operation;
                if (operation.Class.Sleeps && Atomicity(acquisition.HeldBefore, acquisition.HardIrqsOff, acquisition.SoftIrqsOff, flow) is { } why
                    && reported.Add(operation.Site.Syntax.SpanStart))
                {
                    report(Diagnostic.Create(RuleCatalog.SleepInAtomicContext, operation.Site.Syntax.GetLocation(), BaselineKey.Properties(operation.Class), $"acquiring '{operation.Class}' ({RecursiveLockingRule.PrimitiveName(operation.Class.Primitive)}) may sleep, but {why}"));
                }
            }

            foreach (var sleep in flow.Sleeps)
            {
                if (sleep.Atomic && Atomicity(sleep.Held, sleep.HardIrqsOff, sleep.SoftIrqsOff, flow) is { } why && reported.Add(sleep.Site.Syntax.SpanStart))
                {
                    report(Diagnostic.Create(RuleCatalog.SleepInAtomicContext, sleep.Site.Syntax.GetLocation(), BaselineKey.Properties(), $"{sleep.What} may sleep, but {why}"));
                }
            }
        }

        public static void AnalyzeProgram(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            var summaries = graph.Calls.Summaries;
            for (var method = 0; method < summaries.Count; method++)
            {
                var calls = summaries[method].Calls;
                for (var call = 0; call < calls.Length; call++)
                {
                    var site = calls[call];
                    if (!site.Atomic || site.CalleeMightSleep)
                    {
                        // A [MightSleep] callee is a sleeping call of its own, reported with the body.
                        continue;
                    }

                    foreach (var target in graph.Calls.Targets(method, call))
                    {
                        if (graph.Sleeps.Of(target) is not { } step)
                        {
                            continue;
                        }

                        var chain = new List<IMethodSymbol>();
                        foreach (var hop in graph.Sleeps.Chain(target))
                        {
                            chain.Add(summaries[hop].Method);
                        }

                        var why = HeldSpinlock(site.Held) is { } spin
                            ? $"'{spin.Class}' ({SpinningKind(spin.Class)}) is held across this call (since {ReportText.Place(spin.Location)})"
                            : "interrupts are off across this call";
                        report(Diagnostic.Create(
                            RuleCatalog.SleepInAtomicContext,
                            site.Location,
                            new[] { step.Sleep.Location },
                            BaselineKey.Properties(HeldSpinlock(site.Held)?.Class),
                            $"{ReportText.Chain(chain)} may sleep ({step.Sleep.What} at {ReportText.Place(step.Sleep.Location)}), but {why}"));
                        break;
                    }
                }
            }
        }

        private static string? Atomicity(System.Collections.Immutable.ImmutableArray<HeldLock> held, bool hardIrqsOff, bool softIrqsOff, BodyFlow flow)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Spins)
                {
                    return $"'{hold.Class}' ({SpinningKind(hold.Class)}) is held (since {ReportText.Place(hold.Site?.Syntax.GetLocation())})";
                }
            }

            return flow.Contract.Context switch
            {
                IrqContextKind.HardIrq => $"{ReportText.Method(flow.Owner)} is a hard-IRQ handler",
                IrqContextKind.SoftIrq => $"{ReportText.Method(flow.Owner)} is a soft-IRQ handler",
                _ => hardIrqsOff ? "interrupts are off here" : softIrqsOff ? "soft interrupts are off here" : null,
            };
        }

        /// <summary>What kind of spinning lock the holder is atomic under: a <c>KRwLock</c> spins too, but is no spinlock.</summary>
        private static string SpinningKind(LockClass lockClass)
            => lockClass.RuntimeKind == Validation.LockClassKind.RwLock ? "a spinning reader-writer lock" : "a spinlock";

        private static Summaries.HeldLockSite? HeldSpinlock(System.Collections.Immutable.ImmutableArray<Summaries.HeldLockSite> held)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Spins)
                {
                    return hold;
                }
            }

            return null;
        }
    }
}
