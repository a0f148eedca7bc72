using System.Collections.Immutable;
using LockDiscipline.Analyzer.Baseline;
using LockDiscipline.Analyzer.Rules;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Cli;

/// <summary>
/// <c>lockdiscipline [analyze] PATH [--sarif FILE]</c>, <c>lockdiscipline baseline PATH [--output FILE]</c>,
/// <c>lockdiscipline graph PATH [--dot FILE] [--html FILE]</c>. PATH is a project, a solution, or a folder
/// holding exactly one of them. Exit codes: 0 no error-level finding (or the file was written), 1 findings at
/// error level, 2 the command or the project could not be used.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage:
          lockdiscipline [analyze] PATH [--sarif FILE] [-c CONFIGURATION] [-p:NAME=VALUE ...]
              print the findings, compiler style; findings accepted in the baseline are counted, not printed
          lockdiscipline baseline PATH [--output FILE] [-c CONFIGURATION] [-p:NAME=VALUE ...]
              write lockdiscipline.baseline next to each project (or FILE, for one project) from its current findings
          lockdiscipline graph PATH [--dot FILE] [--html FILE] [-c CONFIGURATION] [-p:NAME=VALUE ...]
              draw the whole-program lock graph: lock classes, edges with their witness sites, cycles in red
        PATH: a .csproj, a .sln or .slnx, or a folder holding one of them.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (!CommandLine.TryParse(args, out var command, out var error))
        {
            Console.Error.WriteLine("lockdiscipline: " + error);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (command.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        WorkspaceLoader.RegisterMSBuild();
        IReadOnlyList<AnalyzedProject> projects;
        try
        {
            projects = await WorkspaceLoader.AnalyzeAsync(command, Console.Error);
        }
        catch (UsageException exception)
        {
            Console.Error.WriteLine("lockdiscipline: " + exception.Message);
            return 2;
        }

        return command.Verb switch
        {
            Verb.Baseline => WriteBaselines(command, projects),
            Verb.Graph => WriteGraphs(command, projects),
            _ => Report(command, projects),
        };
    }

    private static int Report(CommandLine command, IReadOnlyList<AnalyzedProject> projects)
    {
        int errors = 0, warnings = 0, accepted = 0;
        foreach (var project in projects)
        {
            foreach (var diagnostic in project.Findings)
            {
                if (diagnostic.IsSuppressed)
                {
                    continue;
                }

                if (project.IsAccepted(diagnostic))
                {
                    accepted++;
                    continue;
                }

                Console.WriteLine(diagnostic.ToString());
                errors += diagnostic.Severity == DiagnosticSeverity.Error ? 1 : 0;
                warnings += diagnostic.Severity == DiagnosticSeverity.Warning ? 1 : 0;
            }
        }

        if (command.SarifPath is { } sarif)
        {
            File.WriteAllText(sarif, SarifWriter.Write(projects));
            Console.WriteLine($"SARIF 2.1.0 written to {sarif}");
        }

        Console.WriteLine($"{errors} error(s), {warnings} warning(s), {accepted} accepted in the baseline, in {projects.Count} project(s)");
        return errors > 0 ? 1 : 0;
    }

    /// <summary>
    /// One baseline per project file (the target frameworks of one project share it), holding every finding
    /// the analyzer reports without a baseline, except those suppressed in source: an old baseline's entries
    /// that no longer match anything are dropped.
    /// </summary>
    private static int WriteBaselines(CommandLine command, IReadOnlyList<AnalyzedProject> projects)
    {
        var byFile = new SortedDictionary<string, List<BaselineKey>>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var path = command.OutputPath ?? project.BaselinePath;
            if (!byFile.TryGetValue(path, out var keys))
            {
                keys = new List<BaselineKey>();
                byFile.Add(path, keys);
            }

            foreach (var diagnostic in project.Findings)
            {
                if (!diagnostic.IsSuppressed && diagnostic.Id != RuleCatalog.MalformedBaseline.Id)
                {
                    keys.Add(project.KeyOf(diagnostic));
                }
            }
        }

        if (command.OutputPath is not null && projects.Select(p => p.ProjectFile).Distinct().Count() > 1)
        {
            Console.Error.WriteLine("lockdiscipline: --output names one file, but the path has several projects; leave it out to write one baseline per project.");
            return 2;
        }

        foreach (var (path, keys) in byFile)
        {
            if (keys.Count == 0 && !File.Exists(path))
            {
                continue;
            }

            File.WriteAllText(path, BaselineFile.Write(keys));
            Console.WriteLine($"{path}: {keys.Select(k => k.Text).Distinct().Count()} accepted finding(s)");
        }

        return 0;
    }

    private static int WriteGraphs(CommandLine command, IReadOnlyList<AnalyzedProject> projects)
    {
        if (command.DotPath is null && command.HtmlPath is null)
        {
            Console.Error.WriteLine("lockdiscipline: graph needs --dot FILE, --html FILE or both.");
            return 2;
        }

        var graphs = projects.Where(p => p.Graph is not null).Select(p => p.Graph!).ToImmutableArray();
        if (command.DotPath is { } dot)
        {
            File.WriteAllText(dot, DotWriter.Write(graphs));
            Console.WriteLine($"DOT written to {dot}");
        }

        if (command.HtmlPath is { } html)
        {
            File.WriteAllText(html, HtmlWriter.Write(graphs));
            Console.WriteLine($"HTML written to {html}");
        }

        foreach (var graph in graphs)
        {
            Console.WriteLine($"{graph.Project}: {graph.Nodes.Length} lock class(es), {graph.Edges.Length} dependenc(ies), {graph.Edges.Count(e => e.InCycle)} in cycles");
        }

        return 0;
    }
}
