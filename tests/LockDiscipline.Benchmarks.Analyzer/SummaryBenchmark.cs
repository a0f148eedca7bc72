using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using LockDiscipline.Analyzer;
using LockDiscipline.Analyzer.Summaries.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Benchmarks.Analyzer;

/// <summary>
/// What carrying a summary costs a build: its size (bytes per lock site of the source, and per site the
/// summary keeps) and the summary generator's CPU time against the analyzer's and the compiler's emit on
/// the same compilation, interleaved in one run so that the ratios hold under load. The code is a
/// generated project (<c>--lines</c>) or a folder of real sources (<c>--sources DIR</c>, such as IommuCore).
/// </summary>
internal static class SummaryBenchmark
{
    public static async Task<int> RunAsync(Dictionary<string, string> options)
    {
        var (name, files) = Sources(options);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).ToArray();
        var compilation = CSharpCompilation.Create("Bench", trees, IdeBenchmark.References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        var lines = files.Sum(f => f.Text.Count(c => c == '\n'));
        var lockSites = files.Sum(f => ProjectGenerator.CountLockSites(f.Text));

        var encoded = SummaryGenerator.Encode(compilation, CancellationToken.None);
        var bytes = encoded is null ? 0 : Convert.FromBase64String(encoded).Length;
        var summary = encoded is null ? null : SummaryEncoding.Decode(Convert.FromBase64String(encoded), out _);
        var kept = summary?.SiteCount ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {lines} lines, {lockSites} lock sites, compiler errors {errors}; summary: {summary?.Methods.Length ?? 0} methods, {kept} sites "
            + $"({summary?.Methods.Sum(m => m.Acquisitions.Length) ?? 0} acquisitions, {summary?.Methods.Sum(m => m.Calls.Length) ?? 0} calls), {bytes} bytes ({encoded?.Length ?? 0} in the attribute), "
            + $"{Ratio(bytes, lockSites):F1} bytes per lock site of the source, {Ratio(bytes, kept):F1} per site kept"));

        var staticEdges = SummaryGenerator.EncodeStaticEdges(compilation, CancellationToken.None);
        var edgeCount = staticEdges is null ? 0 : staticEdges.Split('\n').Length - 2 - int.Parse(staticEdges.Split('\n')[1], CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"static edges (LockDisciplineStaticEdges): {edgeCount} edges, {staticEdges?.Length ?? 0} characters in the attribute"));

        if (summary is not null)
        {
            var kinds = summary.Methods.SelectMany(m => m.Calls).GroupBy(c => (c.Kind, Holding: !c.Held.IsEmpty)).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal);
            Console.WriteLine("calls by kind: " + string.Join(", ", kinds.Select(g => $"{g.Key.Kind}{(g.Key.Holding ? " holding locks" : "")} {g.Count()}")));
        }

        var cpu = new Dictionary<string, List<double>>();
        var iterations = Program.Int(options, "iterations", 5);
        for (var i = 0; i < iterations + 1; i++)
        {
            foreach (var (step, run) in Steps(compilation))
            {
                GC.Collect();
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                await run();
                var used = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
                if (i > 0)
                {
                    (cpu.TryGetValue(step, out var list) ? list : cpu[step] = new List<double>()).Add(used);
                }
            }
        }

        var emit = Median(cpu["emit"]);
        var analyzer = Median(cpu["analyzer"]);
        var generator = Median(cpu["summary generator"]);
        var withEdges = Median(cpu["summary generator with static edges"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median process CPU over {iterations} interleaved runs: emit {emit:F0} ms, analyzer {analyzer:F0} ms, summary generator {generator:F0} ms "
            + $"(= {Ratio(generator, analyzer):F2}x the analyzer, {Ratio(generator, emit):F2}x the emit), with static edges {withEdges:F0} ms (= {Ratio(withEdges, generator):F2}x without)"));
        return 0;
    }

    private static IEnumerable<(string Name, Func<Task> Run)> Steps(Compilation compilation)
    {
        // A fresh compilation each time: nothing bound by one step is reused by the next.
        yield return ("emit", () =>
        {
            compilation.Clone().Emit(new MemoryStream());
            return Task.CompletedTask;
        });
        yield return ("analyzer", async () =>
        {
            var withAnalyzers = compilation.Clone().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()));
            await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        });
        yield return ("summary generator", () =>
        {
            SummaryGenerator.Encode(compilation.Clone(), CancellationToken.None);
            return Task.CompletedTask;
        });
        yield return ("summary generator with static edges", () =>
        {
            SummaryGenerator.EncodeStaticEdges(compilation.Clone(), CancellationToken.None);
            return Task.CompletedTask;
        });
    }

    private static (string Name, IReadOnlyList<(string Path, string Text)> Files) Sources(Dictionary<string, string> options)
    {
        if (options.TryGetValue("sources", out var folder))
        {
            var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .OrderBy(path => path, StringComparer.Ordinal)
                .Select(path => (path, File.ReadAllText(path)))
                .ToArray();
            return (Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)), files);
        }

        var project = ProjectGenerator.Generate(new GeneratorOptions(Program.Int(options, "lines", 50_000), Program.Int(options, "seed", 1), 0, 0));
        return ($"generated project (seed {Program.Int(options, "seed", 1)})", project.Files.Select(f => (f.Path, f.Text)).ToArray());
    }

    private static double Ratio(double part, double whole) => whole == 0 ? 0 : part / whole;

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
