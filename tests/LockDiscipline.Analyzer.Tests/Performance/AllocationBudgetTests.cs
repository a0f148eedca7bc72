using LockDiscipline.Benchmarks.Analyzer;
using Xunit.Abstractions;

namespace LockDiscipline.Analyzer.Tests.Performance;

/// <summary>The budget test measures the whole process's allocations, so it runs with no other test beside it.</summary>
[CollectionDefinition(nameof(AllocationBudget), DisableParallelization = true)]
public sealed class AllocationBudget;

/// <summary>
/// The CI-sized analyzer benchmark (docs/performance.md): the analyzer's allocations over a generated project, as a
/// ratio to what the driver and binding allocate for an operation-block analyzer that does nothing, in the same
/// process. Bytes do not depend on the machine's load, so the budget can be tight where a time could not be.
/// </summary>
[Collection(nameof(AllocationBudget))]
public class AllocationBudgetTests(ITestOutputHelper output)
{
    /// <param name="plainTypes">Lock-free types per module: 0 is the dense project (a lock site per 13 lines), 60 one per 50 lines.</param>
    /// <param name="budget">The allowed ratio: measured when it was set (1.37 and 0.71), plus about 10% for driver and runtime noise.</param>
    [Theory]
    [InlineData(0, 1.5)]
    [InlineData(60, 0.8)]
    public async Task TheAnalyzerAllocatesWithinItsBudgetOverTheDriver(int plainTypes, double budget)
    {
        var project = ProjectGenerator.Generate(new GeneratorOptions(Lines: 8_000, Seed: 1, TwoClassCycles: 1, ThreeClassCycles: 1, PlainTypesPerModule: plainTypes));
        var compilation = AnalysisCost.Compile(project);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));

        // A first run of each warms up the JIT and the compilation's own caches (declarations, symbols).
        await AnalysisCost.AnalyzeAsync(compilation, AnalysisCost.EmptyBlockAnalyzer(buildGraphs: false));
        await AnalysisCost.AnalyzeAsync(compilation, new LockDisciplineAnalyzer());
        var driver = await AnalysisCost.AnalyzeAsync(compilation, AnalysisCost.EmptyBlockAnalyzer(buildGraphs: false));
        var analyzer = await AnalysisCost.AnalyzeAsync(compilation, new LockDisciplineAnalyzer());

        var ratio = (double)(analyzer.AllocatedBytes - driver.AllocatedBytes) / driver.AllocatedBytes;
        output.WriteLine($"{project.Lines} lines, {project.LockSites} lock sites: driver and binding {driver.AllocatedBytes / 1e6:F1} MB, LockDiscipline +{(analyzer.AllocatedBytes - driver.AllocatedBytes) / 1e6:F1} MB, ratio {ratio:F2} (budget {budget:F2})");

        // The analysis measured must be the right one: exactly the planted cycles.
        Assert.Equal(project.Cycles.Count, analyzer.Diagnostics.Count(d => d.Id == "LD0001"));
        Assert.Equal(analyzer.Diagnostics.Length, analyzer.Diagnostics.Count(d => d.Id == "LD0001"));
        Assert.True(ratio <= budget, $"LockDiscipline allocates {ratio:F2}× what the driver and binding do, over its budget of {budget:F2}×");
    }
}
