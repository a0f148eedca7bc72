using System.Collections.Immutable;
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
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
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
            RuleCatalog.UnreadableSummary);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var analysis = new CompilationAnalysis(start.Compilation);
                start.RegisterOperationBlockAction(analysis.AnalyzeOperationBlock);
                start.RegisterSymbolAction(analysis.AnalyzeSymbol, SymbolKind.Method, SymbolKind.Property, SymbolKind.Field);
                start.RegisterCompilationEndAction(analysis.AnalyzeProgram);
            });
        }
    }
}
