using System.Text.RegularExpressions;

namespace LockDiscipline.Package.Tests.Infrastructure;

/// <summary>
/// A consumer source line that must carry a diagnostic, written as a trailing comment on that line:
/// <c>lock (_balanceLock) // LD0001 expected here: 'Ledger._auditLock' 'Ledger._balanceLock'</c>.
/// The quoted names are the lock classes the message must name. When the line has one
/// <c>lock (expr)</c>, the diagnostic's column must be that of <c>expr</c>.
/// </summary>
public sealed record ExpectationMarker(string FileName, int Line, int? Column, string Id, IReadOnlyList<string> LockClasses)
{
    private static readonly Regex MarkerPattern = new(@"//\s*(?<id>LD\d{4}) expected here(?::(?<names>.*))?$", RegexOptions.CultureInvariant);
    private static readonly Regex QuotedName = new(@"'[^']+'", RegexOptions.CultureInvariant);
    private static readonly Regex LockStatement = new(@"\block\s*\(\s*", RegexOptions.CultureInvariant);

    /// <summary>A stable name for the marker, used as a test case id.</summary>
    public string Key => $"{FileName}:{Line}";

    public static IReadOnlyList<ExpectationMarker> Read(IEnumerable<string> sourceFiles)
    {
        var markers = new List<ExpectationMarker>();
        foreach (string path in sourceFiles.OrderBy(p => p, StringComparer.Ordinal))
        {
            string[] lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                Match match = MarkerPattern.Match(lines[i]);
                if (!match.Success)
                {
                    continue;
                }

                string code = lines[i][..match.Index];
                MatchCollection locks = LockStatement.Matches(code);
                int? column = locks.Count == 1 ? locks[0].Index + locks[0].Length + 1 : null;
                string[] names = QuotedName.Matches(match.Groups["names"].Value).Select(m => m.Value).ToArray();
                markers.Add(new ExpectationMarker(Path.GetFileName(path), i + 1, column, match.Groups["id"].Value, names));
            }
        }

        return markers;
    }

    public override string ToString() =>
        $"{FileName}({Line}{(Column is int c ? "," + c : "")}): {Id} naming {string.Join(", ", LockClasses)}";
}
