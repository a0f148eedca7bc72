using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/Kernel: kernel-style code with one mistake per file for each kernel-semantics rule that
/// needs no more than the package (LD0004, LD0005, LD0006, LD0008, LD0009, LD0010, LD0013), marked
/// with the same <c>// expect LDnnnn '...'</c> markers as Consumers/Broken; each quoted text
/// must appear in the message (lock classes, call chains, attribute names). Consumers/KernelClean is
/// the same code fixed, and must build with no LD diagnostic.
/// </summary>
/// <remarks>
/// The build goes through the compiler exactly as a user's does, so this proves what the analyzer
/// tests cannot: the compilation-end rules (LD0004, LD0005, LD0013 and the cross-method part of LD0006)
/// are reported by `dotnet build`, with their default severities (LD0008 is a warning, the others
/// errors) and their help links.
/// </remarks>
[Collection(PackageCollection.Name)]
public sealed class KernelConsumerTests
{
    private const string Broken = "Kernel";
    private const string Fixed = "KernelClean";

    private static readonly string[] KernelRules = { "LD0004", "LD0005", "LD0006", "LD0008", "LD0009", "LD0010", "LD0013" };

    /// <summary>lockdep's words, which the messages of the rules that have them start with.</summary>
    private static readonly Dictionary<string, string> LockdepWords = new()
    {
        ["LD0004"] = "inconsistent lock state: inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage",
        ["LD0005"] = "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected",
        ["LD0006"] = "sleeping function called from invalid context",
    };

    private readonly PackageFixture _package;

    public KernelConsumerTests(PackageFixture package)
    {
        _package = package;
    }

    public static TheoryData<string> Markers()
    {
        var data = new TheoryData<string>();
        foreach (ExpectedDiagnostic marker in ReadMarkers())
        {
            data.Add(marker.Key);
        }

        return data;
    }

    [Fact]
    public void Markers_cover_every_kernel_rule()
    {
        Assert.Equal(KernelRules, ReadMarkers().Select(m => m.Id).Distinct().Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Build_fails_with_exactly_the_marked_LD_diagnostics_at_their_default_severities()
    {
        ConsumerBuild build = BuildBroken();
        var expected = ReadMarkers().Select(m => $"{m.FileName}({m.Line}): {DefaultSeverity(m.Id)} {m.Id}").Order(StringComparer.Ordinal).ToArray();
        var actual = build.LockDisciplineDiagnostics.Select(d => $"{d.FileName}({d.Line}): {d.Severity} {d.Id}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(actual),
            $"Expected exactly:\n  {string.Join("\n  ", expected)}\nActual:\n  {string.Join("\n  ", actual)}\n{build.Describe()}");
        Assert.True(build.Process.ExitCode != 0, "The kernel consumer built successfully.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
    }

    [Theory]
    [MemberData(nameof(Markers))]
    public void Diagnostic_is_reported_at_its_marker_and_says_what_it_names(string markerKey)
    {
        ExpectedDiagnostic marker = ReadMarkers().Single(m => m.Key == markerKey);
        ConsumerBuild build = BuildBroken();

        BuildDiagnostic diagnostic = Assert.Single(
            build.LockDisciplineDiagnostics,
            d => d.Id == marker.Id && d.FileName == marker.FileName && d.Line == marker.Line);
        Assert.Equal(DefaultSeverity(marker.Id), diagnostic.Severity);
        if (LockdepWords.TryGetValue(marker.Id, out string? words))
        {
            Assert.StartsWith(words, diagnostic.Message, StringComparison.Ordinal);
        }

        foreach (string text in marker.Texts)
        {
            Assert.True(diagnostic.Message.Contains(text, StringComparison.Ordinal), $"The message does not contain '{text}':\n  {diagnostic}");
        }

        string helpLink = $"https://github.com/LockDiscipline/LockDiscipline/blob/v{_package.PackageVersion}/docs/rules/{marker.Id}.md";
        Assert.True(diagnostic.HelpLink == helpLink, $"Help link {diagnostic.HelpLink}, expected {helpLink}, the page of the installed version.");
        Assert.True(File.Exists(Path.Combine(RepositoryLayout.Root, "docs", "rules", marker.Id + ".md")),
            $"docs/rules/{marker.Id}.md, the page the help link points at, does not exist.");
    }

    [Fact]
    public void Fixed_twin_builds_with_no_LD_diagnostic()
    {
        ConsumerBuild build = _package.BuildConsumer(Fixed, RepositoryLayout.ConsumerSourceFiles(Fixed));

        Assert.True(build.LockDisciplineDiagnostics.Count == 0, "Unexpected LD diagnostics.\n" + build.Describe());
        Assert.True(build.Process.ExitCode == 0, "The fixed kernel consumer failed to build.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
        Assert.Equal(
            RepositoryLayout.ConsumerSourceFiles(Broken).Select(Path.GetFileName),
            RepositoryLayout.ConsumerSourceFiles(Fixed).Select(Path.GetFileName));
    }

    private static string DefaultSeverity(string id) => id is "LD0007" or "LD0008" ? "warning" : "error";

    private static IReadOnlyList<ExpectedDiagnostic> ReadMarkers() =>
        SourceMarkers.Read(RepositoryLayout.ConsumerSourceFiles(Broken)).Expected;

    private ConsumerBuild BuildBroken() => _package.BuildConsumer(Broken, RepositoryLayout.ConsumerSourceFiles(Broken));
}
