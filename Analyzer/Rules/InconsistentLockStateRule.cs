using LockDiscipline.Analyzer.Baseline;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0004: a class both used in an interrupt context and taken with that interrupt enabled
    /// (lockdep's <c>inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage</c>, and the soft-IRQ form).
    /// Reported at the acquisition in interrupt context, with the enabled one as the other site. Interrupts
    /// switched back on while the class is held (<c>Irq.LocalIrqEnable</c>, <c>LocalBhEnable</c>, another
    /// lock's <c>UnlockIrq</c>) are a use with them enabled, as in lockdep.
    /// </summary>
    internal static class InconsistentLockStateRule
    {
        public static void Analyze(ProgramGraph graph, System.Action<Diagnostic> report)
        {
            foreach (var lockClass in graph.Usage.Classes)
            {
                Check(graph, lockClass, LockUsage.UsedInHardIrq, LockUsage.UsedInHardIrqRead, LockUsage.EnabledHardIrq, LockUsage.EnabledHardIrqRead, "HARDIRQ", "hard", report);
                Check(graph, lockClass, LockUsage.UsedInSoftIrq, LockUsage.UsedInSoftIrqRead, LockUsage.EnabledSoftIrq, LockUsage.EnabledSoftIrqRead, "SOFTIRQ", "soft", report);
            }
        }

        /// <summary>
        /// lockdep's <c>mark_lock_irq</c>: a writer in the interrupt conflicts with any use with it enabled, a
        /// reader in the interrupt only with a writer; a reader in the interrupt and a reader with it enabled
        /// do not conflict (readers share, and a reader in an interrupt is admitted while a writer waits).
        /// </summary>
        private static void Check(ProgramGraph graph, LockClass lockClass, LockUsage used, LockUsage usedRead, LockUsage enabled, LockUsage enabledRead, string irq, string kind, System.Action<Diagnostic> report)
        {
            var usage = graph.Usage;
            var inIrq = usage.Witness(lockClass, used);
            var withIrqOn = inIrq is null ? null : usage.Witness(lockClass, enabled) ?? usage.Witness(lockClass, enabledRead);
            if (inIrq is null || withIrqOn is null)
            {
                inIrq = usage.Witness(lockClass, usedRead);
                withIrqOn = inIrq is null ? null : usage.Witness(lockClass, enabled);
            }

            if (inIrq is null || withIrqOn is null)
            {
                return;
            }

            var onAccess = withIrqOn.Acquisition.Mode == LockMode.Shared ? "R" : "W";
            var inAccess = inIrq.Acquisition.Mode == LockMode.Shared ? "R" : "W";
            var enabledHow = withIrqOn.HeldWhenIrqsEnabled
                ? $"held when {kind} IRQs are switched back on at"
                : $"with {kind} IRQs enabled at";
            var message =
                $"inconsistent {{{irq}-ON-{onAccess}}} -> {{IN-{irq}-{inAccess}}} usage: '{lockClass}' is taken in {kind}-IRQ context here "
                + $"({Describe(graph, inIrq)}), and {enabledHow} {ReportText.Place(withIrqOn.Acquisition.Location)} ({Describe(graph, withIrqOn)}); "
                + $"an interrupt arriving while that holder has the lock spins on it forever";
            report(Diagnostic.Create(RuleCatalog.InconsistentLockState, inIrq.Acquisition.Location, new[] { withIrqOn.Acquisition.Location }, BaselineKey.Properties(lockClass), message));
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
