extern alias generator;

using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Tests.Harness;
using LockDiscipline.Analyzer.Tests.Robustness;
using LockDiscipline.LockModel;
using LockDiscipline.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using GeneratorModel = generator::LockDiscipline.Generator.Model;

namespace LockDiscipline.Analyzer.Tests.Parity;

/// <summary>
/// The analyzer and the generator must see the same lock at every lock call: the same class key, kind and
/// mode. Both compile the shared lock model, but each drives it its own way (the analyzer over flow
/// graphs, the generator over single calls), so this runs both over every source the project has
/// (IommuCore, the samples, the package tests' consumers, the generator's own sources, and every source
/// any analyzer test compiles) and compares them site by site.
/// </summary>
public sealed class ParityTests
{
    private const string ProjectDirectory = "/src/";

    private static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Preview);

    private static readonly BuildProperties ChecksOn = new(new Dictionary<string, string>
    {
        ["build_property.LockDisciplineRuntimeChecks"] = "true",
        ["build_property.ProjectDir"] = ProjectDirectory,
    });

    /// <summary>What one side says a lock call does. <paramref name="Mode"/> is empty for releases.</summary>
    public sealed record SiteFacts(string ClassKey, string Kind, string Mode);

    public static TheoryData<string> Catalogue()
    {
        var data = new TheoryData<string>();
        foreach (var project in CatalogueProjects())
        {
            data.Add(project);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void Analyzer_and_generator_agree_at_every_lock_site(string project)
    {
        var files = SourcesOf(project);
        Assert.NotEmpty(files);
        var compilation = Compile(files);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        Assert.True(errors.Count == 0, project + " does not compile for the comparison:\n" + string.Join("\n", errors));

        var analyzerSites = AnalyzerSites(compilation);
        var generatorSites = GeneratorSites(compilation);

        var disagreements = Disagreements(analyzerSites, generatorSites);
        Assert.True(disagreements.Count == 0, project + ":\n" + string.Join("\n", disagreements));
    }

    /// <summary>
    /// Every source set an analyzer test compiles (the robustness test's catalogue), one compilation each;
    /// sets that do not compile are compared too, since a half-typed file must not split the two sides.
    /// </summary>
    [Fact]
    public void Analyzer_and_generator_agree_at_every_lock_site_of_the_analyzer_tests_sources()
    {
        var disagreements = new List<string>();
        var compared = 0;
        foreach (var files in SourceCatalogue.All)
        {
            // Under the project directory, whatever folder a test put the file in (/lib/, /app/ for the cross-assembly tests).
            var compilation = Compile(files.Select(f => (f.Path.StartsWith(ProjectDirectory, StringComparison.Ordinal) ? f.Path.Substring(ProjectDirectory.Length) : f.Path.TrimStart('/'), f.Source)));
            var analyzerSites = AnalyzerSites(compilation);
            var generatorSites = GeneratorSites(compilation);
            compared += generatorSites.Count;
            foreach (var disagreement in Disagreements(analyzerSites, generatorSites))
            {
                disagreements.Add(disagreement + "\n    at: " + LineAt(compilation, disagreement));
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(compared >= 100, "only " + compared + " intercepted lock sites compared");
    }

    /// <summary>Projects written with <c>lock</c> statements only have nothing to compare; IommuCore must not be one of them.</summary>
    [Fact]
    public void The_catalogue_compares_real_sites()
    {
        var compilation = Compile(SourcesOf("IommuCore"));
        var sites = GeneratorSites(compilation);
        Assert.True(sites.Count >= 50, "IommuCore has only " + sites.Count + " intercepted lock sites");
        Assert.Equal(sites.Count, AnalyzerSites(compilation).Count);
    }

    /// <summary>The comparison fails, naming the site, when either side is changed alone.</summary>
    [Fact]
    public void A_change_to_either_side_alone_is_a_disagreement_at_its_site()
    {
        const string source = """
            using LockDiscipline;

            public sealed class Device
            {
                private readonly KMutex _config = new();
                private readonly KRwSem _table = new();

                public void Reconfigure()
                {
                    _config.Lock();
                    _table.DownRead();
                    _table.UpRead();
                    _config.Unlock();
                }
            }
            """;
        var compilation = Compile(new[] { ("Device.cs", source) });
        var analyzerSites = AnalyzerSites(compilation);
        var generatorSites = GeneratorSites(compilation);
        Assert.Empty(Disagreements(analyzerSites, generatorSites));

        var lockSite = generatorSites.Keys.Single(site => site.Contains("(10,17)", StringComparison.Ordinal));
        var renamed = new Dictionary<string, SiteFacts>(generatorSites) { [lockSite] = generatorSites[lockSite] with { ClassKey = "member:F:Device._other" } };
        var disagreement = Assert.Single(Disagreements(analyzerSites, renamed));
        Assert.Contains("Device.cs(10,17)", disagreement, StringComparison.Ordinal);
        Assert.Contains("member:F:Device._config", disagreement, StringComparison.Ordinal);

        var readSite = generatorSites.Keys.Single(site => site.Contains("(11,16)", StringComparison.Ordinal));
        var asWrite = new Dictionary<string, SiteFacts>(analyzerSites) { [readSite] = analyzerSites[readSite] with { Mode = "Exclusive" } };
        Assert.Contains("Device.cs(11,16)", Assert.Single(Disagreements(asWrite, generatorSites)), StringComparison.Ordinal);

        var dropped = new Dictionary<string, SiteFacts>(generatorSites);
        dropped.Remove(lockSite);
        Assert.Contains("not checked at run time", Assert.Single(Disagreements(analyzerSites, dropped)), StringComparison.Ordinal);
    }

    /// <summary>Every disagreement, one line each, naming the site and what each side says.</summary>
    public static List<string> Disagreements(IReadOnlyDictionary<string, SiteFacts> analyzerSites, IReadOnlyDictionary<string, SiteFacts> generatorSites)
    {
        var disagreements = new List<string>();
        foreach (var (site, generator) in generatorSites.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!analyzerSites.TryGetValue(site, out var analyzer))
            {
                disagreements.Add($"{site}: the generator intercepts {generator}, the analyzer sees no lock operation");
            }
            else if (analyzer != generator)
            {
                disagreements.Add($"{site}: the analyzer sees {analyzer}, the generator {generator}");
            }
        }

        foreach (var (site, analyzer) in analyzerSites.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!generatorSites.ContainsKey(site))
            {
                disagreements.Add($"{site}: the analyzer sees {analyzer}, which is not checked at run time");
            }
        }

        return disagreements;
    }

    /// <summary>
    /// The analyzer's view: its lockset flow over every body (and the local functions and lambdas in it),
    /// keeping the operations the lock model says the generator intercepts.
    /// </summary>
    private static Dictionary<string, SiteFacts> AnalyzerSites(Compilation compilation)
    {
        var resolvers = new Resolvers(compilation);
        var sites = new Dictionary<string, SiteFacts>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                // The bodies the analyzer gets as operation blocks: methods, constructors, accessors, and
                // expression-bodied properties and indexers (their getter).
                var owner = node switch
                {
                    BaseMethodDeclarationSyntax or AccessorDeclarationSyntax => model.GetDeclaredSymbol(node) as IMethodSymbol,
                    ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax property } => (model.GetDeclaredSymbol(property) as IPropertySymbol)?.GetMethod,
                    _ => null,
                };
                var graph = owner is null ? null : model.GetOperation(node) switch
                {
                    IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor),
                    IMethodBodyOperation method => ControlFlowGraph.Create(method),
                    IBlockOperation { Parent: null } block => ControlFlowGraph.Create(block),
                    _ => null,
                };
                if (graph is not null)
                {
                    Walk(graph, owner!, null);
                }
            }
        }

        return sites;

        void Walk(ControlFlowGraph graph, IMethodSymbol owner, ValueOrigins? enclosing)
        {
            var origins = ValueOrigins.Collect(graph, enclosing);
            var flow = LocksetAnalysis.Analyze(graph, origins, owner, resolvers);
            foreach (var acquisition in flow.Acquisitions.Concat(flow.TryAcquisitions))
            {
                Add(acquisition.Operation, acquisition.Operation.Mode.ToString());
            }

            foreach (var release in flow.Releases)
            {
                Add(release.Operation, string.Empty);
            }

            foreach (var localFunction in graph.LocalFunctions)
            {
                Walk(graph.GetLocalFunctionControlFlowGraph(localFunction), localFunction, origins);
            }

            foreach (var lambda in origins.Lambdas)
            {
                Walk(graph.GetAnonymousFunctionControlFlowGraph(lambda), lambda.Symbol, origins);
            }
        }

        void Add(LockOperation operation, string mode)
        {
            var lockClass = operation.Class.NestingBase ?? operation.Class;
            if (operation.Api is not { NotInterceptedBecause: null } || lockClass.ClassedByType || operation.Site.Syntax is not InvocationExpressionSyntax invocation)
            {
                return;
            }

            sites[SiteOf(invocation)] = new SiteFacts(lockClass.Key, lockClass.RuntimeKind.ToString(), mode);
        }
    }

    /// <summary>The source line a disagreement names (<c>File.cs(line,column): ...</c>), to find the test it came from.</summary>
    private static string LineAt(Compilation compilation, string disagreement)
    {
        var open = disagreement.IndexOf('(', StringComparison.Ordinal);
        var comma = disagreement.IndexOf(',', open);
        var path = ProjectDirectory + disagreement.Substring(0, open);
        var line = int.Parse(disagreement.Substring(open + 1, comma - open - 1), System.Globalization.CultureInfo.InvariantCulture) - 1;
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == path);
        return tree is null ? "?" : tree.GetText().Lines[line].ToString().Trim();
    }

    private static CSharpCompilation Compile(IEnumerable<(string Path, string Source)> files)
        => TestCompilation.Create(files.Select(f => (ProjectDirectory + f.Path, f.Source)), parseOptions: ParseOptions);

    /// <summary>The generator's view: the explicit lock calls its binding step gave a checked call, read from the tracked step.</summary>
    private static Dictionary<string, SiteFacts> GeneratorSites(Compilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create(
            new[] { new generator::LockDiscipline.Generator.LockdepGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            optionsProvider: ChecksOn,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        var bound = (GeneratorModel.BoundCalls)result.TrackedSteps[generator::LockDiscipline.Generator.TrackingNames.BoundCalls].Single().Outputs.Single().Value;
        var sites = new Dictionary<string, SiteFacts>(StringComparer.Ordinal);
        var apis = new Dictionary<string, GeneratorModel.InterceptedApi>(StringComparer.Ordinal);
        for (var i = 0; i < bound.CheckedCalls.Locks.Count; i++)
        {
            apis.Add(bound.CheckedCalls.NameOf(bound.CheckedCalls.Locks[i], i), bound.CheckedCalls.Locks[i]);
        }

        foreach (var site in bound.Woven)
        {
            // The analyzer's side lists the calls on locks held in members; locks classed by type are compared by the weaver's tests.
            if (!apis.TryGetValue(site.CheckedCall, out var api) || api.Shape == GeneratorModel.ApiShape.Downgrade || site.Class!.Key.StartsWith("type:", StringComparison.Ordinal))
            {
                continue;
            }

            var mode = api.Shape is GeneratorModel.ApiShape.Release or GeneratorModel.ApiShape.ReleaseCount ? string.Empty
                : api.Flags.Contains("Read", StringComparison.Ordinal) ? "Shared"
                : api.Flags.Contains("Upgradeable", StringComparison.Ordinal) ? "Upgradeable"
                : "Exclusive";
            sites[site.Site.File + "(" + site.Site.Line + "," + site.Column + ")"] = new SiteFacts(site.Class!.Key, site.Class.Kind, mode);
        }

        return sites;
    }

    /// <summary>The site as the generator prints it: <c>File.cs(line,column)</c> of the method name.</summary>
    private static string SiteOf(InvocationExpressionSyntax invocation)
    {
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            MemberBindingExpressionSyntax binding => binding.Name,
            _ => invocation.Expression,
        };
        var span = name.GetLocation().GetMappedLineSpan();
        var path = span.Path.StartsWith(ProjectDirectory, StringComparison.Ordinal) ? span.Path.Substring(ProjectDirectory.Length) : span.Path;
        return path + "(" + (span.StartLinePosition.Line + 1) + "," + (span.StartLinePosition.Character + 1) + ")";
    }

    /// <summary>Each entry is one compilation: a project folder, or one of the generator's source files.</summary>
    private static IEnumerable<string> CatalogueProjects()
    {
        var root = RepositoryRoot.Directory;
        yield return "IommuCore";
        foreach (var sample in new[] { "samples/QuickStart", "samples/Regressions", "samples/RuntimeDemo" })
        {
            yield return sample;
        }

        foreach (var consumer in Directory.GetDirectories(Path.Combine(root, "tests/LockDiscipline.Package.Tests/Consumers")).OrderBy(d => d, StringComparer.Ordinal))
        {
            yield return Path.GetRelativePath(root, consumer).Replace('\\', '/');
        }

        foreach (var source in Directory.GetFiles(Path.Combine(root, "tests/LockDiscipline.Generator.Tests/Sources"), "*.cs.txt").OrderBy(f => f, StringComparer.Ordinal))
        {
            yield return Path.GetRelativePath(root, source).Replace('\\', '/');
        }
    }

    private static List<(string Path, string Source)> SourcesOf(string project)
    {
        var root = RepositoryRoot.Directory;
        var full = Path.Combine(root, project);
        if (File.Exists(full))
        {
            return new List<(string, string)> { (Path.GetFileName(full).Replace(".cs.txt", ".cs", StringComparison.Ordinal), File.ReadAllText(full)) };
        }

        return Directory.GetFiles(full, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(full, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();
    }
}
