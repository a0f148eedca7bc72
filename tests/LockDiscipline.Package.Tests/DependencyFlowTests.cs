using System.Text.Json;
using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// What flows from a library that added LockDiscipline to a program that uses it, built in Debug from
/// the packed packages as two real projects (Consumers/Flow, Consumers/PrivateReference):
/// the rules and the generator stay in the project that added them; the runtime library flows as any
/// runtime library does, so the library's kernel-style code and its generated checks run in the
/// program; and a private reference (PrivateAssets="all") never leaves a program that cannot run.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DependencyFlowTests
{
    private const string Configuration = "Debug";
    private const string Output = "bin/Debug/net10.0";

    private readonly PackageFixture _package;

    public DependencyFlowTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Library_that_adds_LockDiscipline_gets_the_rules_and_the_runtime_checks()
    {
        ConsumerBuild build = BuildFlow();

        AnalyzerAssertions.AssertAnalyzerHealthy(build);
        Assert.True(GeneratedChecks.Read(Assembly(build, "Library")).GeneratedTypes > 0, "The library's Debug assembly has no generated checks.\n" + build.Describe());
    }

    /// <summary>App/Program.cs has a lock-order inversion and Monitor calls on a field: no LD0001, no interceptor.</summary>
    [Fact]
    public void Program_that_did_not_add_it_gets_no_LD_diagnostic_and_no_generated_checks()
    {
        ConsumerBuild build = BuildFlow();

        Assert.True(build.LockDisciplineDiagnostics.Count == 0, "LD diagnostics reached a project that did not add LockDiscipline.\n" + build.Describe());
        (int generatedTypes, string[] engineTypes) = GeneratedChecks.Read(Assembly(build, "App"));
        Assert.Equal(0, generatedTypes);
        Assert.Empty(engineTypes);
    }

    /// <summary>The SDK passes every package's analyzers on through project references; the package's build file takes them back.</summary>
    [Fact]
    public void Program_that_did_not_add_it_gets_neither_the_analyzer_nor_the_generator()
    {
        ConsumerBuild build = BuildFlow();
        ProcessResult inspection = _package.ResolveAnalyzers(build, "App/App.csproj", Configuration);
        Assert.True(inspection.ExitCode == 0, inspection.Describe());

        using JsonDocument json = JsonDocument.Parse(inspection.Output[inspection.Output.IndexOf('{')..]);
        string[] analyzers = json.RootElement.GetProperty("Items").GetProperty("Analyzer").EnumerateArray()
            .Select(item => Path.GetFileName(item.GetProperty("FullPath").GetString() ?? ""))
            .ToArray();
        Assert.DoesNotContain("LockDiscipline.Analyzer.dll", analyzers);
        Assert.DoesNotContain("LockDiscipline.Generator.dll", analyzers);
    }

    /// <summary>The library's KMutex code and its generated checks run inside the program: the runtime library flowed.</summary>
    [Fact]
    public void Program_runs_the_library_kernel_code_and_its_checks_with_the_runtime_that_flowed()
    {
        ConsumerBuild build = BuildFlow();
        Assert.True(build.Process.ExitCode == 0, "The Flow consumer failed to build.\n" + build.Describe());

        ProgramRun run = ProcessRunner.RunDotnetProgram(build.ProjectDirectory, Assembly(build, "App"));

        Assert.True(run.ExitCode == 0, "The program failed.\n" + run.Describe());
        Assert.Contains("generation: 1", run.StandardOutput, StringComparison.Ordinal);
        Assert.True(ValidatedLockClasses(run) == 2, "The library's generated checks did not register its two mutexes.\n" + run.Describe());
        Assert.True(run.StandardError.Trim().Length == 0, "The program reported a problem.\n" + run.Describe());
    }

    /// <summary>
    /// The library still gets the rules; its runtime checks are off by default, since the runtime
    /// library they call would not reach the program (docs/runtime-checks.md).
    /// </summary>
    [Fact]
    public void Library_with_a_private_reference_gets_the_rules_and_no_checks_that_would_need_the_runtime()
    {
        ConsumerBuild build = BuildPrivate();

        Assert.True(build.Process.ExitCode == 0, "The PrivateReference consumer failed to build.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
        Assert.Equal(0, GeneratedChecks.Read(Assembly(build, "Library")).GeneratedTypes);
    }

    [Fact]
    public void Program_using_a_library_with_a_private_reference_runs_in_Debug()
    {
        ConsumerBuild build = BuildPrivate();
        Assert.True(build.Process.ExitCode == 0, "The PrivateReference consumer failed to build.\n" + build.Describe());

        // The reference really is private: the runtime library did not reach the program.
        Assert.False(File.Exists(Path.Combine(build.ProjectDirectory, "App", Output, "LockDiscipline.dll")), "LockDiscipline.dll reached the program.");
        ProgramRun run = ProcessRunner.RunDotnetProgram(build.ProjectDirectory, Assembly(build, "App"));

        Assert.True(run.ExitCode == 0, "The program failed.\n" + run.Describe());
        Assert.Contains("count: 2", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("done", run.StandardOutput.Trim().Split('\n')[^1].TrimEnd('\r'));
    }

    /// <summary>
    /// The documented way to keep the checks (and the K* locks) in a library whose LockDiscipline
    /// reference is private: a non-private LockDiscipline.Runtime reference, which flows on.
    /// </summary>
    [Fact]
    public void Library_with_a_private_reference_and_a_public_runtime_keeps_its_checks_and_its_program_runs_them()
    {
        ConsumerBuild build = _package.BuildProjectCopy("PrivateWithRuntime", RepositoryLayout.ConsumerSources("PrivateWithRuntime"), Configuration, "App/App.csproj");
        Assert.True(build.Process.ExitCode == 0, "The PrivateWithRuntime consumer failed to build.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
        Assert.True(GeneratedChecks.Read(Assembly(build, "Library")).GeneratedTypes > 0, "The library's Debug assembly has no generated checks.\n" + build.Describe());

        ProgramRun run = ProcessRunner.RunDotnetProgram(build.ProjectDirectory, Assembly(build, "App"));

        Assert.True(run.ExitCode == 0, "The program failed.\n" + run.Describe());
        Assert.Equal(2, ValidatedLockClasses(run));
    }

    private static int ValidatedLockClasses(ProgramRun run) =>
        int.Parse(run.StandardOutput.Split('\n').Single(l => l.StartsWith("validated lock classes: ", StringComparison.Ordinal))["validated lock classes: ".Length..].Trim());

    private static string Assembly(ConsumerBuild build, string project) =>
        Path.Combine(build.ProjectDirectory, project, Output, project + ".dll");

    private ConsumerBuild BuildFlow() =>
        _package.BuildProjectCopy("Flow", RepositoryLayout.ConsumerSources("Flow"), Configuration, "App/App.csproj");

    private ConsumerBuild BuildPrivate() =>
        _package.BuildProjectCopy("PrivateReference", RepositoryLayout.ConsumerSources("PrivateReference"), Configuration, "App/App.csproj");
}
