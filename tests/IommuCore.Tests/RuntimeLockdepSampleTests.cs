using System.Text.RegularExpressions;
using IommuCore.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace IommuCore.Tests;

/// <summary>
/// Builds a copy of samples/RuntimeLockdep, with the samples/Regressions seed files its module projects
/// compile (<see cref="SampleCopy"/>), with `dotnet build` once per run (module by module), against the
/// runtime, generator and IommuCore this test assembly was built with (not rebuilt), and runs it as a
/// real process: the
/// generated checks must report each regression's broken path in its expected words, citing the seed
/// file's lines its <c>runtime:</c> markers name, and nothing for IommuCore's fixed scenarios. The copy
/// has no seed mails next to it, so the sample prints its embedded splat excerpts.
/// </summary>
public sealed class RuntimeLockdepSampleRun : IDisposable
{
    private readonly SampleCopy _copy = new("RuntimeLockdep", "Regressions");
    private readonly Dictionary<string, string> _seedPaths;

    public RuntimeLockdepSampleRun()
    {
        string project = _copy.Sample("RuntimeLockdep");
        string seeds = _copy.Sample("Regressions");
        Markers = SourceMarkers.Read(Repository.SourceFiles(seeds));
        _seedPaths = Repository.SourceFiles(seeds).ToDictionary(
            path => Path.GetFileName(path),
            path => "Regressions/" + Path.GetRelativePath(seeds, path).Replace(Path.DirectorySeparatorChar, '/'));

        Build = BuildSample(project);
        Run = Build.ExitCode == 0
            ? ProcessRunner.RunDotnet(project, Path.Combine(project, "bin", "Debug", "net10.0", "RuntimeLockdep.dll"))
            : null;
    }

    public ProcessResult Build { get; }

    /// <summary>
    /// Builds the sample in Debug whatever this assembly was built in: the runtime checks exist only
    /// there. A Debug test run has built the repository's projects in Debug, so each seed module is built
    /// on its own, after the modules it references (the order <see cref="RegressionsBuild.Modules"/>
    /// has), then the program, none of them building the repository's projects again; otherwise one
    /// build makes everything. Returns the first build that failed, or the program's.
    /// </summary>
    private static ProcessResult BuildSample(string project)
    {
        if (Repository.Configuration != "Debug")
        {
            return BuildProject(project, "RuntimeLockdep.csproj", buildReferences: true);
        }

        foreach (string module in RegressionsBuild.Modules)
        {
            ProcessResult moduleBuild = BuildProject(Path.Combine(project, "Modules", module), $"RuntimeLockdep.{module}.csproj", buildReferences: false);
            if (moduleBuild.ExitCode != 0)
            {
                return moduleBuild;
            }
        }

        return BuildProject(project, "RuntimeLockdep.csproj", buildReferences: false);
    }

    private static ProcessResult BuildProject(string folder, string project, bool buildReferences) =>
        ProcessRunner.RunDotnet(
            folder,
            "build", project,
            "-c", "Debug",
            "-nologo", "-v:q", "-tl:off", "-nodeReuse:false",
            "-p:BuildProjectReferences=" + (buildReferences ? "true" : "false"),
            "-p:UseSharedCompilation=false");

    public ProcessResult? Run { get; }

    /// <summary>The markers of the seed files the sample compiled.</summary>
    public SourceMarkers Markers { get; }

    /// <summary>The output of one scenario, from its <c>[ID] </c> header to the next header or the verdicts.</summary>
    public string Block(string id)
    {
        Assert.True(Run is not null, "the sample did not build:\n" + Build.Describe());
        string[] lines = Run!.Output.Replace("\r\n", "\n").Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith($"[{id}] ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no [{id}] section:\n" + Run.Describe());
        int end = Array.FindIndex(lines, start + 1, l => Regex.IsMatch(l, @"^(\[(00\d|fixed)\] |result \[)"));
        return string.Join("\n", lines[start..(end < 0 ? lines.Length : end)]);
    }

    /// <summary>
    /// A call site as the report prints it: the seed file relative to samples/ (the sample's ProjectDir),
    /// in its module's folder, and the line its <c>// runtime: LABEL</c> marker is on.
    /// </summary>
    public string Site(string fileName, string label) => $"{SeedPath(fileName)}:{Markers.RuntimeLine(fileName, label)}";

    /// <summary>A seed file relative to samples/: Regressions/MODULE/NAME.</summary>
    public string SeedPath(string fileName) => _seedPaths[fileName];

    public void Dispose() => _copy.Dispose();
}

public class RuntimeLockdepSampleTests : IClassFixture<RuntimeLockdepSampleRun>
{
    private const string File000Core = "000_752a93a4473dd53d_DmarGlobalLockVsGroupMutex.Base.cs";
    private const string File000Intel = "000_752a93a4473dd53d_DmarGlobalLockVsGroupMutex.Intel.cs";
    private const string File001 = "001_63d1b2f7394d89e4_KlistLockInHardIrq.cs";
    private const string File002 = "002_382c9c215823b4cd_AsyncProbeDevIommuRace.cs";
    private const string File003Cpu = "003_ba5013d5ce36ceb8_CpuhpVsBusNotifier.Cpu.cs";
    private const string File003Base = "003_ba5013d5ce36ceb8_CpuhpVsBusNotifier.Base.cs";
    private const string File004 = "004_3684cd5eade811ca_DmaOwnershipBeforeGroup.cs";

    private readonly RuntimeLockdepSampleRun _run;

    public RuntimeLockdepSampleTests(RuntimeLockdepSampleRun run)
    {
        _run = run;
    }

    [Fact]
    public void The_sample_builds_without_warnings_and_runs_every_scenario_to_its_end_with_checks()
    {
        Assert.True(_run.Build.ExitCode == 0, _run.Build.Describe());
        Assert.DoesNotContain(": warning ", _run.Build.Output, StringComparison.Ordinal);
        ProcessResult run = _run.Run!;
        Assert.True(run.ExitCode == 0, run.Describe());
        // Every module that takes locks carries checks of its own, all reporting to the process's one engine.
        foreach (string module in new[] { "RuntimeLockdep.Cpu", "RuntimeLockdep.Base", "RuntimeLockdep.Intel", "RuntimeLockdep.Vfio", "RuntimeLockdep.Rockchip", "RuntimeLockdep.Drivers",
                     "IommuCore.Kernel", "IommuCore.Cpu", "IommuCore.Base", "IommuCore.Iommu", "IommuCore.Intel", "IommuCore.Vfio", "IommuCore.Rockchip" })
        {
            Assert.Contains($"\n  {module}: generated checks: present", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }

        Assert.Equal(6, Regex.Matches(run.Output, @"^result \[(00\d|fixed)\]: expected ", RegexOptions.Multiline).Count);
        Assert.DoesNotContain("(exit code ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_000_is_a_circular_dependency_between_dmar_global_lock_and_the_group_mutex()
    {
        string block = _run.Block("000");
        AssertReports(block, "000", "CircularDependency");
        Assert.Contains("WARNING: possible circular locking dependency detected", block);
        Assert.Matches(@"qemu-system-x86/\d+ is trying to acquire lock:\n\(dmar_global_lock\)", block);
        Assert.Contains("but task is already holding lock:\n(&group->mutex)", block);
        // One report joins the Intel module's lock and the IOMMU core's, each cited in its own module's file.
        Assert.Contains($"at: IntelIommu.IntelIommuGetResvRegions ({_run.Site(File000Intel, "WARNING: possible circular")})", block);
        Assert.Contains($"Iommu.IommuGroupAddDevice ({_run.Site(File000Core, "dmar_global_lock -> &group->mutex")})", block);
        Assert.Contains("  lock(&group->mutex);\n                               lock(dmar_global_lock);", block);
    }

    [Fact]
    public void Seed_001_is_an_inconsistent_lock_state_of_the_klist_lock()
    {
        string block = _run.Block("001");
        AssertReports(block, "001", "InconsistentLockState");
        Assert.Contains("WARNING: inconsistent lock state", block);
        Assert.Contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.", block);
        Assert.Matches(@"rngd/\d+ \[HC1\[1\]:SC0\[0\]:HE0:SE1\] takes:\n\(&k->k_lock\)\{\?\.\+\.\}", block);
        Assert.Contains($"Klist.KlistNext ({_run.Site(File001, "WARNING: inconsistent lock state")})", block);
        Assert.Contains($"{{HARDIRQ-ON-W}} state was registered at:\n  Klist.KlistAddTail ({_run.Site(File001, "{HARDIRQ-ON-W}")})", block);
    }

    [Fact]
    public void Seed_002_is_a_failed_assertion_of_iommu_probe_device_lock_and_says_the_race_is_not_visible()
    {
        string block = _run.Block("002");
        AssertReports(block, "002", "LockNotHeld");
        Assert.Contains("WARNING: lockdep_assert_held(iommu_probe_device_lock) failed", block);
        Assert.Matches($@"kworker/u12:1/\d+ at Iommu\.ProbeIommuGroup \({Regex.Escape(_run.Site(File002, "iommu_probe_device_lock is not held"))}\)", block);
        Assert.Contains("---- what the runtime cannot show ----", block);
        Assert.Contains("is not a lock operation", block);
    }

    [Fact]
    public void Seed_003_is_a_three_class_circular_dependency_through_cpuhp_state_up()
    {
        string block = _run.Block("003");
        AssertReports(block, "003", "CircularDependency");
        Assert.Contains("WARNING: possible circular locking dependency detected", block);
        Assert.Matches(@"cpuhp/0/\d+ is trying to acquire lock:\n\(&\(&priv->bus_notifier\)->rwsem\)", block);
        Assert.Contains("but task is already holding lock:\n(cpuhp_state-up)", block);
        // One report joins CPU hotplug's locks and the driver core's notifier, each cited in its own module's file.
        Assert.Contains($"-> #2 (cpuhp_state-up){{+.+.}}-{{0:0}}:\n       CpuHotplug.CpuhpKickApWork ({_run.Site(File003Cpu, "cpu_hotplug_lock -> cpuhp_state-up")})", block);
        Assert.Contains("-> #1 (cpu_hotplug_lock)", block);
        Assert.Contains("-> #0 (&(&priv->bus_notifier)->rwsem)", block);
        Assert.Contains("Chain exists of:\n  &(&priv->bus_notifier)->rwsem --> cpu_hotplug_lock --> cpuhp_state-up", block);
        Assert.Contains($"BlockingNotifierHead.BlockingNotifierCallChain ({_run.Site(File003Base, "WARNING: possible circular")})", block);
        Assert.Contains($"CpuHotplug.CpuhpStateAddInstance ({_run.Site(File003Cpu, "&(&priv->bus_notifier)->rwsem -> cpu_hotplug_lock")})", block);
    }

    [Fact]
    public void Seed_004_is_a_bad_unlock_balance_of_the_dma_owner_claim_next_to_the_owner_cnt_warning()
    {
        string block = _run.Block("004");
        AssertReports(block, "004", "BadUnlockBalance");
        Assert.Contains("WARNING: bad unlock balance detected!", block);
        Assert.Matches(@"tee/\d+ is trying to release lock \(&dev->dma_owner\) at:", block);
        Assert.Contains($"Iommu.DevDmaOwnerRelease ({_run.Site(File004, "WARNING: bad unlock balance")})", block);
        Assert.Contains("owner_cnt is 0", block);

        // After the report the release throws as it does without checks; the sample catches it at the unuse.
        Assert.Contains("0004:01:00.0: releasing the DMA claim threw SynchronizationLockException: KLockMap released by a thread that has not acquired it.", block);
        Assert.Contains("---- what the runtime cannot show ----", block);
    }

    [Fact]
    public void Every_runtime_marker_of_the_seed_files_names_a_line_its_scenarios_report_cites()
    {
        Assert.NotEmpty(_run.Markers.RuntimeSites);
        foreach (RuntimeSite site in _run.Markers.RuntimeSites)
        {
            string block = _run.Block(site.FileName[..3]);
            Assert.True(block.Contains($"({_run.SeedPath(site.FileName)}:{site.Line})", StringComparison.Ordinal),
                $"{site.FileName}({site.Line}) is marked `runtime: {site.Label}`, but the report does not cite it:\n{block}");
        }
    }

    [Fact]
    public void Every_broken_scenario_shows_the_seeds_splat_next_to_its_report()
    {
        foreach ((string id, string splat) in new[]
        {
            ("000", "(dmar_global_lock){++++}-{3:3}, at: intel_iommu_get_resv_regions"),
            ("001", "(&k->k_lock){?.+.}-{2:2}, at: klist_next"),
            ("002", "pc : dev_iommu_free+0x24/0x54"),
            ("003", "(cpuhp_state-up){+.+.}-{0:0}, at:"),
            ("004", "iommu_device_unuse_default_domain+0x68/0x100"),
        })
        {
            string block = _run.Block(id);
            int at = block.IndexOf("---- the seed's splat (", StringComparison.Ordinal);
            Assert.True(at >= 0, block);
            Assert.Contains(splat, block[at..]);
        }
    }

    [Fact]
    public void IommuCores_fixed_scenarios_print_no_report()
    {
        string block = _run.Block("fixed");
        Assert.DoesNotContain("lockdep-report [fixed]", block);
        Assert.DoesNotContain("WARNING:", block);
        Assert.DoesNotContain("BUG:", block);
        Assert.Equal(6, Regex.Matches(block, @": 0 report\(s\)$", RegexOptions.Multiline).Count);
        Match validated = Regex.Match(block, @"validated: (\d+) lock classes, (\d+) dependencies, (\d+) chain lookups, 0 report\(s\)");
        Assert.True(validated.Success, block);
        Assert.True(int.Parse(validated.Groups[2].Value) > 0 && long.Parse(validated.Groups[3].Value) > 0, block);
    }

    /// <summary>The scenario made at least one report, and all of the expected kind.</summary>
    private static void AssertReports(string block, string id, string kind)
    {
        string[] kinds = Regex.Matches(block, $@"^lockdep-report \[{id}\]: (\w+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(kinds);
        Assert.All(kinds, k => Assert.Equal(kind, k));
    }
}
