using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/CodeFix: two unbalanced <c>Monitor.Enter</c>/<c>Exit</c> pairs, one left held by an early
/// return, one by an exception <c>Enqueue</c> may throw. <c>dotnet format analyzers --diagnostics LD0007</c>,
/// run on the project built against the packed package, loads the package's code fixes and rewrites the
/// file into WorkQueue.fixed.txt (each release in a finally, the first fix each diagnostic offers); the
/// next build has no LD0007.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CodeFixConsumerTests
{
    private const string Consumer = "CodeFix";
    private readonly PackageFixture _package;

    public CodeFixConsumerTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Dotnet_format_fixes_the_unbalanced_Monitor_pair_and_the_next_build_has_no_LD0007()
    {
        ConsumerBuild before = _package.BuildConsumer(Consumer, RepositoryLayout.ConsumerSourceFiles(Consumer));
        Assert.Equal(
            new[] { ("WorkQueue.cs", 12, "LD0007"), ("WorkQueue.cs", 26, "LD0007") },
            before.LockDisciplineDiagnostics.Select(d => (d.FileName, d.Line, d.Id)).Distinct().Order().ToArray());

        ProcessResult format = ProcessRunner.RunDotnet(
            before.ProjectDirectory,
            "format", "analyzers", Path.Combine(before.ProjectDirectory, Consumer + ".csproj"),
            "--diagnostics", "LD0007", "--severity", "warn", "--no-restore");
        Assert.True(format.ExitCode == 0, format.Describe());

        string expected = File.ReadAllText(Path.Combine(RepositoryLayout.ConsumerSources(Consumer), "WorkQueue.fixed.txt"));
        Assert.Equal(expected.ReplaceLineEndings(), File.ReadAllText(Path.Combine(before.ProjectDirectory, "WorkQueue.cs")).ReplaceLineEndings());

        ConsumerBuild after = _package.BuildAgain(before);
        Assert.True(after.Process.ExitCode == 0, after.Describe());
        Assert.DoesNotContain(after.LockDisciplineDiagnostics, d => d.Id == "LD0007");
    }
}
