using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// The generated code, compared with the golden files in Golden/ (regenerate with
/// LOCKDISCIPLINE_UPDATE_GOLDEN=1), compiled with the sources it checks, and woven: every site of the
/// table is found in the sample's IL.
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
    public void Registry_site_table_and_checked_calls(string sample)
    {
        var run = GeneratorHarness.Run(sample + ".cs", Samples.Read(sample + ".cs.txt"));

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
        Golden.Verify(sample, run.GeneratedText());
        run.Load();
        Assert.True(run.Woven!.WovenSites > 0);
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
