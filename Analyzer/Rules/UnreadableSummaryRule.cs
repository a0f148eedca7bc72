using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0015: a referenced assembly carries a lock summary this analyzer cannot use. It is skipped, once,
    /// with the assembly's name and the reason; the rest of the analysis goes on without it.
    /// </summary>
    internal static class UnreadableSummaryRule
    {
        public static void Report(IAssemblySymbol assembly, string problem, System.Action<Diagnostic> report)
            => report(Diagnostic.Create(RuleCatalog.UnreadableSummary, Location.None, assembly.Identity.Name, problem));
    }
}
