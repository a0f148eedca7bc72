using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.Harness;

/// <summary>
/// The assertion tests use: the marked-up sources compile without errors, and the analyzer reports
/// exactly the marked diagnostics (ID, file and span), nothing more and nothing less.
/// </summary>
public static class Verify
{
    /// <summary>Every source a test has verified; the robustness test replays them cut short.</summary>
    public static IEnumerable<string> SourcesSeen => AllSources.Keys;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> AllSources = new();

    public static ImmutableArray<Diagnostic> Diagnostics(params string[] markupFiles)
    {
        var files = new List<(string Path, string Source)>();
        var expected = new List<ExpectedDiagnostic>();
        for (var i = 0; i < markupFiles.Length; i++)
        {
            var path = $"/src/File{i}.cs";
            var (source, marks) = Markup.Parse(markupFiles[i], path);
            AllSources.TryAdd(source, 0);
            files.Add((path, source));
            expected.AddRange(marks);
        }

        if (SourceCapture.Active is { } sink)
        {
            sink.Add(files);
            return ImmutableArray<Diagnostic>.Empty;
        }

        var compilation = TestCompilation.Create(files);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test source does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, errors));

        var actual = AnalyzerRunner.Run(compilation);
        var actualKeys = actual.Select(Describe).OrderBy(s => s, StringComparer.Ordinal).ToList();
        var expectedKeys = expected.Select(e => $"{e.Id} {e.FilePath}@{e.Span}").OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.True(
            expectedKeys.SequenceEqual(actualKeys),
            "Expected:" + Environment.NewLine + string.Join(Environment.NewLine, expectedKeys)
            + Environment.NewLine + "Actual:" + Environment.NewLine + string.Join(Environment.NewLine, actual.Select(d => Describe(d) + "  " + d.GetMessage())));
        return actual;
    }

    private static string Describe(Diagnostic diagnostic)
        => $"{diagnostic.Id} {diagnostic.Location.SourceTree?.FilePath}@{diagnostic.Location.SourceSpan}";
}
