using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// The package's analyzers sit in a roslyn4.14 folder, which the SDK hands only to a compiler of
/// Roslyn 4.14 or later. An older SDK therefore loads none: no CS9057 warning to fail a strict build,
/// no rules, no generated checks, and a message that says why. Simulated here by giving the SDK an
/// older compiler API version (CompilerApiVersion, which the SDK otherwise reads from its compiler to
/// choose the folder) for a consumer whose PlainLock.cs has a lock-order inversion.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class OldCompilerTests
{
    private readonly PackageFixture _package;

    public OldCompilerTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Compiler_older_than_Roslyn_4_14_gets_no_rules_no_checks_and_no_warning_but_a_message()
    {
        string[] sources = RepositoryLayout.ConsumerSourceFiles("Broken").Where(f => Path.GetFileName(f) == "PlainLock.cs").ToArray();
        ConsumerBuild build = _package.BuildConsumer("OldCompiler", sources, null, "-p:CompilerApiVersion=roslyn4.8");

        Assert.True(build.Process.ExitCode == 0, "The build failed.\n" + build.Describe());
        BuildDiagnostic[] reported = build.Diagnostics.Where(d => d.Severity is "warning" or "error").ToArray();
        Assert.True(reported.Length == 0, "Unexpected diagnostics:\n  " + string.Join("\n  ", reported.Select(d => d.ToString())) + "\n" + build.Describe());
        Assert.False(AnalyzerAssertions.AnalyzerRan(build), "The analyzer ran for a compiler older than it needs.\n" + build.Describe());
        Assert.Contains("LockDiscipline: this compiler (roslyn4.8) is older than the analyzer needs", build.DetailedLog, StringComparison.Ordinal);

        string assembly = Path.Combine(build.ProjectDirectory, "bin", "Debug", "net10.0", "OldCompiler.dll");
        Assert.Equal(0, GeneratedChecks.Read(assembly).GeneratedTypes);
    }
}
