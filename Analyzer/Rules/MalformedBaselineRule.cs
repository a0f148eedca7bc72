using LockDiscipline.Analyzer.Baseline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0016: the baseline has lines that cannot be read. One diagnostic per compilation, at the first such
    /// line, saying how many there are; the lines are skipped and the rest of the baseline still applies.
    /// </summary>
    internal static class MalformedBaselineRule
    {
        public static void Analyze(CompilationAnalysisContext context)
        {
            if (Of(BaselineFile.Read(context.Options.AdditionalFiles, context.CancellationToken)) is { } diagnostic)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>The one LD0016 of a baseline, or null when it reads cleanly; the command-line tool prints the same.</summary>
        public static Diagnostic? Of(BaselineFile baseline)
        {
            if (baseline.FirstProblem is not { } problem)
            {
                return null;
            }

            var others = baseline.ProblemCount > 1 ? $" ({baseline.ProblemCount - 1} more unreadable line(s) after it)" : string.Empty;
            return Diagnostic.Create(RuleCatalog.MalformedBaseline, problem.Location, problem.Reason, others);
        }
    }
}
