using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>A consumer lowers LD0001 to a warning in .editorconfig: the ABBA still shows, the build passes.</summary>
[Collection(PackageCollection.Name)]
public sealed class SeverityTests
{
    private const string EditorConfig = """
        root = true

        [*.cs]
        dotnet_diagnostic.LD0001.severity = warning
        """;

    private readonly PackageFixture _package;

    public SeverityTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Editorconfig_severity_turns_LD0001_into_a_warning()
    {
        string[] sources = RepositoryLayout.ConsumerSourceFiles("Broken").Where(f => Path.GetFileName(f) == "PlainLock.cs").ToArray();
        ExpectedDiagnostic marker = Assert.Single(SourceMarkers.Read(sources).Expected);
        ConsumerBuild build = _package.BuildConsumer("SeverityWarning", sources, EditorConfig);

        Assert.True(build.Process.ExitCode == 0, "The build failed although LD0001 is a warning.\n" + build.Describe());
        Assert.True(!build.LockDisciplineDiagnostics.Any(d => d.Severity == "error"), "LD errors remain.\n" + build.Describe());
        Assert.True(
            build.LockDisciplineDiagnostics.Count(d => d.Id == "LD0001" && d.Severity == "warning" && d.FileName == marker.FileName && d.Line == marker.Line) == 1,
            $"Expected one warning LD0001 at {marker}.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
    }
}
