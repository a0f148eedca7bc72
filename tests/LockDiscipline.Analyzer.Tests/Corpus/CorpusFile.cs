using System.Text.RegularExpressions;

namespace LockDiscipline.Analyzer.Tests.Corpus;

/// <summary>
/// One file of the realistic-code corpus (Corpus/Sources) or of the minimal cases (Corpus/Minimal),
/// with the two comment markers the corpus is written with. Comments rather than the
/// <c>{|LDxxxx:span|}</c> markup, so that every corpus file stays plain C# that compiles and can be
/// opened and read as the library code it imitates.
/// <list type="bullet">
/// <item><c>// real: LD0001 bug-name</c> at the end of a line that closes a real bug. A bug may mark
/// several lines (a cycle is closed by either of its inner acquisitions); it counts as reported when
/// any of its lines carries a diagnostic of a listed ID (<c>LD0001/LD0003</c> lists two). Any other
/// error or warning from the analyzer is, by the corpus's contract, a false alarm.</item>
/// <item><c>// cause: 3</c> on its own line: the lines below it, up to the next such comment, model the
/// shape of that cause in issue 10 (1 to 8, <c>other</c> for the other tools' shapes, <c>bug</c>
/// around a real bug, <c>plain</c> for ordinary locking that fits none of them). False alarms are attributed to the cause of the line they are reported on.</item>
/// </list>
/// </summary>
public sealed partial class CorpusFile
{
    private CorpusFile(string name, string source)
    {
        Name = name;
        Source = source;
        var lines = source.Split('\n');
        var causes = new string[lines.Length];
        var cause = "unset";
        var markers = new List<RealBugMarker>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (CauseComment().Match(lines[i]) is { Success: true } causeMatch)
            {
                cause = causeMatch.Groups["cause"].Value;
            }

            causes[i] = cause;
            if (RealComment().Match(lines[i]) is { Success: true } realMatch)
            {
                markers.Add(new RealBugMarker(
                    realMatch.Groups["name"].Value,
                    realMatch.Groups["ids"].Value.Split('/'),
                    Line: i + 1));
            }
        }

        CauseByLine = causes;
        RealMarkers = markers;
    }

    /// <summary>The file name without extension; also the test case's display name.</summary>
    public string Name { get; }

    /// <summary>The path the file is compiled under, which diagnostics report.</summary>
    public string PathInCompilation => $"/corpus/{Name}.cs";

    public string Source { get; }

    public IReadOnlyList<RealBugMarker> RealMarkers { get; }

    /// <summary>The real bugs of the file, each with every line that may report it.</summary>
    public IReadOnlyList<IGrouping<string, RealBugMarker>> RealBugs => RealMarkers.GroupBy(m => m.BugName).ToList();

    private IReadOnlyList<string> CauseByLine { get; }

    /// <summary>The cause of the region a one-based line is in.</summary>
    public string CauseAt(int line) => line >= 1 && line <= CauseByLine.Count ? CauseByLine[line - 1] : "unset";

    /// <summary>Whether a diagnostic with this ID on this one-based line is one of the marked real bugs.</summary>
    public bool IsMarkedReal(string id, int line) => RealMarkers.Any(m => m.Line == line && m.Ids.Contains(id));

    public static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    /// <summary>The realistic files, by name, in a stable order.</summary>
    public static IReadOnlyList<CorpusFile> Sources => LoadedSources.Value;

    /// <summary>The minimal one-cause cases, by name, in a stable order.</summary>
    public static IReadOnlyList<CorpusFile> Minimal => LoadedMinimal.Value;

    private static readonly Lazy<IReadOnlyList<CorpusFile>> LoadedSources = new(() => Load("Sources"));

    private static readonly Lazy<IReadOnlyList<CorpusFile>> LoadedMinimal = new(() => Load("Minimal"));

    private static IReadOnlyList<CorpusFile> Load(string folder)
        => Directory.GetFiles(Path.Combine(CorpusDirectory, folder), "*.cs")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => new CorpusFile(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path).Replace("\r\n", "\n")))
            .ToList();

    /// <summary>Theory rows: the names of the realistic files.</summary>
    public static IEnumerable<object[]> SourceNames() => Sources.Select(f => new object[] { f.Name });

    /// <summary>Theory rows: the names of the minimal cases.</summary>
    public static IEnumerable<object[]> MinimalNames() => Minimal.Select(f => new object[] { f.Name });

    public override string ToString() => Name;

    [GeneratedRegex(@"^\s*//\s*cause:\s*(?<cause>[\w-]+)")]
    private static partial Regex CauseComment();

    [GeneratedRegex(@"//\s*real:\s*(?<ids>LD\d{4}(?:/LD\d{4})*)\s+(?<name>[\w-]+)")]
    private static partial Regex RealComment();
}

/// <summary>A line marked <c>// real: IDs bug-name</c>.</summary>
public sealed record RealBugMarker(string BugName, IReadOnlyList<string> Ids, int Line);
