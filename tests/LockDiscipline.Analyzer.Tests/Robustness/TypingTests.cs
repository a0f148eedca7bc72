using System.Collections.Concurrent;
using System.Diagnostics;
using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace LockDiscipline.Analyzer.Tests.Robustness;

/// <summary>
/// The analyzer runs on every keystroke in the IDE, so it must survive any half-typed file. Each
/// catalogued file is cut off after every 37th character and analysed, with the other files of its
/// set complete: compile errors are expected, analyzer exceptions (AD0001) are not.
/// </summary>
public class TypingTests(ITestOutputHelper output)
{
    private const int Step = 37;

    [Fact]
    public void CatalogueHoldsTheVerifiedSourcesAndTheSnippets()
    {
        var sources = SourceCatalogue.All.SelectMany(set => set.Select(file => file.Source)).ToList();
        Assert.True(sources.Count > 150, $"only {sources.Count} sources catalogued");
        Assert.Contains(sources, s => s.Contains("void Dump() { lock (_stats) { lock (_items) { } } }"));
        Assert.Contains(sources, s => s.Contains("Monitor.TryEnter(_a, TimeSpan.FromMilliseconds(100), ref taken);"));
        Assert.Contains(SourceCatalogue.All, set => set.Count == 2);
        Assert.Contains(SourceCatalogue.All, set => set[0].Path == "/src/Example.cs");
        Assert.All(Snippets.All, snippet => Assert.Contains(snippet, sources));
        Assert.DoesNotContain(sources, s => s.Contains("{|LD"));
    }

    /// <summary>One empty compilation whose references every input shares, so that they are bound once.</summary>
    private static readonly Lazy<CSharpCompilation> Empty = new(() => TestCompilation.Create(Array.Empty<(string, string)>()));

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    [Fact]
    public void EveryPrefixOfEverySourceAnalysesWithoutException()
    {
        // Sources share their openings, so many cut-off inputs are identical: analyse each once.
        var inputs = Prefixes().DistinctBy(input => Key(input.Files)).ToList();
        var failures = new ConcurrentBag<(string Signature, string Typed, string Detail)>();
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, input =>
        {
            try
            {
                var compilation = Empty.Value.AddSyntaxTrees(input.Files.Select(f => CSharpSyntaxTree.ParseText(f.Source, ParseOptions, f.Path)));
                AnalyzerRunner.Run(compilation, concurrentAnalysis: false);
            }
            catch (Exception exception)
            {
                failures.Add((Signature(exception), input.Files[input.Typed].Source, exception.ToString()));
            }
        });

        output.WriteLine($"{inputs.Count} inputs from {SourceCatalogue.All.Count} file sets: {watch.Elapsed.TotalSeconds:F1} s, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s of CPU");

        // One line per distinct failure, with the shortest typed text that shows it.
        var report = failures
            .GroupBy(f => f.Signature)
            .Select(g => g.OrderBy(f => f.Typed.Length).ThenBy(f => f.Typed, StringComparer.Ordinal).First())
            .Select(f => $"{f.Signature}{Environment.NewLine}  typed ({f.Typed.Length} chars):{Environment.NewLine}{f.Typed}{Environment.NewLine}  {FirstLines(f.Detail, 12)}")
            .ToList();
        Assert.True(
            report.Count == 0,
            $"{failures.Count} of {inputs.Count} inputs threw ({watch.Elapsed.TotalSeconds:F1} s), {report.Count} distinct:{Environment.NewLine}"
            + string.Join(Environment.NewLine + Environment.NewLine, report));
    }

    /// <summary>Each file of each set cut after every <see cref="Step"/>th character, the others complete; and each whole snippet.</summary>
    private static IEnumerable<(IReadOnlyList<(string Path, string Source)> Files, int Typed)> Prefixes()
    {
        foreach (var set in SourceCatalogue.All)
        {
            for (var typed = 0; typed < set.Count; typed++)
            {
                var source = set[typed].Source;
                for (var length = Step; length < source.Length; length += Step)
                {
                    var files = set.ToArray();
                    files[typed] = (files[typed].Path, source.Substring(0, length));
                    yield return (files, typed);
                }
            }

            if (set[0].Path == SourceCatalogue.SnippetPath)
            {
                // Test sources are analysed whole by their own tests; snippets only here.
                yield return (set, 0);
            }
        }
    }

    private static string Key(IReadOnlyList<(string Path, string Source)> files)
        => string.Join("\0\0", files.Select(f => f.Path + "\0" + f.Source));

    /// <summary>The exception type and the analyzer frame it came from: failures with one cause share it.</summary>
    private static string Signature(Exception exception)
    {
        var root = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception;
        var frame = root.StackTrace?
            .Split('\n')
            .Select(line => line.Trim())
            .FirstOrDefault(line => line.StartsWith("at LockDiscipline.Analyzer.", StringComparison.Ordinal)
                && !line.StartsWith("at LockDiscipline.Analyzer.Tests.", StringComparison.Ordinal));
        return $"{root.GetType().Name}: {root.Message} {frame}";
    }

    private static string FirstLines(string text, int count)
        => string.Join(Environment.NewLine + "  ", text.Split('\n').Take(count).Select(l => l.TrimEnd()));
}
