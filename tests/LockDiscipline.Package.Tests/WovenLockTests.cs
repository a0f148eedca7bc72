using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/WovenApp, built from the packed package with nothing but its PackageReference and run with
/// <c>dotnet</c>: the locks C# interceptors cannot reach, checked at run time by the IL the package's
/// MSBuild step weaves into Debug builds. Each of three ABBAs runs one order on a thread, then the other
/// on another, so nothing deadlocks: plain <c>lock</c> statements (one on an object, one on a
/// <c>System.Threading.Lock</c>), <c>EnterScope</c> scopes, and locks on <c>this</c> and a parameter. Then
/// an unbalanced <c>Monitor.Exit(this)</c>. The reports must name the classes and the sites marked
/// <c>// runtime: ...</c> in the sources (<see cref="SourceMarkers"/>); what the program itself prints
/// must be the same in Debug and Release.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class WovenLockTests
{
    private const string CircularTitle = "WARNING: possible circular locking dependency detected";
    private const string BadUnlockTitle = "WARNING: bad unlock balance detected!";

    private static readonly ConcurrentDictionary<string, Lazy<ProgramRun>> Runs = new();

    private readonly PackageFixture _package;

    public WovenLockTests(PackageFixture package)
    {
        _package = package;
    }

    private static string SourceDirectory => Path.Combine(RepositoryLayout.Root, "tests", "LockDiscipline.Package.Tests", "Consumers", "WovenApp");

    /// <summary>
    /// File, the class acquired and the class held when the cycle closes (each with the C# lock type a
    /// report names it with), the members taking the first and the reverse order.
    /// </summary>
    public static TheoryData<string, string, string, string, string> Cycles => new()
    {
        { "Ledger.cs", "Ledger._accounts, Monitor", "Ledger._audit, Lock", "Ledger.Post", "Ledger.Audit" },
        { "Registry.cs", "Registry._names, Lock", "Registry._ids, Lock", "Registry.Rename", "Registry.Renumber" },
        { "Vault.cs", "Vault, Monitor", "Teller, Monitor", "Vault.Deposit", "Teller.Count" },
    };

    [Theory]
    [MemberData(nameof(Cycles))]
    public void Debug_run_reports_the_cycle_with_both_classes_and_both_orders_sites(string file, string acquired, string held, string firstOrder, string newOrder)
    {
        ProgramRun run = Run("Debug");
        string[] reports = RuntimeReports.Of(run)
            .Where(r => r.Title == CircularTitle && r.Text.Contains("(" + acquired + ")", StringComparison.Ordinal))
            .Select(r => r.Text)
            .ToArray();
        Assert.True(reports.Length == 1, $"Expected one circular report naming ({acquired}), found {reports.Length}.\n" + run.Describe());
        string text = reports[0];

        SourceMarkers markers = Markers();
        string acquiredClass = acquired.Split(',')[0], heldClass = held.Split(',')[0];
        string acquiring = $"({acquired}), at: {newOrder} ({file}:{markers.RuntimeLine(file, "WARNING: circular")})";
        string holding = $"({held}), at: {newOrder} ({file}:{markers.RuntimeLine(file, heldClass + " held for the reverse order")})";
        string existing = $"{firstOrder} ({file}:{markers.RuntimeLine(file, heldClass + " under " + acquiredClass)})";
        foreach (string expected in new[] { acquiring, holding, existing })
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"The report does not contain '{expected}':\n{text}");
        }
    }

    [Fact]
    public void Debug_run_keeps_running_and_prints_what_the_Release_run_prints()
    {
        ProgramRun debug = Run("Debug");
        ProgramRun release = Run("Release");

        Assert.True(debug.ExitCode == 0, "The Debug run failed.\n" + debug.Describe());
        Assert.True(release.ExitCode == 0, "The Release run failed.\n" + release.Describe());
        Assert.Equal("done", debug.StandardOutput.TrimEnd().Split('\n')[^1].TrimEnd('\r'));

        // Behaviour is the BCL's with and without checks: same output, same exception at the same line.
        Assert.Equal(Normalized(release, "Release"), Normalized(debug, "Debug"));
        Assert.Equal(new[] { CircularTitle, CircularTitle, CircularTitle, BadUnlockTitle, BadUnlockTitle, BadUnlockTitle, BadUnlockTitle, BadUnlockTitle }, RuntimeReports.Of(debug).Select(r => r.Title));
        Assert.Empty(RuntimeReports.Of(release));
    }

    [Fact]
    public void Unbalanced_Monitor_Exit_is_reported_then_throws_SynchronizationLockException_at_its_line()
    {
        ProgramRun run = Run("Debug");
        (string Title, string Text) report = Assert.Single(RuntimeReports.Of(run), r => r.Title == BadUnlockTitle && r.Text.Contains("(Vault)", StringComparison.Ordinal));
        int line = Markers().RuntimeLine("Vault.cs", "WARNING: bad unlock balance");
        Assert.Contains($"thread/1 is trying to release lock (Vault) at:\nVault.Release (Vault.cs:{line})", report.Text, StringComparison.Ordinal);

        // The woven PDB still maps the call: the stack trace gives its line, and the hook's frame is hidden.
        Assert.Contains("Monitor.Exit threw SynchronizationLockException", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"at WovenApp.Vault.Release() in {Path.Combine(Build("Debug").ProjectDirectory, "Vault.cs")}:line {line}", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("WovenLocks", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Releases_of_members_not_held_are_reported_in_Debug_then_throw_what_Release_throws()
    {
        ProgramRun debug = Run("Debug");
        ProgramRun release = Run("Release");
        string[] expected =
        {
            "System.Threading.SynchronizationLockException: Object synchronization method was called from an unsynchronized block of code.",
            "System.Threading.SynchronizationLockException: The calling thread does not hold the lock.",
            "System.Threading.SynchronizationLockException: The read lock is being released without being held.",
            "System.Threading.SemaphoreFullException: Adding the specified count to the semaphore would cause it to exceed its maximum count.",
            "System.Threading.SynchronizationLockException: The calling thread does not hold the lock.",
        };

        Assert.Equal(expected, Lines(release, "[5/5]", expected.Length));
        Assert.Equal(expected, Lines(debug, "[5/5]", expected.Length));
        var reports = RuntimeReports.Of(debug).Where(r => r.Title == BadUnlockTitle && r.Text.Contains("Cashbox", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, reports.Length);
        foreach (var member in new[] { "_coins", "_drawer", "_ledger" })
        {
            int line = Markers().RuntimeLine("Cashbox.cs", "bad unlock balance, Cashbox." + member);
            Assert.Single(reports, r => r.Text.Contains($"is trying to release lock (Cashbox.{member}) at:\nCashbox.ReleaseAll (Cashbox.cs:{line})", StringComparison.Ordinal));
        }

        // A Lock parameter is classed by its type; its Exit stays in place after the woven hook.
        int closeLine = Markers().RuntimeLine("Cashbox.cs", "bad unlock balance, Lock");
        Assert.Single(reports, r => r.Text.Contains($"is trying to release lock (Lock) at:\nCashbox.Close (Cashbox.cs:{closeLine})", StringComparison.Ordinal));
    }

    [Fact]
    public void Debug_build_weaves_every_site_and_Release_build_weaves_nothing()
    {
        ConsumerBuild debug = Build("Debug");
        Assert.True(debug.Process.ExitCode == 0, "The Debug build failed.\n" + debug.Describe());
        Assert.Contains("LockDiscipline: woven 19 of 19 lock sites", debug.DetailedLog, StringComparison.Ordinal);
        Assert.DoesNotContain("LockDiscipline: left unchecked", debug.DetailedLog, StringComparison.Ordinal);
        Assert.Contains("LockDiscipline.Validation.WovenLocks", ReferencedTypes(debug, "Debug"));

        ConsumerBuild release = Build("Release");
        Assert.True(release.Process.ExitCode == 0, "The Release build failed.\n" + release.Describe());
        Assert.DoesNotContain("LockDiscipline: woven", release.DetailedLog, StringComparison.Ordinal);
        Assert.DoesNotContain(ReferencedTypes(release, "Release"), t => t.StartsWith("LockDiscipline.Validation.", StringComparison.Ordinal));
    }

    /// <summary>The output with the project's folder (one per configuration) taken out of the stack trace.</summary>
    private static string[] Lines(ProgramRun run, string after, int count)
    {
        string[] lines = run.StandardOutput.Replace("\r\n", "\n").Split('\n');
        return lines.Skip(Array.FindIndex(lines, l => l.StartsWith(after, StringComparison.Ordinal)) + 1).Take(count).ToArray();
    }

    private string Normalized(ProgramRun run, string configuration) =>
        run.StandardOutput.Replace("\r\n", "\n").Replace(Build(configuration).ProjectDirectory, "<project>", StringComparison.Ordinal);

    private static SourceMarkers Markers() => SourceMarkers.Read(Directory.GetFiles(SourceDirectory, "*.cs"));

    private ConsumerBuild Build(string configuration) =>
        _package.BuildProjectCopy("WovenApp-" + configuration, SourceDirectory, configuration);

    private static string OutputAssembly(ConsumerBuild build, string configuration) =>
        Path.Combine(build.ProjectDirectory, "bin", configuration, "net10.0", "WovenApp.dll");

    private ProgramRun Run(string configuration)
    {
        ConsumerBuild build = Build(configuration);
        Assert.True(build.Process.ExitCode == 0, $"The {configuration} build failed.\n" + build.Describe());
        string assembly = OutputAssembly(build, configuration);
        return Runs.GetOrAdd(assembly, path => new Lazy<ProgramRun>(() => ProcessRunner.RunDotnetProgram(build.ProjectDirectory, path))).Value;
    }

    private static string[] ReferencedTypes(ConsumerBuild build, string configuration)
    {
        using var pe = new PEReader(File.OpenRead(OutputAssembly(build, configuration)));
        MetadataReader reader = pe.GetMetadataReader();
        return reader.TypeReferences
            .Select(reader.GetTypeReference)
            .Select(t => reader.GetString(t.Namespace) + "." + reader.GetString(t.Name))
            .ToArray();
    }
}
