using LockDiscipline.TestKit;
using System.Collections.Immutable;
using System.Reflection;
using LockDiscipline.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using LockDiscipline.Weaving;

namespace LockDiscipline.Generator.Tests.Harness;

/// <summary>
/// Compiles test sources against the reference set of the running .NET plus the LockDiscipline runtime
/// library, as a user's project would, and runs the real generator over them with
/// <see cref="CSharpGeneratorDriver"/>, with step tracking on.
/// </summary>
public static class GeneratorHarness
{
    /// <summary>The project directory the tests pretend to build in; sources live under it.</summary>
    public const string ProjectDirectory = "/src/";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The build properties of a Debug build with the package's props: runtime checks on.</summary>
    public static IReadOnlyDictionary<string, string> ChecksOn { get; } = Properties(("LockDisciplineRuntimeChecks", "true"));

    public static IReadOnlyDictionary<string, string> Properties(params (string Name, string Value)[] properties)
    {
        var result = new Dictionary<string, string> { ["build_property.ProjectDir"] = ProjectDirectory };
        foreach (var (name, value) in properties)
        {
            result["build_property." + name] = value;
        }

        return result;
    }

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest) => new CSharpParseOptions(version);

    /// <summary>
    /// A compilation of the sources (paths relative to <see cref="ProjectDirectory"/>), against the runtime
    /// library's engine, or with <paramref name="withRecordingHooks"/> against <see cref="RecordingHooks"/>.
    /// </summary>
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Source)> files, CSharpParseOptions? parseOptions = null, OptimizationLevel optimization = OptimizationLevel.Debug, bool withRecordingHooks = false, IEnumerable<MetadataReference>? references = null)
    {
        parseOptions ??= ParseOptions();
        // With an encoding, as a build reads files: a PDB needs one to record the source's checksum.
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Source, parseOptions, ProjectDirectory + f.Path, System.Text.Encoding.UTF8)).ToList();
        if (withRecordingHooks)
        {
            trees.Add(CSharpSyntaxTree.ParseText(RecordingHooks.Source, parseOptions, "/hooks/RecordingHooks.cs", System.Text.Encoding.UTF8));
        }

        return CSharpCompilation.Create(
            "TestProject",
            trees,
            references ?? References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: parseOptions.LanguageVersion >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable,
                optimizationLevel: optimization));
    }

    public static GeneratorDriver CreateDriver(IReadOnlyDictionary<string, string>? properties = null, CSharpParseOptions? parseOptions = null)
        => CSharpGeneratorDriver.Create(
            new[] { new LockdepGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions(),
            optionsProvider: new BuildProperties(properties ?? ChecksOn),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over the sources and returns the result and the compilation with the generated code.</summary>
    public static GeneratorRun Run(IEnumerable<(string Path, string Source)> files, IReadOnlyDictionary<string, string>? properties = null, CSharpParseOptions? parseOptions = null, OptimizationLevel optimization = OptimizationLevel.Debug, bool withRecordingHooks = false, IEnumerable<MetadataReference>? references = null)
    {
        var compilation = Compile(files, parseOptions, optimization, withRecordingHooks, references);
        var driver = CreateDriver(properties, parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorRun(driver, driver.GetRunResult(), output, generatorDiagnostics);
    }

    public static GeneratorRun Run(string path, string source, IReadOnlyDictionary<string, string>? properties = null)
        => Run(new[] { (path, source) }, properties);

    /// <summary>What a netstandard2.0 library compiles against: its reference assemblies and the runtime library's netstandard2.0 build.</summary>
    public static IEnumerable<MetadataReference> NetStandard20References()
        => Basic.Reference.Assemblies.NetStandard20.References.All
            .Append(MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "netstandard2.0", "LockDiscipline.dll")));

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll");
        var runtime = typeof(KMutex).Assembly.Location;
        return platform.Append(runtime).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    }
}

/// <summary>One generator run: the driver (to run again after an edit), its result, and the compilation it produced.</summary>
public sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public ImmutableArray<GeneratedSourceResult> Sources => Result.Results.Single().GeneratedSources;

    /// <summary>The generated files, each under a header with its hint name, in hint-name order: what golden files hold.</summary>
    public string GeneratedText()
        => string.Concat(Sources.OrderBy(s => s.HintName, StringComparer.Ordinal).Select(s => "//// " + s.HintName + "\n" + s.SourceText.ToString()));

    /// <summary>Errors and warnings of the compilation including the generated code, except those the recording hooks cause by shadowing the runtime's.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems()
        => Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS0436")
            .ToList();

    public void AssertCompiles()
    {
        var problems = CompilationProblems();
        Assert.True(problems.Count == 0, "The compilation with the generated code has problems:\n" + string.Join("\n", problems) + "\n\n" + GeneratedText());
    }

    /// <summary>
    /// Emits the compilation with a portable PDB, weaves it as the package's build step does
    /// (<see cref="LockWeaver.Weave(string, IEnumerable{string})"/>), and loads it, to run checked code.
    /// Every site of the table must have been woven: a site left unchecked fails the test that ran it.
    /// </summary>
    public Assembly Load()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lockdiscipline-generator-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var assembly = Path.Combine(directory, "TestProject.dll");
            var pdb = Path.ChangeExtension(assembly, ".pdb");
            using (var peStream = File.Create(assembly))
            using (var pdbStream = File.Create(pdb))
            {
                var emitted = Output.Emit(peStream, pdbStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: pdb));
                Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            }

            Woven = LockWeaver.Weave(assembly, Array.Empty<string>());
            Assert.True(Woven.Skipped.Count == 0, "Sites left unwoven:\n" + string.Join("\n", Woven.Skipped));
            Assert.Equal(Woven.TableSites, Woven.WovenSites);
            return Assembly.Load(File.ReadAllBytes(assembly), File.ReadAllBytes(pdb));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>What the weaver did in <see cref="Load"/>.</summary>
    public WeaveResult? Woven { get; private set; }
}
