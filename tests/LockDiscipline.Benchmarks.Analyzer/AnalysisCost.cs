using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Benchmarks.Analyzer;

/// <summary>What one whole-compilation analysis cost: bytes allocated by the process, its CPU and wall time, the analyzer's own time.</summary>
public sealed record AnalysisRun(long AllocatedBytes, double ProcessCpuSeconds, double WallSeconds, double AnalyzerSeconds, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// The whole analysis of a generated project in process, shared by the <c>whole</c> command and the CI budget test.
/// Allocations are the load-independent measure: the same analysis allocates about the same bytes however busy the
/// machine is, where its times may vary fourfold. The yardstick is the same analysis with an operation-block action
/// that does nothing (the driver, binding and operation trees that any such analyzer pays).
/// </summary>
public static class AnalysisCost
{
    public static CSharpCompilation Compile(GeneratedProject project)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = project.Files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).ToArray();
        return CSharpCompilation.Create("Bench", trees, IdeBenchmark.References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    /// <summary>An operation-block analyzer that does nothing, or only builds the blocks' control flow graphs.</summary>
    public static DiagnosticAnalyzer EmptyBlockAnalyzer(bool buildGraphs) => new IdeBenchmark.EmptyBlockAnalyzer(buildGraphs);

    /// <summary>
    /// Runs <paramref name="analyzer"/> over the whole compilation. The bytes are the whole process's, so nothing
    /// else may run in the process meanwhile (the budget test runs alone).
    /// </summary>
    public static async Task<AnalysisRun> AnalyzeAsync(Compilation compilation, DiagnosticAnalyzer analyzer)
    {
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create(analyzer),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        GC.Collect();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        var wall = watch.Elapsed.TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var own = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalSeconds;
        return new AnalysisRun(bytes, cpu, wall, own, diagnostics);
    }
}
