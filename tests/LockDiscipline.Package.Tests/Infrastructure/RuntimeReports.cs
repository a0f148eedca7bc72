using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests.Infrastructure;

/// <summary>The lockdep reports a run printed on standard error.</summary>
public static class RuntimeReports
{
    /// <summary>Each report starts with a line of '=' and its title ("WARNING: ..."), and runs to the next report.</summary>
    public static IReadOnlyList<(string Title, string Text)> Of(ProgramRun run)
    {
        string[] lines = run.StandardError.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var starts = new List<int>();
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            if (lines[i].Length > 0 && lines[i].All(c => c == '=') && lines[i + 1].Length == lines[i].Length)
            {
                starts.Add(i);
            }
        }

        var reports = new List<(string, string)>();
        for (int k = 0; k < starts.Count; k++)
        {
            int end = k + 1 < starts.Count ? starts[k + 1] : lines.Length;
            reports.Add((lines[starts[k] + 1], string.Join("\n", lines[starts[k]..end])));
        }

        return reports;
    }
}
