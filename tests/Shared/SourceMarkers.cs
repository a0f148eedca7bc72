using System.Text.RegularExpressions;

namespace LockDiscipline.TestKit;

/// <summary>
/// The marker comments of the samples and the consumer sources: one grammar, read by every test that
/// checks a build or a run against its sources. A marker is the trailing comment of a code line, made
/// of clauses separated by <c>;</c>:
/// <code>
///   _lock.DownRead(); // expect LD0001 'dmar_global_lock' '&amp;group-&gt;mutex'
///   _lock.Lock(); // runtime: dmar_global_lock -&gt; &amp;group-&gt;mutex, at boot
///   _lock.LockIrqSave(); // expect LD0004 '&amp;k-&gt;k_lock'; runtime: WARNING: inconsistent lock state
/// </code>
/// <c>expect LDnnnn 'text' ...</c>: the build reports LDnnnn on this line, and its message contains each
/// quoted text. <c>runtime: label</c>: a report of the run-time checks cites this line; the label says
/// what happens there. A trailing comment that starts with <c>expect</c> or <c>runtime:</c> but breaks
/// the grammar is an error, so a typo cannot silently drop an expectation; comments on lines without
/// code are prose, never markers.
/// </summary>
public sealed class SourceMarkers
{
    private static readonly Regex MarkerComment = new(@"//\s*(?<body>(?:expect\b|runtime:).*)$", RegexOptions.CultureInvariant);
    private static readonly Regex ExpectClause = new(@"^expect\s+(?<id>LD\d{4})(?<texts>(?:\s+'[^']+')*)$", RegexOptions.CultureInvariant);
    private static readonly Regex RuntimeClause = new(@"^runtime:\s*(?<label>\S.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex QuotedText = new(@"'(?<text>[^']+)'", RegexOptions.CultureInvariant);
    private static readonly Regex LockStatement = new(@"\block\s*\(\s*", RegexOptions.CultureInvariant);

    private SourceMarkers(IReadOnlyList<ExpectedDiagnostic> expected, IReadOnlyList<RuntimeSite> runtimeSites)
    {
        Expected = expected;
        RuntimeSites = runtimeSites;
    }

    /// <summary>Every <c>expect</c> clause, in file (ordinal) and line order.</summary>
    public IReadOnlyList<ExpectedDiagnostic> Expected { get; }

    /// <summary>Every <c>runtime:</c> clause, in file (ordinal) and line order.</summary>
    public IReadOnlyList<RuntimeSite> RuntimeSites { get; }

    /// <summary>The markers of source files, each named by its file name without folder.</summary>
    /// <exception cref="FormatException">A marker breaks the grammar.</exception>
    public static SourceMarkers Read(IEnumerable<string> paths) =>
        Combine(paths.OrderBy(Path.GetFileName, StringComparer.Ordinal).Select(p => Parse(Path.GetFileName(p), File.ReadAllText(p))));

    /// <summary>The markers of one source text.</summary>
    /// <exception cref="FormatException">A marker breaks the grammar.</exception>
    public static SourceMarkers Parse(string fileName, string text)
    {
        var expected = new List<ExpectedDiagnostic>();
        var sites = new List<RuntimeSite>();
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match comment = MarkerComment.Match(lines[i]);
            string code = comment.Success ? lines[i][..comment.Index] : string.Empty;
            if (code.Trim().Length == 0 || code.TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            int line = i + 1;
            foreach (string clause in comment.Groups["body"].Value.Split(';').Select(c => c.Trim()))
            {
                Match expect = ExpectClause.Match(clause);
                Match runtime = RuntimeClause.Match(clause);
                if (expect.Success)
                {
                    string[] texts = QuotedText.Matches(expect.Groups["texts"].Value).Select(q => q.Groups["text"].Value).ToArray();
                    expected.Add(new ExpectedDiagnostic(fileName, line, LockExpressionColumn(code), expect.Groups["id"].Value, texts));
                }
                else if (runtime.Success)
                {
                    sites.Add(new RuntimeSite(fileName, line, runtime.Groups["label"].Value));
                }
                else
                {
                    throw new FormatException(
                        $"{fileName}({line}): marker clause '{clause}' is neither `expect LDnnnn 'text' ...` nor `runtime: label`.");
                }
            }
        }

        return new SourceMarkers(expected, sites);
    }

    /// <summary>The line of <paramref name="fileName"/> whose <c>runtime:</c> label starts with <paramref name="labelStart"/>; there must be exactly one.</summary>
    public int RuntimeLine(string fileName, string labelStart)
    {
        RuntimeSite[] matches = RuntimeSites
            .Where(s => s.FileName == fileName && s.Label.StartsWith(labelStart, StringComparison.Ordinal))
            .ToArray();
        return matches.Length == 1
            ? matches[0].Line
            : throw new InvalidOperationException($"{matches.Length} lines of {fileName} are marked `runtime: {labelStart}...`, expected one.");
    }

    private static SourceMarkers Combine(IEnumerable<SourceMarkers> files)
    {
        SourceMarkers[] all = files.ToArray();
        return new SourceMarkers(all.SelectMany(m => m.Expected).ToArray(), all.SelectMany(m => m.RuntimeSites).ToArray());
    }

    /// <summary>
    /// Where LD0001 on a <c>lock (expr)</c> statement is reported: the column of <c>expr</c>, when the
    /// line has exactly one such statement (with more, which one is not said, so no column is pinned).
    /// </summary>
    private static int? LockExpressionColumn(string code)
    {
        MatchCollection locks = LockStatement.Matches(code);
        return locks.Count == 1 ? locks[0].Index + locks[0].Length + 1 : null;
    }
}

/// <summary>An <c>expect</c> clause: the build reports <paramref name="Id"/> on this line, its message containing each of <paramref name="Texts"/>.</summary>
/// <param name="LockExpressionColumn">The 1-based column of the line's one <c>lock (expr)</c> expression, or null.</param>
public sealed record ExpectedDiagnostic(string FileName, int Line, int? LockExpressionColumn, string Id, IReadOnlyList<string> Texts)
{
    /// <summary>A stable name for the marker, used as a test case id.</summary>
    public string Key => $"{FileName}:{Line}";

    public override string ToString() =>
        $"{FileName}({Line}{(LockExpressionColumn is int c ? "," + c : "")}): {Id} naming {string.Join(", ", Texts.Select(t => "'" + t + "'"))}";
}

/// <summary>A <c>runtime:</c> clause: a run-time report cites this line.</summary>
public sealed record RuntimeSite(string FileName, int Line, string Label);
