using System.Collections.Immutable;
using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Analyzer.Tests.CrossAssembly;

/// <summary>
/// A library compiled as the compiler compiles it with the package (the summary generator runs, the
/// assembly is emitted to bytes), and an app compiled against those bytes as a metadata reference:
/// the app sees the library only as a user's project sees a referenced assembly.
/// </summary>
public static class TwoAssemblies
{
    public sealed record Library(CSharpCompilation Compilation, byte[] Image, string? GeneratedSource)
    {
        public MetadataReference Reference => MetadataReference.CreateFromImage(Image);
    }

    /// <param name="disabledOutputs">Implementation, as the IDE runs generators: no summary is written.</param>
    public static Library BuildLibrary(string source, string name = "Library", IEnumerable<MetadataReference>? references = null, IncrementalGeneratorOutputKind disabledOutputs = IncrementalGeneratorOutputKind.None, OptimizationLevel optimization = OptimizationLevel.Debug)
    {
        var compilation = TestCompilation.Create(new[] { ($"/lib/{name}.cs", source) }, assemblyName: name, references: references);
        compilation = compilation.WithOptions(compilation.Options.WithOptimizationLevel(optimization));
        AssertCompiles(compilation);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new SummaryGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(disabledOutputs));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var withSummary, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.SingleOrDefault()?.ToString();

        using var image = new MemoryStream();
        var emitted = withSummary.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        return new Library(compilation, image.ToArray(), generated);
    }

    /// <summary>
    /// A library built on first use and shared by a class's tests. A failed build is not kept: the source
    /// catalogue runs every test in capture mode, where compiling throws, and that must not poison the real run.
    /// </summary>
    public static Lazy<Library> Shared(Func<Library> build) => new(build, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The encoded summary a built library carries, as the attribute holds it.</summary>
    public static string? EncodedSummary(Library library)
        => library.GeneratedSource is { } source ? source.Split('"')[3] : null;

    /// <summary>The app's sources analysed against the libraries: exactly the marked diagnostics, as <see cref="Verify"/> checks one compilation.</summary>
    public static ImmutableArray<Diagnostic> VerifyApp(string markup, params MetadataReference[] libraries)
    {
        const string path = "/app/App.cs";
        var (source, expected) = Markup.Parse(markup, path);
        var actual = AnalyzeApp(source, libraries);
        var actualKeys = actual.Select(Describe).OrderBy(s => s, StringComparer.Ordinal).ToList();
        var expectedKeys = expected.Select(e => $"{e.Id} {e.FilePath}@{e.Span}").OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.True(
            expectedKeys.SequenceEqual(actualKeys),
            "Expected:" + Environment.NewLine + string.Join(Environment.NewLine, expectedKeys)
            + Environment.NewLine + "Actual:" + Environment.NewLine + string.Join(Environment.NewLine, actual.Select(d => Describe(d) + "  " + d.GetMessage())));
        return actual;
    }

    /// <summary>The analyzer's diagnostics on an app that compiles against the libraries; fails on any analyzer exception.</summary>
    public static ImmutableArray<Diagnostic> AnalyzeApp(string source, params MetadataReference[] libraries)
    {
        var compilation = TestCompilation.Create(new[] { ("/app/App.cs", source) }, assemblyName: "App", references: libraries);
        AssertCompiles(compilation);
        return AnalyzerRunner.Run(compilation);
    }

    private static void AssertCompiles(Compilation compilation)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test source does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static string Describe(Diagnostic diagnostic)
        => $"{diagnostic.Id} {diagnostic.Location.SourceTree?.FilePath}@{diagnostic.Location.SourceSpan}";
}
