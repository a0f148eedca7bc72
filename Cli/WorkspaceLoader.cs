using System.Collections.Immutable;
using LockDiscipline.Analyzer;
using LockDiscipline.Analyzer.Baseline;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Rules;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;

namespace LockDiscipline.Cli;

/// <summary>One project (one target framework of it) as the analyzer saw it.</summary>
internal sealed class AnalyzedProject
{
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

    public AnalyzedProject(Project project, Compilation compilation, ImmutableArray<Diagnostic> findings, BaselineFile baseline, LockGraph? graph)
    {
        Name = project.Name;
        ProjectFile = project.FilePath ?? project.Name;
        Compilation = compilation;
        Findings = findings;
        Baseline = baseline;
        Graph = graph;
        BaselinePath = project.AdditionalDocuments.FirstOrDefault(d => d.FilePath is { } path && path.EndsWith(BaselineFile.FileNameSuffix, StringComparison.OrdinalIgnoreCase))?.FilePath
            ?? Path.Combine(Path.GetDirectoryName(ProjectFile) ?? ".", BaselineFile.FileNameSuffix);
    }

    public string Name { get; }

    public string ProjectFile { get; }

    public Compilation Compilation { get; }

    /// <summary>
    /// The analyzer's findings with the baseline left out, so the accepted ones are here too (<see cref="IsAccepted"/>),
    /// and those suppressed in source, marked <see cref="Diagnostic.IsSuppressed"/>.
    /// </summary>
    public ImmutableArray<Diagnostic> Findings { get; }

    public BaselineFile Baseline { get; }

    /// <summary>The project's baseline if it has one, else where one would go: next to the project file.</summary>
    public string BaselinePath { get; }

    public LockGraph? Graph { get; }

    public BaselineKey KeyOf(Diagnostic diagnostic) => BaselineKey.Of(diagnostic, ModelOf);

    /// <summary>Whether the project's baseline accepts the finding (the analyzer in a build would not report it).</summary>
    public bool IsAccepted(Diagnostic diagnostic) => Baseline.Keys.Contains(KeyOf(diagnostic).Text);

    private SemanticModel ModelOf(SyntaxTree tree)
    {
        if (!_models.TryGetValue(tree, out var model))
        {
            model = Compilation.GetSemanticModel(tree);
            _models.Add(tree, model);
        }

        return model;
    }
}

/// <summary>Opens the projects with MSBuildWorkspace and runs the real analyzer on each.</summary>
internal static class WorkspaceLoader
{
    /// <summary>Must run before any MSBuild type is loaded: picks the SDK that `dotnet` would use here.</summary>
    public static void RegisterMSBuild()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }

    public static async Task<IReadOnlyList<AnalyzedProject>> AnalyzeAsync(CommandLine command, TextWriter log)
    {
        var path = Resolve(command.Path);
        using var workspace = MSBuildWorkspace.Create(command.Properties);
        workspace.WorkspaceFailed += (_, failure) =>
        {
            if (failure.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
            {
                log.WriteLine("lockdiscipline: warning: " + failure.Diagnostic.Message);
            }
        };

        IEnumerable<Project> projects;
        if (path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            var project = await workspace.OpenProjectAsync(path);
            // A multi-targeting project opens as one project per target framework: each is analysed, and they share one baseline.
            projects = project.Solution.Projects.Where(p => string.Equals(p.FilePath, path, StringComparison.OrdinalIgnoreCase));
        }
        else
        {
            projects = (await workspace.OpenSolutionAsync(path)).Projects;
        }

        var analyzed = new List<AnalyzedProject>();
        foreach (var project in projects.Where(p => p.Language == LanguageNames.CSharp).OrderBy(p => p.FilePath, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            analyzed.Add(await AnalyzeAsync(project));
        }

        if (analyzed.Count == 0)
        {
            throw new UsageException($"no C# project in {path}");
        }

        return analyzed;
    }

    /// <summary>
    /// Runs the analyzer with the project's options but without its baseline, so that every finding comes back:
    /// the baseline is then applied here, by the same keys, to tell accepted findings from new ones.
    /// </summary>
    private static async Task<AnalyzedProject> AnalyzeAsync(Project project)
    {
        var compilation = await project.GetCompilationAsync() ?? throw new UsageException($"{project.Name} has no compilation");
        ProgramGraph? programGraph = null;
        var analyzer = new LockDisciplineAnalyzer { ProgramGraphObserver = graph => programGraph = graph };
        var additionalFiles = project.AnalyzerOptions.AdditionalFiles;
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(additionalFiles.RemoveAll(BaselineFile.IsBaseline), project.AnalyzerOptions.AnalyzerConfigOptionsProvider),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) exceptions.Add(exception); },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: true);
        var findings = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options).GetAnalyzerDiagnosticsAsync();
        if (exceptions.Count > 0)
        {
            throw new AggregateException($"The LockDiscipline analyzer failed on {project.Name} (AD0001): please report it.", exceptions);
        }

        var baseline = BaselineFile.Read(additionalFiles, CancellationToken.None);
        var all = findings.Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal));
        if (MalformedBaselineRule.Of(baseline) is { } malformed)
        {
            all = all.Append(malformed);
        }

        var sorted = all
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        var lockGraph = programGraph is null ? null : LockGraph.From(project.Name, programGraph);
        return new AnalyzedProject(project, compilation, sorted, baseline, lockGraph);
    }

    private static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return full;
        }

        if (!Directory.Exists(full))
        {
            throw new UsageException($"'{path}' is neither a project, a solution nor a folder");
        }

        var solutions = Directory.GetFiles(full, "*.sln").Concat(Directory.GetFiles(full, "*.slnx")).ToArray();
        var candidates = (solutions.Length > 0 ? solutions : Directory.GetFiles(full, "*.csproj")).Order(StringComparer.Ordinal).ToArray();
        return candidates.Length == 1
            ? candidates[0]
            : throw new UsageException(candidates.Length == 0
                ? $"'{path}' holds no .sln, .slnx or .csproj"
                : $"'{path}' holds several ({string.Join(", ", candidates.Select(Path.GetFileName))}): name one");
    }
}
