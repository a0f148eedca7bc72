using System.Collections.Immutable;
using LockDiscipline.Analyzer;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzer.Tests.Harness;

/// <summary>Runs the real analyzer over a compilation the way the compiler does, and fails on any analyzer exception (AD0001).</summary>
public static class AnalyzerRunner
{
    /// <param name="concurrentAnalysis">
    /// As the compiler runs it (the default). Callers that analyse many small compilations in
    /// parallel themselves turn it off: its scheduling costs more than such a compilation's analysis.
    /// </param>
    /// <param name="additionalFiles">The project's additional files (a baseline), none by default.</param>
    public static ImmutableArray<Diagnostic> Run(Compilation compilation, bool concurrentAnalysis = true, ImmutableArray<AdditionalText> additionalFiles = default)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(additionalFiles.IsDefault ? ImmutableArray<AdditionalText>.Empty : additionalFiles),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) exceptions.Add(exception); },
            concurrentAnalysis: concurrentAnalysis,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options);
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (exceptions.Count > 0)
        {
            throw new AggregateException("The analyzer threw (AD0001).", exceptions);
        }

        var ad0001 = diagnostics.Where(d => d.Id == "AD0001").ToList();
        if (ad0001.Count > 0)
        {
            throw new InvalidOperationException("AD0001: " + string.Join(Environment.NewLine, ad0001));
        }

        return diagnostics;
    }
}
