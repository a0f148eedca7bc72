using IommuCore.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace IommuCore.Tests;

/// <summary>
/// Builds a copy of samples/Regressions (<see cref="SampleCopy"/>) with `dotnet build` once per run,
/// against the analyzer and runtime this test assembly was built with (they are not rebuilt: the
/// solution build made them).
/// </summary>
public sealed class RegressionsBuild : IDisposable
{
    private readonly SampleCopy _copy = new("Regressions");

    public RegressionsBuild()
    {
        string project = _copy.Sample("Regressions");
        Sources = Repository.SourceFiles(project);
        Result = ProcessRunner.RunDotnet(
            project,
            "build", "Regressions.csproj",
            "-c", Repository.Configuration,
            "-nologo", "-v:q", "-tl:off", "-nodeReuse:false",
            "-p:BuildProjectReferences=false",
            "-p:UseSharedCompilation=false");
        Diagnostics = BuildDiagnostic.Parse(Result.Output);
    }

    public IReadOnlyList<string> Sources { get; }

    public ProcessResult Result { get; }

    public IReadOnlyList<BuildDiagnostic> Diagnostics { get; }

    public IReadOnlyList<BuildDiagnostic> LockDiscipline => Diagnostics.Where(d => d.IsLockDiscipline).ToArray();

    public string Describe() =>
        "LD diagnostics:\n" + string.Join("\n", LockDiscipline.Select(d => "  " + d)) + "\n" + Result.Describe();

    public void Dispose() => _copy.Dispose();
}

public class RegressionsBuildTests : IClassFixture<RegressionsBuild>
{
    private readonly RegressionsBuild _build;

    public RegressionsBuildTests(RegressionsBuild build)
    {
        _build = build;
    }

    [Fact]
    public void The_build_fails_and_the_analyzer_ran_healthy()
    {
        Assert.True(_build.Result.ExitCode != 0, "samples/Regressions built without error.\n" + _build.Describe());
        Assert.DoesNotContain(_build.Diagnostics, d => d.Id is "AD0001" or "CS8032" or "CS9057");
        Assert.DoesNotContain(_build.Diagnostics, d => !d.Id.StartsWith("LD", StringComparison.Ordinal));
    }

    [Fact]
    public void Exactly_the_marked_diagnostics_are_reported_naming_the_marked_classes()
    {
        IReadOnlyList<ExpectedDiagnostic> markers = SourceMarkers.Read(_build.Sources).Expected;
        var expected = markers.Select(m => (m.FileName, m.Line, m.Id)).OrderBy(k => k).ToArray();
        var actual = _build.LockDiscipline.Select(d => (d.FileName, d.Line, d.Id)).OrderBy(k => k).ToArray();
        Assert.True(expected.SequenceEqual(actual),
            "expected:\n" + string.Join("\n", markers.Select(m => "  " + m)) + "\n" + _build.Describe());
        foreach (ExpectedDiagnostic marker in markers)
        {
            BuildDiagnostic diagnostic = _build.LockDiscipline.Single(d => d.FileName == marker.FileName && d.Line == marker.Line && d.Id == marker.Id);
            Assert.All(marker.Texts, text => Assert.Contains(text, diagnostic.Message));
        }
    }

    /// <summary>What the issue asks of each seed, independent of the markers (so weakening a marker cannot pass).</summary>
    [Theory]
    [InlineData("000_752a93a4473dd53d", "LD0001", new[] { "'dmar_global_lock'", "'&group->mutex'" })]
    [InlineData("001_63d1b2f7394d89e4", "LD0004", new[] { "'&k->k_lock'", "{HARDIRQ-ON-W} -> {IN-HARDIRQ-W}" })]
    [InlineData("002_382c9c215823b4cd", "LD0008", new[] { "'Device.Iommu'", "'iommu_probe_device_lock'" })]
    [InlineData("003_ba5013d5ce36ceb8", "LD0001", new[] { "'cpuhp_state-up'", "'cpu_hotplug_lock'", "'&(&priv->bus_notifier)->rwsem'" })]
    [InlineData("004_3684cd5eade811ca", "LD0010", new[] { "returns its success value 0", "'&dev->dma_owner'" })]
    public void Each_seed_is_caught_with_its_rule_naming_its_classes(string seed, string id, string[] names)
    {
        BuildDiagnostic[] inFile = _build.LockDiscipline.Where(d => d.FileName.StartsWith(seed + "_", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(inFile);
        Assert.All(inFile, d => Assert.Equal(id, d.Id));
        Assert.Contains(inFile, d => names.All(name => d.Message.Contains(name, StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_seed_has_one_file_named_after_it()
    {
        string[] files = _build.Sources.Select(Path.GetFileName).ToArray()!;
        Assert.Equal(5, files.Length);
        Assert.All(new[] { "000_752a93a4473dd53d_", "001_63d1b2f7394d89e4_", "002_382c9c215823b4cd_", "003_ba5013d5ce36ceb8_", "004_3684cd5eade811ca_" },
            prefix => Assert.Single(files, f => f.StartsWith(prefix, StringComparison.Ordinal)));
    }
}
