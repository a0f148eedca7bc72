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

    /// <summary>While set (for one logical flow only), <see cref="Diagnostics"/> records its files here instead of verifying.</summary>
    private static readonly AsyncLocal<List<IReadOnlyList<(string Path, string Source)>>?> Capture = new();

    /// <summary>
    /// Runs a test body in capture mode and returns the file sets it asks to verify, markup removed,
    /// without compiling or analysing them (each call then returns no diagnostics, so the test's own
    /// assertions may fail; that is expected and ignored by callers). Lets the robustness test
    /// enumerate every verified source deterministically, whatever order tests run in.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<(string Path, string Source)>> CaptureSources(Action test)
    {
        var sink = new List<IReadOnlyList<(string Path, string Source)>>();
        var previous = Capture.Value;
        Capture.Value = sink;
        try
        {
            test();
        }
        catch (Exception)
        {
            // Assertions on the empty diagnostics of capture mode fail; only the captured sources matter.
        }
        finally
        {
            Capture.Value = previous;
        }

        return sink;
    }

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

        if (Capture.Value is { } sink)
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
