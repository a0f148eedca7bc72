using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.Corpus;

/// <summary>A diagnostic as the corpus reports read it: where, which rule, what it says, and which cause's region it is in.</summary>
public sealed record CorpusFinding(string File, int Line, string Id, string Message, string Cause)
{
    public override string ToString() => $"{File}.cs:{Line} {Id} [cause {Cause}] {Message}";
}

/// <summary>
/// The analyzer's verdict on one corpus file, split by the file's markers: the diagnostics on
/// marked real-bug lines, the false alarms (every other LD error or warning), the real bugs that
/// were reported and those that were missed, and the lock sites.
/// </summary>
public sealed class CorpusAnalysis
{
    private CorpusAnalysis(CorpusFile file, IReadOnlyList<int> lockSiteLines, IReadOnlyList<CorpusFinding> findings)
    {
        File = file;
        LockSiteLines = lockSiteLines;
        Findings = findings;
        FalseAlarms = findings.Where(f => !file.IsMarkedReal(f.Id, f.Line)).ToList();
        ReportedBugs = file.RealBugs.Where(bug => bug.Any(m => findings.Any(f => f.Line == m.Line && m.Ids.Contains(f.Id)))).Select(bug => bug.Key).ToList();
        MissedBugs = file.RealBugs.Select(bug => bug.Key).Except(ReportedBugs).ToList();
    }

    public CorpusFile File { get; }

    public IReadOnlyList<int> LockSiteLines { get; }

    /// <summary>Every LD diagnostic of error or warning severity, in source order.</summary>
    public IReadOnlyList<CorpusFinding> Findings { get; }

    public IReadOnlyList<CorpusFinding> FalseAlarms { get; }

    public IReadOnlyList<string> ReportedBugs { get; }

    public IReadOnlyList<string> MissedBugs { get; }

    /// <summary>
    /// Compiles the file on its own (each file is a small library of its own) and runs the analyzer.
    /// The file must compile without errors: a corpus of broken code would measure nothing.
    /// </summary>
    public static CorpusAnalysis Of(CorpusFile file)
    {
        var compilation = TestCompilation.Create(new[] { (file.PathInCompilation, file.Source) });
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{file.Name} does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");

        var tree = compilation.SyntaxTrees.Single();
        var sites = LockSiteCounter.Lines(tree, compilation.GetSemanticModel(tree));
        var findings = AnalyzerRunner.Run(compilation)
            .Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning)
            .Select(d =>
            {
                var line = d.Location.GetLineSpan().StartLinePosition.Line + 1;
                return new CorpusFinding(file.Name, line, d.Id, d.GetMessage(), file.CauseAt(line));
            })
            .OrderBy(f => f.Line)
            .ThenBy(f => f.Id, StringComparer.Ordinal)
            .ToList();
        return new CorpusAnalysis(file, sites, findings);
    }
}
