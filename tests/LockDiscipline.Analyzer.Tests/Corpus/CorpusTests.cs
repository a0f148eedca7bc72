using LockDiscipline.Analyzer.Tests.Harness;
using Xunit.Abstractions;

namespace LockDiscipline.Analyzer.Tests.Corpus;

/// <summary>
/// The realistic-code corpus of issue 10 (Corpus/Sources): every real bug a file marks is reported,
/// at one of the lines that close it. What else is reported is measured, not asserted, by
/// <see cref="PrecisionMeasurementTests"/>: the corpus exists to show the false alarms.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(CorpusFile.SourceNames), MemberType = typeof(CorpusFile))]
    public void RealBugsOfTheFileAreReported(string name)
    {
        var analysis = CorpusAnalysis.Of(CorpusFile.Sources.Single(f => f.Name == name));
        foreach (var finding in analysis.Findings)
        {
            output.WriteLine((analysis.File.IsMarkedReal(finding.Id, finding.Line) ? "real  " : "false ") + finding);
        }

        Assert.True(
            analysis.MissedBugs.Count == 0,
            $"{name}: real bug(s) not reported: {string.Join(", ", analysis.MissedBugs)}{Environment.NewLine}"
            + $"marked lines: {string.Join(", ", analysis.File.RealMarkers.Select(m => $"{m.BugName}@{m.Line} {string.Join("/", m.Ids)}"))}{Environment.NewLine}"
            + $"reported:{Environment.NewLine}{string.Join(Environment.NewLine, analysis.Findings)}");
    }

    [Fact]
    public void CorpusHasBothRealBugsOfTheIssue()
    {
        var bugs = CorpusFile.Sources.SelectMany(f => f.RealBugs.Select(b => b.Key)).ToHashSet();
        Assert.Contains("appender-close-vs-setter", bugs);
        Assert.Contains("fallback-failover-opposite-directions", bugs);
    }

    [Fact]
    public void EveryLineOfEveryCorpusFileHasACause()
    {
        // A file without a "// cause:" header would leave its false alarms unattributed in the breakdown.
        foreach (var file in CorpusFile.Sources.Concat(CorpusFile.Minimal))
        {
            Assert.True(file.CauseAt(1) != "unset", $"{file.Name} does not start with a '// cause: N' line");
        }
    }

    [Fact]
    public void LockSiteCounterCountsLockStatementsAndAcquireCallsOnly()
    {
        var compilation = TestCompilation.Create(new[] { ("/src/Sites.cs", """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using LockDiscipline;
            class Sites
            {
                readonly object _gate = new();
                readonly Lock _lock = new();
                readonly SemaphoreSlim _semaphore = new(1, 1);
                readonly ReaderWriterLockSlim _rw = new();
                readonly Mutex? _mutex = null;
                readonly KMutex _kmutex = new();
                async Task All(Task work)
                {
                    lock (_gate) { }
                    Monitor.Enter(_gate); Monitor.Exit(_gate);
                    using (_lock.EnterScope()) { }
                    await _semaphore.WaitAsync(); _semaphore.Release();
                    _rw.EnterReadLock(); _rw.ExitReadLock();
                    _mutex?.WaitOne(); _mutex?.ReleaseMutex();
                    _kmutex.Lock(); _kmutex.Unlock();
                    work.Wait();
                    Acquire();
                }
                void Acquire() { }
            }
            """) });
        var tree = compilation.SyntaxTrees.Single();
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Equal(new[] { 15, 16, 17, 18, 19, 20, 21 }, LockSiteCounter.Lines(tree, compilation.GetSemanticModel(tree)));
    }
}
