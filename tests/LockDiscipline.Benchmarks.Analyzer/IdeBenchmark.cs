using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using LockDiscipline.Analyzer;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Benchmarks.Analyzer;

/// <summary>
/// The IDE's request: one document's analyzer semantic diagnostics
/// (<see cref="CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(SemanticModel, Microsoft.CodeAnalysis.Text.TextSpan?, CancellationToken)"/>),
/// with no compilation-end actions, in a compilation of a generated project whose one large document
/// is measured. Each iteration uses a fresh <see cref="CompilationWithAnalyzers"/> and semantic model
/// (as an edit does), over the same compilation (whose declarations stay bound, as in the IDE).
/// Prints medians; the compiler's own semantic diagnostics of the document (binding it) in the same
/// run is the yardstick.
/// </summary>
internal static class IdeBenchmark
{
    public static async Task<int> RunAsync(Dictionary<string, string> options)
    {
        var lines = Program.Int(options, "lines", 2_000);
        var context = Program.Int(options, "context", 50_000);
        var seed = Program.Int(options, "seed", 1);
        var iterations = Program.Int(options, "iterations", 21);
        var (document, others) = ProjectGenerator.GenerateWithLargeDocument(new GeneratorOptions(context, seed, 0, 0), lines);
        var nesting = options.ContainsKey("nesting");
        if (nesting)
        {
            // One class nested on two instances in the edited document: the instance links (ownership,
            // back-references) are asked about, as in any code base that nests a class on two objects.
            document = document with { Text = document.Text + PlantedNesting };
        }

        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(document.Text, parse, document.Path);
        var trees = others.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).Prepend(tree).ToArray();
        Compilation compilation = CSharpCompilation.Create(
            "Bench",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine(error);
            }

            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"document: {document.LineCount} lines, {ProjectGenerator.CountLockSites(document.Text)} lock sites; compilation: {trees.Sum(t => t.GetText().Lines.Count)} lines in {trees.Length} documents; {iterations} iterations, medians"));

        var analyzers = new List<(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers)>
        {
            ("operation-block action that does nothing (driver, binding, operation trees)", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyBlockAnalyzer(false))),
            ("LockDiscipline", ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer())),
        };
        if (options.TryGetValue("vsthrd", out var vsthrd))
        {
            analyzers.Add(("VSTHRD", LoadAnalyzers(vsthrd)));
        }

        // Each iteration is an edit: the document is parsed again and replaces itself, so the
        // compilation is new (as after a keystroke) and nothing bound for the document is reused.
        var binding = new List<double>();
        var wall = analyzers.Select(_ => new List<double>()).ToArray();
        var own = analyzers.Select(_ => new List<double>()).ToArray();
        var counts = new int[analyzers.Count];
        var watch = new Stopwatch();
        for (var i = 0; i < iterations + 1; i++)
        {
            var edited = CSharpSyntaxTree.ParseText(document.Text, parse, document.Path);
            var current = compilation.ReplaceSyntaxTree(tree, edited);
            tree = edited;
            compilation = current;
            watch.Restart();
            current.GetSemanticModel(edited).GetDiagnostics();
            watch.Stop();
            var warm = i == 0;
            if (!warm)
            {
                binding.Add(watch.Elapsed.TotalMilliseconds);
            }

            for (var a = 0; a < analyzers.Count; a++)
            {
                var withAnalyzers = current.WithAnalyzers(
                    analyzers[a].Analyzers,
                    new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
                watch.Restart();
                var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(current.GetSemanticModel(edited), filterSpan: null, CancellationToken.None);
                watch.Stop();
                var executionTime = TimeSpan.Zero;
                foreach (var analyzer in analyzers[a].Analyzers)
                {
                    executionTime += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime;
                }

                counts[a] = diagnostics.Length;
                if (!warm)
                {
                    wall[a].Add(watch.Elapsed.TotalMilliseconds);
                    own[a].Add(executionTime.TotalMilliseconds);
                }
            }
        }

        var bind = Median(binding);
        var baseline = Median(wall[0]);
        Console.WriteLine("| measured on the document | median ms | ÷ compiler's semantic diagnostics |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| compiler's semantic diagnostics (binds the document) | {bind:F1} | 1.00 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| GetAnalyzerSemanticDiagnosticsAsync, {analyzers[0].Name} | {baseline:F1} | {baseline / bind:F2} |"));
        for (var a = 1; a < analyzers.Count; a++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| GetAnalyzerSemanticDiagnosticsAsync, {analyzers[a].Name}, wall | {Median(wall[a]):F1} | {Median(wall[a]) / bind:F2} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {analyzers[a].Name}, the analyzer's own execution time | {Median(own[a]):F1} | {Median(own[a]) / bind:F2} |"));
        }

        for (var a = 1; a < analyzers.Count; a++)
        {
            Console.WriteLine($"{analyzers[a].Name} reported {counts[a]} diagnostics on the document");
        }

        return counts[1] == (nesting ? 1 : 0) ? 0 : 1;
    }

    /// <summary>Two parameters of one type locked one inside the other: one LD0014 on the document.</summary>
    private const string PlantedNesting = """

        namespace Bench.Planted
        {
            public sealed class Account
            {
                private readonly object _sync = new object();

                public static void Transfer(Account from, Account to)
                {
                    lock (from._sync)
                    {
                        lock (to._sync)
                        {
                        }
                    }
                }
            }
        }
        """;

    /// <summary>The whole analysis (compilation-end rules included) of a generated project, in process.</summary>
    public static async Task<int> RunWholeAsync(Dictionary<string, string> options)
    {
        var project = ProjectGenerator.Generate(new GeneratorOptions(Program.Int(options, "lines", 50_000), Program.Int(options, "seed", 1), Program.Int(options, "cycles2", 3), Program.Int(options, "cycles3", 2), Program.Int(options, "plain-types", 0)));
        var compilation = AnalysisCost.Compile(project);
        var watch = Stopwatch.StartNew();
        var compilerDiagnostics = compilation.GetDiagnostics();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{project.Lines} lines, {project.LockSites} lock sites; compiler diagnostics {watch.Elapsed.TotalSeconds:F2}s, errors {compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)}"));
        // CPU time (all threads) of the process over each analysis: unlike wall time, it does not count
        // the time the machine gives to other processes. The same analysis with an operation-block
        // action that does nothing, and with one that only builds the control flow graphs, splits
        // LockDiscipline's cost into the driver's, the CFGs' and its own.
        var cpu = new Dictionary<string, List<double>>();
        var allocated = new Dictionary<string, List<double>>();
        for (var i = 0; i < Program.Int(options, "iterations", 3) + 1; i++)
        {
            foreach (var (name, analyzer) in new (string, DiagnosticAnalyzer)[] { ("empty", AnalysisCost.EmptyBlockAnalyzer(false)), ("cfg", AnalysisCost.EmptyBlockAnalyzer(true)), ("LockDiscipline", new LockDisciplineAnalyzer()) })
            {
                var run = await AnalysisCost.AnalyzeAsync(compilation, analyzer);
                var (bytes, used, wallTime, own, diagnostics) = (run.AllocatedBytes, run.ProcessCpuSeconds, run.WallSeconds, run.AnalyzerSeconds, run.Diagnostics);
                if (i > 0)
                {
                    (cpu.TryGetValue(name, out var list) ? list : cpu[name] = new List<double>()).Add(used);
                    (allocated.TryGetValue(name, out var sizes) ? sizes : allocated[name] = new List<double>()).Add(bytes / 1e6);
                }

                if (name == "LockDiscipline")
                {
                    var byId = string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {i}: wall {wallTime:F2}s, analyzer {own:F2}s, process CPU {used:F2}s, allocated {bytes / 1e6:F1} MB, diagnostics: {byId}"));
                }
            }
        }

        var empty = Median(cpu["empty"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median process CPU: empty {empty:F2}s, +CFGs {Median(cpu["cfg"]) - empty:F2}s, +LockDiscipline {Median(cpu["LockDiscipline"]) - empty:F2}s (of which its own, without CFGs: {Median(cpu["LockDiscipline"]) - Median(cpu["cfg"]):F2}s)"));
        var emptyBytes = Median(allocated["empty"]);
        var ownBytes = Median(allocated["LockDiscipline"]) - Median(allocated["cfg"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median allocated: empty {emptyBytes:F1} MB, +CFGs {Median(allocated["cfg"]) - emptyBytes:F1} MB, +LockDiscipline {Median(allocated["LockDiscipline"]) - emptyBytes:F1} MB (of which its own, without CFGs: {ownBytes:F1} MB; ÷ driver and binding: {(Median(allocated["LockDiscipline"]) - emptyBytes) / emptyBytes:F2})"));
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static ImmutableArray<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll");
        var runtime = Path.Combine(AppContext.BaseDirectory, "LockDiscipline.dll");
        return platform.Append(runtime).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    }

    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers(string directory)
    {
        var loader = new Loader();
        var result = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        foreach (var path in Directory.GetFiles(directory, "*.dll"))
        {
            loader.AddDependencyLocation(path);
        }

        foreach (var path in Directory.GetFiles(directory, "*.dll"))
        {
            result.AddRange(new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp));
        }

        return result.ToImmutable();
    }

    /// <summary>An operation-block action that does nothing, or only builds the blocks' control flow graphs.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    internal sealed class EmptyBlockAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("BENCH0001", "bench", "bench", "bench", DiagnosticSeverity.Warning, true);
        private readonly bool _buildGraphs;

        public EmptyBlockAnalyzer(bool buildGraphs) => _buildGraphs = buildGraphs;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationBlockAction(block =>
            {
                if (_buildGraphs)
                {
                    foreach (var operation in block.OperationBlocks)
                    {
                        var root = operation;
                        while (root.Parent is not null)
                        {
                            root = root.Parent;
                        }

                        if (root.Kind is OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.FieldInitializer or OperationKind.PropertyInitializer)
                        {
                            block.GetControlFlowGraph(operation);
                        }
                    }
                }
            });
        }
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
