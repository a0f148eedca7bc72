using System.Collections.Immutable;
using LockDiscipline.Analyzer.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzer
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LockDisciplineAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            RuleCatalog.CircularLockDependency,
            RuleCatalog.RecursiveLocking,
            RuleCatalog.UnbalancedLock,
            RuleCatalog.ThreadAffineLockAcrossAwait,
            RuleCatalog.UnresolvedLockName);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        }
    }
}
