using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Conformance.ClangTsa;

/// <summary>
/// Clang's thread-safety test suite, ported case by case (<see cref="ClangTsaCases"/>): each agreeing case
/// reports exactly the diagnostics Clang's verdict maps to; each disagreeing case reports exactly what its
/// markup says LockDiscipline reports instead, and says why.
/// </summary>
public class ClangTsaConformanceTests
{
    public static TheoryData<ClangCase> Agreeing() => new(ClangTsaCases.Agreeing);

    public static TheoryData<ClangCase> Disagreeing()
    {
        var data = new TheoryData<ClangCase>();
        foreach (var (clangCase, _) in ClangTsaCases.Disagreeing)
        {
            data.Add(clangCase);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Agreeing))]
    public void AgreesWithClang(ClangCase clangCase)
        => Verify.Diagnostics(ClangTsaPrelude.Source, "using LockDiscipline;\n" + clangCase.Source);

    [Theory]
    [MemberData(nameof(Disagreeing))]
    public void DisagreesAsDocumented(ClangCase clangCase)
        => Verify.Diagnostics(ClangTsaPrelude.Source, "using LockDiscipline;\n" + clangCase.Source);

    [Fact]
    public void TheDisagreementsAreFewAndExplained()
    {
        Assert.All(ClangTsaCases.Disagreeing, d => Assert.True(d.Why.Length > 40, d.Case.Name));
        Assert.True(ClangTsaCases.Disagreeing.Length * 5 <= ClangTsaCases.Agreeing.Length, "more than one case in six disagrees");
    }
}
