using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Adopting LockDiscipline on an existing code base with the real packages: the build fails on its two
/// cycles; `lockdiscipline baseline`, the tool packed and installed as a local tool from the same feed
/// through a tool manifest, writes lockdiscipline.baseline; the package hands it to the analyzer, so the
/// build passes, still passes with methods and files reordered, and a new cycle fails it.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class AdoptionTests
{
    private readonly PackageFixture _package;

    public AdoptionTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void A_baseline_written_by_the_tool_lets_the_build_pass_until_a_new_cycle()
    {
        var before = _package.BuildConsumer("Adoption", RepositoryLayout.ConsumerSourceFiles("Adoption"));
        AnalyzerAssertions.AssertAnalyzerHealthy(before);
        Assert.True(before.Process.ExitCode != 0, before.Describe());
        Assert.Equal(new[] { "Cache.cs(10,52) LD0001", "Ledger.cs(9,53) LD0001" }, Errors(before.LockDisciplineDiagnostics));

        var directory = before.ProjectDirectory;
        InstallTool(directory);
        var baseline = Succeed(ProcessRunner.RunDotnet(directory, "tool", "run", "lockdiscipline", "baseline", "Adoption.csproj"));
        Assert.Contains("2 accepted finding(s)", baseline.Output);
        Assert.Equal(
            new[] { "LD0001 * member:F:Adoption.Cache._items member:F:Adoption.Cache._stats", "LD0001 * member:F:Adoption.Ledger._audit member:F:Adoption.Ledger._book" },
            File.ReadAllLines(Path.Combine(directory, "lockdiscipline.baseline")).Where(line => !line.StartsWith('#')));

        var accepted = Build(directory);
        Assert.True(accepted.ExitCode == 0, accepted.Describe());
        Assert.Empty(Errors(BuildDiagnostic.Parse(accepted.Output).Where(d => d.IsLockDiscipline)));

        // Methods moved round and the files' contents swapped: the keys name members and classes, not lines.
        var cache = File.ReadAllText(Path.Combine(directory, "Cache.cs"));
        var ledger = File.ReadAllText(Path.Combine(directory, "Ledger.cs"));
        File.WriteAllText(Path.Combine(directory, "Cache.cs"), SwapMethods(ledger, "Post", "Check"));
        File.WriteAllText(Path.Combine(directory, "Ledger.cs"), SwapMethods(cache, "Add", "Dump"));
        var reordered = Build(directory);
        Assert.True(reordered.ExitCode == 0, reordered.Describe());

        File.WriteAllText(Path.Combine(directory, "Journal.cs"), """
            namespace Adoption
            {
                public sealed class Journal
                {
                    private readonly object _pages = new(), _index = new();
                    public void Write() { lock (_pages) { lock (_index) { } } }
                    public void Read() { lock (_index) { lock (_pages) { } } }
                }
            }
            """);
        var newCycle = Build(directory);
        Assert.True(newCycle.ExitCode != 0, newCycle.Describe());
        Assert.Equal(new[] { "Journal.cs(7,52) LD0001" }, Errors(BuildDiagnostic.Parse(newCycle.Output).Where(d => d.IsLockDiscipline)));
    }

    /// <summary>Packs the tool into the run's feed and installs it the way a repository does: a tool manifest, install, restore.</summary>
    /// <remarks>
    /// The tool's package gets a version of this run's own: the SDK remembers where each local tool version was
    /// restored (its tool resolver cache, in the user's profile), and a same-version package of an earlier,
    /// deleted run would be looked for there.
    /// </remarks>
    private void InstallTool(string directory)
    {
        var version = _package.PackageVersion + "-adoption." + Path.GetFileName(_package.TempRoot).Replace("-", string.Empty, StringComparison.Ordinal);
        Succeed(ProcessRunner.RunDotnet(
            RepositoryLayout.Root,
            "pack", Path.Combine(RepositoryLayout.Root, "Cli", "LockDiscipline.Cli.csproj"),
            "-c", "Release", "-o", _package.PackageDirectory, "-p:PackageVersion=" + version, "-p:UseArtifactsOutput=false", "-nologo", "-v:q", "-tl:off", "-nodeReuse:false"));
        Succeed(ProcessRunner.RunDotnet(directory, "new", "tool-manifest"));
        Succeed(ProcessRunner.RunDotnet(directory, "tool", "install", "LockDiscipline.Cli", "--version", version));

        // What a fresh clone runs before using the manifest's tools.
        Succeed(ProcessRunner.RunDotnet(directory, "tool", "restore"));
    }

    private static ProcessResult Build(string directory)
        => ProcessRunner.RunDotnet(directory, "build", "Adoption.csproj", "-nologo", "-v:q", "-tl:off", "-nodeReuse:false");

    private static ProcessResult Succeed(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.Describe());
        return result;
    }

    private static string[] Errors(IEnumerable<BuildDiagnostic> diagnostics)
        => diagnostics.Where(d => d.Severity == "error").Select(d => $"{d.FileName}({d.Line},{d.Column}) {d.Id}").Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The two one-line methods exchanged.</summary>
    private static string SwapMethods(string source, string first, string second)
    {
        var lines = source.Split('\n');
        var a = Array.FindIndex(lines, line => line.Contains($"void {first}()", StringComparison.Ordinal));
        var b = Array.FindIndex(lines, line => line.Contains($"void {second}()", StringComparison.Ordinal));
        (lines[a], lines[b]) = (lines[b], lines[a]);
        return string.Join('\n', lines);
    }
}
