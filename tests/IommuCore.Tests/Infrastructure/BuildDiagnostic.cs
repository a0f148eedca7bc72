using System.Text.RegularExpressions;

namespace IommuCore.Tests.Infrastructure;

/// <summary>
/// One diagnostic as MSBuild's console logger prints it: <c>path(line,col): error LD0001: message
/// (help link) [project]</c>.
/// </summary>
public sealed record BuildDiagnostic(string File, int Line, string Severity, string Id, string Message)
{
    private static readonly Regex Pattern = new(
        @"^\s*(?<file>.*?)\((?<line>\d+),\d+(?:,\d+,\d+)?\)\s*:\s*(?<sev>error|warning|info)\s+(?<id>[A-Za-z]+\d+)\s*:\s*(?<msg>.*?)(?:\s+\(https?://[^\s()]+\))?(?:\s+\[[^\[\]]+\])?\s*$",
        RegexOptions.CultureInvariant);

    public string FileName => Path.GetFileName(File);

    /// <summary>Every diagnostic with a source location in a build's output, each once.</summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
    {
        var seen = new HashSet<(string, int, string)>();
        var result = new List<BuildDiagnostic>();
        foreach (string raw in output.Split('\n'))
        {
            Match m = Pattern.Match(raw.TrimEnd('\r'));
            if (!m.Success)
            {
                continue;
            }

            var d = new BuildDiagnostic(m.Groups["file"].Value.Trim(), int.Parse(m.Groups["line"].Value), m.Groups["sev"].Value, m.Groups["id"].Value, m.Groups["msg"].Value);
            if (seen.Add((d.FileName, d.Line, d.Id)))
            {
                result.Add(d);
            }
        }

        return result;
    }

    public override string ToString() => $"{FileName}({Line}): {Severity} {Id}: {Message}";
}

/// <summary>
/// A source line that must carry a diagnostic: <c>code; // expect LD0001 'dmar_global_lock' '&amp;group-&gt;mutex'</c>.
/// The quoted names are what the message must name.
/// </summary>
public sealed record ExpectMarker(string FileName, int Line, string Id, IReadOnlyList<string> Names)
{
    private static readonly Regex Marker = new(@"//\s*expect\s+(?<id>LD\d{4})(?<names>.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Quoted = new(@"'[^']+'", RegexOptions.CultureInvariant);

    public static IReadOnlyList<ExpectMarker> Read(IEnumerable<string> files)
    {
        var markers = new List<ExpectMarker>();
        foreach (string path in files)
        {
            string[] lines = System.IO.File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                Match m = Marker.Match(lines[i]);
                if (m.Success)
                {
                    markers.Add(new ExpectMarker(Path.GetFileName(path), i + 1, m.Groups["id"].Value, Quoted.Matches(m.Groups["names"].Value).Select(q => q.Value).ToArray()));
                }
            }
        }

        return markers;
    }

    public override string ToString() => $"{FileName}({Line}): {Id} naming {string.Join(", ", Names)}";
}
