using System.Globalization;
using System.Text;

namespace LockDiscipline.Benchmarks.Analyzer;

/// <summary>
/// The analyzer benchmark's tool.
/// <code>
/// generate --lines N --out DIR [--seed S] [--cycles2 A] [--cycles3 B] [--plain-types P] --runtime LockDiscipline.dll --analyzer LockDiscipline.Analyzer.dll
/// ide [--lines 2000] [--context N] [--seed S] [--iterations I] [--vsthrd DIR] [--nesting]
/// whole [--lines N] [--seed S] [--iterations I] [--plain-types P]   (the whole analysis in process: quick to iterate on and to profile)
/// summary [--lines N | --sources DIR] [--seed S] [--iterations I]   (what carrying a summary costs: bytes and generator time)
/// </code>
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        var options = ParseOptions(args.Skip(1));
        switch (args[0])
        {
            case "generate":
                return Generate(options);
            case "ide":
                return await IdeBenchmark.RunAsync(options);
            case "whole":
                return await IdeBenchmark.RunWholeAsync(options);
            case "summary":
                return await SummaryBenchmark.RunAsync(options);
            default:
                return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: generate --lines N --out DIR --runtime DLL --analyzer DLL [--seed S] [--cycles2 A] [--cycles3 B]");
        Console.Error.WriteLine("       ide [--lines 2000] [--context 50000] [--seed 1] [--iterations 21] [--vsthrd DIR] [--nesting]");
        Console.Error.WriteLine("       summary [--lines 50000 | --sources DIR] [--seed 1] [--iterations 5]");
        return 2;
    }

    private static Dictionary<string, string> ParseOptions(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                key = arg.Substring(2);
                result[key] = "true";
            }
            else if (key is not null)
            {
                result[key] = arg;
                key = null;
            }
        }

        return result;
    }

    internal static int Int(Dictionary<string, string> options, string name, int fallback)
        => options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static int Generate(Dictionary<string, string> options)
    {
        if (!options.TryGetValue("out", out var output) || !options.TryGetValue("runtime", out var runtime) || !options.TryGetValue("analyzer", out var analyzer))
        {
            return Usage();
        }

        var generatorOptions = new GeneratorOptions(Int(options, "lines", 25_000), Int(options, "seed", 1), Int(options, "cycles2", 0), Int(options, "cycles3", 0), Int(options, "plain-types", 0));
        var project = ProjectGenerator.Generate(generatorOptions);
        if (Directory.Exists(Path.Combine(output, "src")))
        {
            Directory.Delete(Path.Combine(output, "src"), recursive: true);
        }

        foreach (var file in project.Files)
        {
            var path = Path.Combine(output, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Text);
        }

        File.WriteAllText(Path.Combine(output, "Generated.csproj"), ProjectFile);
        File.WriteAllText(Path.Combine(output, "Directory.Build.props"), BuildProps(Path.GetFullPath(runtime), Path.GetFullPath(analyzer)));
        File.WriteAllText(Path.Combine(output, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(output, ".globalconfig"), GlobalConfig);
        var expected = new StringBuilder();
        foreach (var cycle in project.Cycles)
        {
            expected.Append(string.Join(' ', cycle.Classes)).Append('\n');
        }

        File.WriteAllText(Path.Combine(output, "expected-cycles.txt"), expected.ToString());
        var stats = string.Create(CultureInfo.InvariantCulture, $"lines={project.Lines} files={project.Files.Count} types={project.Types} modules={project.Modules} lock_sites={project.LockSites} planted_cycles={project.Cycles.Count}\n");
        File.WriteAllText(Path.Combine(output, "stats.txt"), stats);
        Console.Write(stats);
        return 0;
    }

    /// <summary>
    /// One project, five builds: <c>-p:BenchAnalyzer=None|LockDiscipline|VSTHRD|NetAnalyzers|Package</c>, each
    /// restored for itself (VSTHRD is referenced only in its build); the SDK's NetAnalyzers are switched on only for
    /// their build. <c>Package</c> references the packed LockDiscipline package as a user does
    /// (analyzer, runtime checks in Debug, the runtime library) instead of the analyzer dll; its build needs its own
    /// restore, with a nuget.config whose source is the packed folder (scripts/bench-analyzer.sh writes it).
    /// </summary>
    private const string ProjectFile = """
        <Project Sdk="Microsoft.NET.Sdk">
          <!-- Generated by tests/LockDiscipline.Benchmarks.Analyzer (see docs/performance.md). -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Library</OutputType>
            <Nullable>disable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <LangVersion>latest</LangVersion>
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
            <GenerateDocumentationFile>false</GenerateDocumentationFile>
            <EnableNETAnalyzers>false</EnableNETAnalyzers>
            <BenchAnalyzer Condition="'$(BenchAnalyzer)' == ''">None</BenchAnalyzer>
          </PropertyGroup>
          <PropertyGroup Condition="'$(BenchAnalyzer)' == 'NetAnalyzers'">
            <EnableNETAnalyzers>true</EnableNETAnalyzers>
            <AnalysisMode>All</AnalysisMode>
          </PropertyGroup>
          <ItemGroup Condition="'$(BenchAnalyzer)' == 'VSTHRD'">
            <PackageReference Include="Microsoft.VisualStudio.Threading.Analyzers" Version="18.12.1" PrivateAssets="all" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzer)' != 'Package'">
            <Reference Include="LockDiscipline" HintPath="$(LockDisciplineRuntime)" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzer)' == 'Package'">
            <PackageReference Include="LockDiscipline" Version="$(LockDisciplinePackageVersion)" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzer)' == 'LockDiscipline'">
            <Analyzer Include="$(LockDisciplineAnalyzer)" />
          </ItemGroup>
        </Project>

        """;

    /// <summary>LD0001 as a warning, so a build with the planted cycles completes and lists them.</summary>
    private const string GlobalConfig = """
        is_global = true
        dotnet_diagnostic.LD0001.severity = warning

        """;

    private static string BuildProps(string runtime, string analyzer) => $"""
        <Project>
          <!-- Stops MSBuild from importing the repository's Directory.Build.props above this folder. -->
          <PropertyGroup>
            <LockDisciplineRuntime>{runtime}</LockDisciplineRuntime>
            <LockDisciplineAnalyzer>{analyzer}</LockDisciplineAnalyzer>
          </PropertyGroup>
        </Project>

        """;
}
