using Xunit.Abstractions;

namespace LockDiscipline.Analyzer.Tests.Corpus;

/// <summary>
/// One minimal case per cause of issue 10 (Corpus/Minimal): none of them has a bug, so each should
/// analyse without any LD error or warning. Until the analyzer gets there, Corpus/minimal-expected.txt
/// lists the cases that still alarm, and the test holds the analyzer to exactly that list: a clean
/// case that starts alarming fails (a regression), and a listed case that comes out clean fails too,
/// so that the fix removes it from the list and the list always documents where the work stands.
/// </summary>
public class MinimalCaseTests(ITestOutputHelper output)
{
    private const string ExpectationsInRepository = "tests/LockDiscipline.Analyzer.Tests/Corpus/minimal-expected.txt";

    [Theory]
    [MemberData(nameof(CorpusFile.MinimalNames), MemberType = typeof(CorpusFile))]
    public void MinimalCaseAlarmsExactlyWhenListedAsStillAlarming(string name)
    {
        var analysis = CorpusAnalysis.Of(CorpusFile.Minimal.Single(f => f.Name == name));
        foreach (var finding in analysis.Findings)
        {
            output.WriteLine(finding.ToString());
        }

        var alarms = analysis.Findings.Count > 0;
        var listed = StillAlarming().Contains(name);
        Assert.True(
            alarms == listed,
            listed
                ? $"{name} is clean now: remove it from {ExpectationsInRepository} to record the progress."
                : $"{name} should be clean but alarms (a regression, or add it to {ExpectationsInRepository} if it is new):{Environment.NewLine}"
                    + string.Join(Environment.NewLine, analysis.Findings));
    }

    [Fact]
    public void ExpectationsNameOnlyExistingCases()
    {
        var names = CorpusFile.Minimal.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(StillAlarming(), name => !names.Contains(name));
    }

    [Fact]
    public void EveryCauseOfTheIssueHasAMinimalCase()
    {
        var causes = CorpusFile.Minimal.Select(f => f.CauseAt(1)).ToHashSet(StringComparer.Ordinal);
        Assert.All(new[] { "1", "2", "3", "4", "5", "6", "7", "8", "other" }, cause => Assert.Contains(cause, causes));
    }

    /// <summary>The case names in minimal-expected.txt, one a line, <c>#</c> comments.</summary>
    private static HashSet<string> StillAlarming()
        => File.ReadAllLines(Path.Combine(CorpusFile.CorpusDirectory, "minimal-expected.txt"))
            .Select(line => line.Split('#', 2)[0].Trim())
            .Where(line => line.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
}
