using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using LockDiscipline.Generator;
using LockDiscipline.TestKit;
using LockDiscipline.Weaving;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace LockDiscipline.Benchmarks.BuildCost;

/// <summary>
/// What each part of a Debug build with runtime checks costs, in this process, on the C# files under a
/// folder: bytes allocated (the same on any machine, whatever its load) and time (meaningful only as a
/// ratio within one run). Each round measures every part once, in build order, on a fresh compilation of
/// the same syntax trees (parsed once: parsing is the same with and without checks).
///   LockDiscipline.Benchmarks.BuildCost DIR [ROUNDS]
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: LockDiscipline.Benchmarks.BuildCost DIR [ROUNDS]");
            return 2;
        }

        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var directory = Path.GetFullPath(args[0]);
        var files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Text: File.ReadAllText(path)))
            .ToArray();
        var output = Path.Combine(Path.GetTempPath(), "lockdiscipline-build-cost", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        Console.WriteLine($"files={files.Length} lines={files.Sum(f => f.Text.Count(c => c == '\n'))}");
        Console.WriteLine("round\tpart\tallocated_bytes\tms");
        try
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, f.Path, System.Text.Encoding.UTF8)).ToArray();
            for (var round = 1; round <= rounds; round++)
            {
                Measure(round, "emit without generated code", () => Emit(Compile(trees), output));
                Compilation withGenerated = null!;
                GeneratorDriver driver = null!;
                var compilation = Compile(trees);
                Measure(round, "generator", () => driver = Generate(compilation, directory, out withGenerated));
                Measure(round, "emit with generated code", () => Emit(withGenerated, output));
                WeaveResult woven = null!;
                Measure(round, "weave", () => woven = LockWeaver.Weave(Path.Combine(output, "Bench.dll"), Array.Empty<string>()));
                if (round == 1)
                {
                    var generated = driver.GetRunResult().GeneratedTrees.Sum(tree => tree.GetText().Lines.Count);
                    Console.WriteLine($"# generated lines={generated}, sites woven={woven.WovenSites} of {woven.TableSites}, left unchecked={woven.Skipped.Count}");
                }
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }

        return 0;
    }

    private static void Measure(int round, string part, Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        action();
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"{round}\t{part}\t{allocated}\t{clock.ElapsedMilliseconds}");
    }

    private static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees)
        => CSharpCompilation.Create("Bench", trees, References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Debug));

    /// <summary>The generator as a Debug build with the package runs it.</summary>
    private static GeneratorDriver Generate(Compilation compilation, string directory, out Compilation withGenerated)
    {
        var properties = new Dictionary<string, string>
        {
            ["build_property." + LockdepGenerator.RuntimeChecksProperty] = "true",
            ["build_property.ProjectDir"] = directory + Path.DirectorySeparatorChar,
        };
        return CSharpGeneratorDriver.Create(new[] { new LockdepGenerator().AsSourceGenerator() }, optionsProvider: new BuildProperties(properties))
            .RunGeneratorsAndUpdateCompilation(compilation, out withGenerated, out _);
    }

    /// <summary>Emits the assembly and its portable PDB, as the compiler writes them to obj/.</summary>
    private static void Emit(Compilation compilation, string output)
    {
        var assembly = Path.Combine(output, "Bench.dll");
        var pdb = Path.ChangeExtension(assembly, ".pdb");
        using var peStream = File.Create(assembly);
        using var pdbStream = File.Create(pdb);
        var result = compilation.Emit(peStream, pdbStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: pdb));
        if (!result.Success)
        {
            throw new InvalidOperationException("The project does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        }
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(KMutex).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());
}
