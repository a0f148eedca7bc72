using LockDiscipline.Package.Tests.Infrastructure;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/Clean: the broken shapes written correctly (one lock order, sequential locking,
/// same-instance Monitor re-entry, work handed to other threads, delegates invoked after the lock is
/// released). It must build with no LockDiscipline diagnostic at all.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CleanConsumerTests
{
    private const string Consumer = "Clean";
    private readonly PackageFixture _package;

    public CleanConsumerTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Builds_with_no_LD_diagnostic()
    {
        ConsumerBuild build = _package.BuildConsumer(Consumer, RepositoryLayout.ConsumerSourceFiles(Consumer));

        Assert.True(build.LockDisciplineDiagnostics.Count == 0, "Unexpected LD diagnostics.\n" + build.Describe());
        Assert.True(build.Process.ExitCode == 0, "The clean consumer failed to build.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
    }
}
