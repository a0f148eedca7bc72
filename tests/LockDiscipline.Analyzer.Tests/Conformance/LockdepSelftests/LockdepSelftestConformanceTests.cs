using LockDiscipline.Analyzer.Tests.Harness;
using LockDiscipline.TestKit.LockdepSelftests;

namespace LockDiscipline.Analyzer.Tests.Conformance.LockdepSelftests;

/// <summary>
/// lib/locking-selftest.c at compile time: each case of <see cref="SelftestMatrix"/> rendered as C# and
/// analysed; the rules reported must be exactly the case's, and a case reports something exactly when
/// the kernel's selftest expects a failure, but for the listed disagreements.
/// </summary>
public class LockdepSelftestConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var selftest in SelftestMatrix.All)
        {
            data.Add(selftest.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyzerAgreesWithTheKernelSelftest(string name)
    {
        var selftest = SelftestMatrix.All.Single(c => c.Name == name);
        var source = SelftestSource.Render(selftest);
        var compilation = TestCompilation.Create(new[] { ("/src/Selftest.cs", source) });
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The rendered selftest does not compile:\n" + string.Join("\n", errors) + "\n" + source);

        var diagnostics = AnalyzerRunner.Run(compilation);
        var rules = diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.True(
            rules.SequenceEqual(selftest.CompileRules.OrderBy(id => id, StringComparer.Ordinal)),
            $"Expected [{string.Join(", ", selftest.CompileRules)}], got:\n" + string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.GetMessage()}")) + "\n" + source);
        Assert.Equal(selftest.KernelFailure ^ (selftest.Disagreement is not null), rules.Count != 0);
    }

    /// <summary>What is not ported, and why: the cases of lib/locking-selftest.c that cannot agree or cannot be written in C#.</summary>
    [Fact]
    public void TheSelftestsLeftOutAreListedWithWhy()
    {
        Assert.Equal(
            new[] { "*_rtmutex", "fs_reclaim_*", "init_held", "local_lock_*", "lockdep_set_subclass_name", "queued_read_lock_*", "wait context tests", "ww_*" },
            SelftestMatrix.NotPorted.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(SelftestMatrix.NotPorted.Values, why => Assert.False(string.IsNullOrWhiteSpace(why)));
    }

    [Fact]
    public void EveryDisagreementIsACaseOfTheMatrix()
    {
        var names = SelftestMatrix.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(SelftestMatrix.Disagreements.Keys, name => Assert.Contains(name, names));
    }
}
