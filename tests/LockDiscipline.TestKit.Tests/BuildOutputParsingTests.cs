using LockDiscipline.TestKit;

namespace LockDiscipline.TestKit.Tests;

/// <summary>The build tests read diagnostics from MSBuild's console output; these pin the format.</summary>
public sealed class BuildOutputParsingTests
{
    [Fact]
    public void Parses_location_severity_id_message_and_help_link_and_drops_repeats()
    {
        const string output = """
            /src/Broken/PlainLock.cs(31,23): error LD0001: possible circular locking dependency detected: acquiring 'Ledger._balanceLock' while holding 'Ledger._auditLock' (Ledger.Audit at PlainLock.cs:31) (https://github.com/LockDiscipline/LockDiscipline/blob/main/docs/rules/LD0001.md) [/src/Broken/Broken.csproj]

            Build FAILED.

            /src/Broken/PlainLock.cs(31,23): error LD0001: possible circular locking dependency detected: acquiring 'Ledger._balanceLock' while holding 'Ledger._auditLock' (Ledger.Audit at PlainLock.cs:31) (https://github.com/LockDiscipline/LockDiscipline/blob/main/docs/rules/LD0001.md) [/src/Broken/Broken.csproj]
                1 Error(s)
            """;

        BuildDiagnostic diagnostic = Assert.Single(BuildDiagnostic.Parse(output));
        Assert.Equal("/src/Broken/PlainLock.cs", diagnostic.File);
        Assert.Equal("PlainLock.cs", diagnostic.FileName);
        Assert.Equal(31, diagnostic.Line);
        Assert.Equal(23, diagnostic.Column);
        Assert.Equal("error", diagnostic.Severity);
        Assert.Equal("LD0001", diagnostic.Id);
        Assert.True(diagnostic.IsLockDiscipline);
        Assert.Equal("possible circular locking dependency detected: acquiring 'Ledger._balanceLock' while holding 'Ledger._auditLock' (Ledger.Audit at PlainLock.cs:31)", diagnostic.Message);
        Assert.Equal("https://github.com/LockDiscipline/LockDiscipline/blob/main/docs/rules/LD0001.md", diagnostic.HelpLink);
    }

    [Fact]
    public void Parses_end_positions_brackets_in_messages_and_diagnostics_without_location()
    {
        const string output = """
            /src/A.cs(3,15,3,26): warning LD0012: cannot resolve lock name 'grp.Mutex' in [AcquiresLock]: no member, parameter or [LockClass] named 'grp' (in 'grp.Mutex') [/src/A.csproj::TargetFramework=net10.0]
            CSC : warning CS9057: The analyzer assembly references version 5.0.0.0 of the compiler [/src/A.csproj]
            """;

        IReadOnlyList<BuildDiagnostic> diagnostics = BuildDiagnostic.Parse(output);
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal(("A.cs", 3, 15, "warning", "LD0012"), (diagnostics[0].FileName, diagnostics[0].Line, diagnostics[0].Column, diagnostics[0].Severity, diagnostics[0].Id));
        Assert.Equal("cannot resolve lock name 'grp.Mutex' in [AcquiresLock]: no member, parameter or [LockClass] named 'grp' (in 'grp.Mutex')", diagnostics[0].Message);
        Assert.Null(diagnostics[0].HelpLink);
        Assert.Equal(("CSC", 0, "CS9057"), (diagnostics[1].File, diagnostics[1].Line, diagnostics[1].Id));
        Assert.False(diagnostics[1].IsLockDiscipline);
    }

    [Fact]
    public void A_message_ending_in_brackets_keeps_them_when_no_project_follows()
    {
        BuildDiagnostic diagnostic = Assert.Single(BuildDiagnostic.Parse(
            "/src/A.cs(9,5): error LD0009: 'IommuGroup._mutex' is not held at a call of a method marked [RequiresLock]\n"));

        Assert.Equal("'IommuGroup._mutex' is not held at a call of a method marked [RequiresLock]", diagnostic.Message);
    }

    [Fact]
    public void Two_diagnostics_on_one_line_stay_apart()
    {
        const string output = """
            /src/002_Race.cs(108,27): warning LD0008: 'Device.Iommu' is read without 'iommu_probe_device_lock' [/src/Regressions.csproj]
            /src/002_Race.cs(108,40): warning LD0008: 'Device.Iommu' is read without 'iommu_probe_device_lock' [/src/Regressions.csproj]
            """;

        Assert.Equal(new[] { 27, 40 }, BuildDiagnostic.Parse(output).Select(d => d.Column));
    }

    [Theory]
    [InlineData("Build FAILED.")]
    [InlineData("    1 Error(s)")]
    [InlineData("    0 Warning(s)")]
    [InlineData("Time Elapsed 00:00:06.36")]
    [InlineData("  Determining projects to restore...")]
    [InlineData("  Restored /src/A.csproj (in 120 ms).")]
    [InlineData("  Regressions -> /src/bin/Debug/net10.0/Regressions.dll")]
    [InlineData("/src/A.cs(3,1): error : a diagnostic without an id")]
    [InlineData("/src/A.cs(3,1): note LD0001: not a severity")]
    [InlineData("WARNING: possible circular locking dependency detected")]
    public void Lines_that_are_not_diagnostics_are_skipped(string line)
    {
        Assert.Empty(BuildDiagnostic.Parse(line + "\n"));
    }
}
