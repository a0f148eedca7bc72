using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/LegacyTargets: a library with TreatWarningsAsErrors targeting netstandard2.0 (C# 7.3 by
/// default) and net10.0. Its Debug build passes with no warning, and both legs get runtime checks: the
/// generated code compiles in C# 7.3 and the weaver does the rest, whatever the language version.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class LegacyTargetTests
{
    private readonly PackageFixture _package;

    public LegacyTargetTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Strict_netstandard2_0_library_builds_in_Debug_with_no_warning()
    {
        ConsumerBuild build = Build();

        Assert.True(build.Process.ExitCode == 0, "The strict library failed to build.\n" + build.Describe());
        BuildDiagnostic[] reported = build.Diagnostics.Where(d => d.Severity is "warning" or "error").ToArray();
        Assert.True(reported.Length == 0, "Unexpected diagnostics:\n  " + string.Join("\n  ", reported.Select(d => d.ToString())) + "\n" + build.Describe());
        Assert.DoesNotContain("LDG002", build.Process.Output, StringComparison.Ordinal);
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
    }

    [Theory]
    [InlineData("netstandard2.0")]
    [InlineData("net10.0")]
    public void Both_legs_get_runtime_checks_woven_at_every_site(string targetFramework)
    {
        ConsumerBuild build = Build();
        Assert.True(build.Process.ExitCode == 0, "The strict library failed to build.\n" + build.Describe());

        int generatedTypes = GeneratedChecks.Read(Path.Combine(build.ProjectDirectory, "bin", "Debug", targetFramework, "Legacy.dll")).GeneratedTypes;
        string marker = File.ReadAllText(Path.Combine(build.ProjectDirectory, "obj", "Debug", targetFramework, "Legacy.lockdiscipline.woven"));

        Assert.Equal(2, generatedTypes);
        Assert.Equal("2 of 2 lock sites woven", marker.Trim());
    }

    private ConsumerBuild Build() =>
        _package.BuildProjectCopy("LegacyTargets", RepositoryLayout.ConsumerSources("LegacyTargets"), "Debug");
}
