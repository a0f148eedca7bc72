using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// The generated code, compared with the golden files in Golden/ (regenerate with
/// LOCKDISCIPLINE_UPDATE_GOLDEN=1), and compiled with the sources it intercepts.
/// </summary>
public sealed class GoldenTests
{
    [Theory]
    [InlineData("KernelPrimitives")]
    [InlineData("Bcl")]
    [InlineData("Contracts")]
    [InlineData("Registry")]
    [InlineData("Shapes")]
    [InlineData("Woven")]
    public void Interceptors(string sample)
    {
        var run = GeneratorHarness.Run(sample + ".cs", Samples.Read(sample + ".cs.txt"));

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
        Golden.Verify(sample, run.GeneratedText());
    }

    /// <summary>With LockDisciplineRuntimeChecks off the generator adds nothing: no file, no diagnostic.</summary>
    [Fact]
    public void Checks_off()
    {
        var sources = new[] { "KernelPrimitives", "Bcl", "Contracts" }.Select(sample => (sample + ".cs", Samples.Read(sample + ".cs.txt")));
        var run = GeneratorHarness.Run(sources, GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", "false")));

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
        Golden.Verify("ChecksOff", run.GeneratedText());
    }
}
