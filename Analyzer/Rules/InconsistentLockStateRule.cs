using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0004: a class both used in an interrupt context and taken with that interrupt enabled
    /// (lockdep's <c>inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage</c>, and the soft-IRQ form).
    /// Reported at the acquisition in interrupt context, with the enabled one as the other site.
    /// </summary>
    internal static class InconsistentLockStateRule
    {
        public static void Analyze(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            foreach (var lockClass in graph.Usage.Classes)
            {
                Check(graph, lockClass, LockUsage.UsedInHardIrq, LockUsage.EnabledHardIrq, "HARDIRQ", "hard", report);
                Check(graph, lockClass, LockUsage.UsedInSoftIrq, LockUsage.EnabledSoftIrq, "SOFTIRQ", "soft", report);
            }
        }

        private static void Check(ProgramGraph graph, LockClass lockClass, LockUsage used, LockUsage enabled, string irq, string kind, System.Action<Diagnostic> report)
        {
            if (graph.Usage.Witness(lockClass, used) is not { } inIrq || graph.Usage.Witness(lockClass, enabled) is not { } withIrqOn)
            {
                return;
            }

            var onAccess = withIrqOn.Acquisition.Mode == LockMode.Shared ? "R" : "W";
            var inAccess = inIrq.Acquisition.Mode == LockMode.Shared ? "R" : "W";
            var message =
                $"inconsistent {{{irq}-ON-{onAccess}}} -> {{IN-{irq}-{inAccess}}} usage: '{lockClass}' is taken in {kind}-IRQ context here "
                + $"({Describe(graph, inIrq)}), and with {kind} IRQs enabled at {ReportText.Place(withIrqOn.Acquisition.Location)} ({Describe(graph, withIrqOn)}); "
                + $"an interrupt arriving while that holder has the lock spins on it forever";
            report(Diagnostic.Create(RuleCatalog.InconsistentLockState, inIrq.Acquisition.Location, new[] { withIrqOn.Acquisition.Location }, message));
        }

        /// <summary>The path from the context's entry (an IRQ handler, or a process-context entry point) to the acquisition.</summary>
        public static string Describe(ProgramGraph graph, UsageWitness witness)
        {
            var path = graph.Contexts.PathTo(witness.Method, witness.State);
            var methods = new System.Collections.Generic.List<IMethodSymbol>(path.Count);
            foreach (var method in path)
            {
                methods.Add(graph.Calls.Summaries[method].Method);
            }

            return ReportText.Chain(methods);
        }
    }
}
