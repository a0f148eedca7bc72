using System.Collections.Concurrent;
using System.Xml.Linq;
using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// samples/RuntimeDemo, built from the packed package with nothing but its PackageReference, is the
/// acceptance test of the runtime checks. On one thread it takes two <c>[LockClass]</c> mutexes in both
/// orders, takes a spinlock plainly and with <c>LockIrqSave</c> from a <c>[HardIrqContext]</c> method,
/// and unlocks a mutex it does not hold. In Debug the package's generated checks print the three
/// lockdep reports, naming the classes and the Device.cs lines (found by their <c>// runtime: ...</c>
/// markers, <see cref="SourceMarkers"/>), and the program keeps running to "done"; in Release the
/// assembly has no generated checks and nothing is reported. Apart from the reports both print the same,
/// the bad unlock's exception included.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class RuntimeDemoTests
{
    private const string CircularTitle = "WARNING: possible circular locking dependency detected";
    private const string InconsistentTitle = "WARNING: inconsistent lock state";
    private const string BadUnlockTitle = "WARNING: bad unlock balance detected!";
    /// <summary>What the bad unlock throws, with checks (after the report) and without: the KMutex's own refusal.</summary>
    private const string UnlockThrew = "[3/3] KMutex.Unlock threw SynchronizationLockException: KMutex unlocked by a thread that does not hold it.";

    private const string GeneratedNamespace = Infrastructure.GeneratedChecks.GeneratedNamespace;

    /// <summary>What each report must name: its lock classes, and its call sites as (member, marker comment of the line).</summary>
    private static readonly Dictionary<string, (string[] Classes, (string Member, string Marker)[] Sites)> Expected = new()
    {
        [CircularTitle] = (
            new[] { "dev_config_mutex", "dev_stats_mutex" },
            new[]
            {
                ("Device.CollectStats", "WARNING: possible circular locking dependency detected"),
                ("Device.CollectStats", "dev_stats_mutex held for the reverse order"),
                ("Device.Reconfigure", "dev_config_mutex -> dev_stats_mutex, the first order"),
            }),
        [InconsistentTitle] = (
            new[] { "dev_fault_lock" },
            new[]
            {
                ("Device.FaultInterrupt", "WARNING: inconsistent lock state"),
                ("Device.ClearFaults", "{HARDIRQ-ON-W} taken with hard IRQs on"),
            }),
        [BadUnlockTitle] = (
            new[] { "dev_reset_mutex" },
            new[] { ("Device.FinishReset", "WARNING: bad unlock balance detected!") }),
    };

    /// <summary>The lines the demo prints around its scenarios, in order: each "after" line proves it kept running.</summary>
    private static readonly string[] ProgressLines =
    {
        "[1/3] before:", "[1/3] after: still running",
        "[2/3] before:", "[2/3] after: still running",
        "[3/3] before:", "[3/3] after: still running",
        "done",
    };

    private static readonly ConcurrentDictionary<string, Lazy<ProgramRun>> Runs = new();

    private readonly PackageFixture _package;

    public RuntimeDemoTests(PackageFixture package)
    {
        _package = package;
    }

    private static string SampleDirectory => Path.Combine(RepositoryLayout.Root, "samples", "RuntimeDemo");

    [Fact]
    public void Demo_project_has_nothing_but_the_package_reference()
    {
        XDocument project = XDocument.Load(Path.Combine(SampleDirectory, "RuntimeDemo.csproj"));
        XElement[] items = project.Root!.Elements("ItemGroup").Elements().ToArray();
        XElement reference = Assert.Single(items);
        Assert.Equal("PackageReference", reference.Name.LocalName);
        Assert.Equal("LockDiscipline", (string?)reference.Attribute("Include"));

        // The package alone turns the checks on in Debug, with nothing for the project to enable.
        string[] properties = project.Root.Elements("PropertyGroup").Elements().Select(e => e.Name.LocalName).ToArray();
        foreach (string property in new[] { "LockDisciplineRuntimeChecks", "InterceptorsNamespaces", "InterceptorsPreviewNamespaces", "Features", "Configuration", "Optimize" })
        {
            Assert.DoesNotContain(property, properties);
        }
    }

    [Theory]
    [InlineData("Debug")]
    [InlineData("Release")]
    public void Demo_builds_with_no_warning(string configuration)
    {
        ConsumerBuild build = Build(configuration);

        Assert.True(build.Process.ExitCode == 0, $"The {configuration} build failed.\n" + build.Describe());
        BuildDiagnostic[] reported = build.Diagnostics.Where(d => d.Severity is "warning" or "error").ToArray();
        Assert.True(reported.Length == 0, "Unexpected diagnostics:\n  " + string.Join("\n  ", reported.Select(d => d.ToString())) + "\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
    }

    [Fact]
    public void Debug_run_prints_the_three_reports_and_keeps_running_to_done()
    {
        ProgramRun run = Run("Debug");

        Assert.True(run.ExitCode == 0, "The Debug run failed.\n" + run.Describe());
        AssertKeptRunning(run);
        Assert.Equal(new[] { CircularTitle, InconsistentTitle, BadUnlockTitle }, Reports(run).Select(r => r.Title));
        Assert.Contains(UnlockThrew, run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("generated checks: present", run.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CircularTitle)]
    [InlineData(InconsistentTitle)]
    [InlineData(BadUnlockTitle)]
    public void Debug_report_names_the_lock_classes_and_the_call_sites(string title)
    {
        ProgramRun run = Run("Debug");
        (string Title, string Text)[] reports = Reports(run).Where(r => r.Title == title).ToArray();
        Assert.True(reports.Length == 1, $"Expected one '{title}' report, found {reports.Length}.\n" + run.Describe());
        string text = reports[0].Text;

        (string[] classes, (string Member, string Marker)[] sites) = Expected[title];
        foreach (string cls in classes)
        {
            Assert.True(text.Contains("(" + cls + ")", StringComparison.Ordinal), $"The report does not name ({cls}):\n{text}");
        }

        SourceMarkers markers = SourceMarkers.Read(new[] { Path.Combine(Build("Debug").ProjectDirectory, "Device.cs") });
        foreach ((string member, string marker) in sites)
        {
            string site = $"{member} (Device.cs:{markers.RuntimeLine("Device.cs", marker)})";
            Assert.True(text.Contains(site, StringComparison.Ordinal), $"The report does not give the call site {site}:\n{text}");
        }

        if (title == InconsistentTitle)
        {
            Assert.Contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.", text, StringComparison.Ordinal);
        }

        // The generated checked calls say nothing about the program: their frames stay out of the report.
        Assert.False(text.Contains(GeneratedNamespace, StringComparison.Ordinal), $"The report shows generated frames:\n{text}");
    }

    [Fact]
    public void Debug_assembly_contains_the_generated_checks()
    {
        (int generatedTypes, string[] engineTypes) = GeneratedChecks("Debug");

        Assert.True(generatedTypes > 0, $"The Debug assembly has no type in {GeneratedNamespace}.");
        Assert.Contains("LockDiscipline.Validation.LockdepHooks", engineTypes);
    }

    [Fact]
    public void Release_run_prints_no_report_and_runs_to_done()
    {
        ProgramRun run = Run("Release");

        Assert.True(run.ExitCode == 0, "The Release run failed.\n" + run.Describe());
        AssertKeptRunning(run);
        Assert.True(run.StandardError.Trim().Length == 0, "The Release run wrote to standard error.\n" + run.Describe());
        Assert.DoesNotContain("WARNING:", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("generated checks: none", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Debug_and_Release_runs_print_the_same_output_apart_from_the_reports()
    {
        ProgramRun debug = Run("Debug");
        ProgramRun release = Run("Release");

        Assert.Contains(UnlockThrew, release.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(WithoutChecksLine(release), WithoutChecksLine(debug));
    }

    [Fact]
    public void Release_assembly_contains_no_generated_checks()
    {
        (int generatedTypes, string[] engineTypes) = GeneratedChecks("Release");

        Assert.Equal(0, generatedTypes);
        Assert.Empty(engineTypes);
    }

    private ConsumerBuild Build(string configuration) =>
        _package.BuildProjectCopy("RuntimeDemo-" + configuration, SampleDirectory, configuration);

    private static string OutputAssembly(ConsumerBuild build, string configuration) =>
        Path.Combine(build.ProjectDirectory, "bin", configuration, "net10.0", "RuntimeDemo.dll");

    private ProgramRun Run(string configuration)
    {
        ConsumerBuild build = Build(configuration);
        Assert.True(build.Process.ExitCode == 0, $"The {configuration} build failed.\n" + build.Describe());
        string assembly = OutputAssembly(build, configuration);
        return Runs.GetOrAdd(assembly, path => new Lazy<ProgramRun>(() => ProcessRunner.RunDotnetProgram(build.ProjectDirectory, path))).Value;
    }

    private (int GeneratedTypes, string[] EngineTypes) GeneratedChecks(string configuration)
    {
        ConsumerBuild build = Build(configuration);
        Assert.True(build.Process.ExitCode == 0, $"The {configuration} build failed.\n" + build.Describe());
        return Infrastructure.GeneratedChecks.Read(OutputAssembly(build, configuration));
    }

    private static void AssertKeptRunning(ProgramRun run)
    {
        string[] lines = run.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        int previous = -1;
        foreach (string expected in ProgressLines)
        {
            int at = Array.FindIndex(lines, previous + 1, l => l.StartsWith(expected, StringComparison.Ordinal));
            Assert.True(at > previous, $"'{expected}' is missing or out of order.\n" + run.Describe());
            previous = at;
        }

        Assert.Equal("done", lines[^1]);
    }

    // Standard output but its first line, which says whether the assembly has generated checks.
    private static string WithoutChecksLine(ProgramRun run) =>
        string.Join("\n", run.StandardOutput.Replace("\r\n", "\n").Split('\n').Skip(1));

    private static IReadOnlyList<(string Title, string Text)> Reports(ProgramRun run) => RuntimeReports.Of(run);
}
