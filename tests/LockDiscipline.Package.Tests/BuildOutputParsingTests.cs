using LockDiscipline.Package.Tests.Infrastructure;

namespace LockDiscipline.Package.Tests;

/// <summary>The consumer tests read diagnostics from MSBuild's console output; these pin the format.</summary>
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
    }

    [Fact]
    public void Markers_give_file_line_lock_expression_column_and_lock_classes()
    {
        string source = Path.Combine(Path.GetTempPath(), "ld-marker-" + Guid.NewGuid().ToString("N") + ".cs");
        File.WriteAllLines(source, new[]
        {
            "class C {",
            "    void M() { lock (_a) { lock ( _b) { } } } // LD0001 expected here: 'C._a' 'C._b'",
            "    void N() { lock (_b) { } } // LD0003 expected here",
            "}",
        });
        try
        {
            IReadOnlyList<ExpectationMarker> markers = ExpectationMarker.Read(new[] { source });
            Assert.Equal(2, markers.Count);
            Assert.Equal((2, (int?)null, "LD0001"), (markers[0].Line, markers[0].Column, markers[0].Id)); // two lock statements: column not pinned
            Assert.Equal(new[] { "'C._a'", "'C._b'" }, markers[0].LockClasses);
            Assert.Equal((3, (int?)22, "LD0003"), (markers[1].Line, markers[1].Column, markers[1].Id));
            Assert.Empty(markers[1].LockClasses);
        }
        finally
        {
            File.Delete(source);
        }
    }
}
