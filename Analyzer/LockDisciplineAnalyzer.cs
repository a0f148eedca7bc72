using System.Collections.Immutable;
using LockDiscipline.Analyzer.Baseline;
using LockDiscipline.Analyzer.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzer
{
    /// <summary>
    /// The one analyzer of the package. It drives the pipeline resolve → flow → summarise → graph →
    /// rules; the rules themselves live one per file under Rules/.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LockDisciplineAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Every rule the analyzer reports.</summary>
        internal static readonly ImmutableArray<DiagnosticDescriptor> Rules = ImmutableArray.Create(
            RuleCatalog.CircularLockDependency,
            RuleCatalog.DeclaredOrderViolation,
            RuleCatalog.RecursiveLocking,
            RuleCatalog.InconsistentLockState,
            RuleCatalog.IrqSafeToUnsafeOrder,
            RuleCatalog.SleepInAtomicContext,
            RuleCatalog.UnbalancedLock,
            RuleCatalog.UnguardedAccess,
            RuleCatalog.LockContractViolation,
            RuleCatalog.TryAcquireReturnsWrongly,
            RuleCatalog.ThreadAffineLockAcrossAwait,
            RuleCatalog.UnresolvedLockName,
            RuleCatalog.WaitForWorkHoldingItsLock,
            RuleCatalog.IndistinguishableNesting,
            RuleCatalog.UnreadableSummary,
            RuleCatalog.MalformedBaseline);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Rules;

        /// <summary>
        /// Handed each compilation's whole-program graph once the compilation-end rules have read it: how the
        /// command-line tool draws the graph the rules saw, rather than one computed apart. Null in the compiler.
        /// </summary>
        internal System.Action<Graph.ProgramGraph>? ProgramGraphObserver { get; set; }

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationAction(MalformedBaselineRule.Analyze);
            context.RegisterCompilationStartAction(start =>
            {
                var baseline = BaselineFile.Read(start.Options.AdditionalFiles, start.CancellationToken);
                var analysis = new CompilationAnalysis(start.Compilation, baseline, graphObserver: ProgramGraphObserver);
                start.RegisterOperationBlockAction(analysis.AnalyzeOperationBlock);
                start.RegisterSymbolAction(analysis.AnalyzeSymbol, SymbolKind.Method, SymbolKind.Property, SymbolKind.Field);
                start.RegisterCompilationEndAction(analysis.AnalyzeProgram);
            });
        }
    }
}
