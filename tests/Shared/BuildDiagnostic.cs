using System.Text.RegularExpressions;

namespace LockDiscipline.TestKit;

/// <summary>
/// One diagnostic as MSBuild's console logger prints it:
/// <c>path(line,col): error LD0001: message [project]</c> (or <c>path(line,col,endLine,endCol)</c>,
/// or <c>CSC : error LD0001: message [project]</c> for a diagnostic without a source location). The
/// compiler appends the rule's help link to the message as <c>(https://...)</c>: it is split off into
/// <see cref="HelpLink"/>.
/// </summary>
public sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message, string? HelpLink)
{
    // The project suffix is recognised by its extension only, so a message that ends in brackets
    // ("... in [AcquiresLock]") keeps them.
    private static readonly Regex Pattern = new(
        @"^\s*(?<file>.*?)(?:\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\))?\s*:\s*(?<sev>error|warning|info)\s+(?<id>[A-Za-z]+\d+)\s*:\s*(?<msg>.*?)(?:\s+\((?<help>https?://[^\s()]+)\))?(?:\s+\[(?<proj>[^\[\]]+?\.(?:cs|vb|fs)proj(?:::[^\]]*)?)\])?\s*$",
        RegexOptions.CultureInvariant);

    /// <summary>The file name without its folder, as markers name their files.</summary>
    public string FileName => Path.GetFileName(File);

    /// <summary>Whether LockDiscipline's analyzer reported it (an LD rule).</summary>
    public bool IsLockDiscipline => Id.StartsWith("LD", StringComparison.Ordinal);

    /// <summary>Every diagnostic in a build's output, each once (MSBuild repeats them in its summary).</summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
    {
        var seen = new HashSet<BuildDiagnostic>();
        var result = new List<BuildDiagnostic>();
        foreach (string rawLine in output.Split('\n'))
        {
            Match match = Pattern.Match(rawLine.TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            var diagnostic = new BuildDiagnostic(
                match.Groups["file"].Value.Trim(),
                match.Groups["line"].Success ? int.Parse(match.Groups["line"].Value) : 0,
                match.Groups["col"].Success ? int.Parse(match.Groups["col"].Value) : 0,
                match.Groups["sev"].Value,
                match.Groups["id"].Value,
                match.Groups["msg"].Value,
                match.Groups["help"].Success ? match.Groups["help"].Value : null);
            if (seen.Add(diagnostic))
            {
                result.Add(diagnostic);
            }
        }

        return result;
    }

    public override string ToString() => $"{FileName}({Line},{Column}): {Severity} {Id}: {Message}";
}
