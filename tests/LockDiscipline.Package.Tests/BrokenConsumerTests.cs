using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/Broken: each file holds one lock-order cycle (plain lock, interface calls across two
/// files, an event handler, a stored delegate, three locks). The line where each diagnostic must be
/// reported carries an <c>// expect LDnnnn 'class' ...</c> marker (<see cref="SourceMarkers"/>), read by these tests.
/// </summary>
/// <remarks>
/// Where LD0001 is reported: at the inner acquisition (the lock expression in <c>lock (...)</c>)
/// of the dependency edge whose inner acquisition comes last, in (file path ordinal, position)
/// order, among the edges of the cycle; the other sites are additional locations.
/// </remarks>
[Collection(PackageCollection.Name)]
public sealed class BrokenConsumerTests
{
    private const string Consumer = "Broken";
    private readonly PackageFixture _package;

    public BrokenConsumerTests(PackageFixture package)
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
    public void Build_fails_with_exactly_the_marked_LD_diagnostics()
    {
        ConsumerBuild build = Build();
        IReadOnlyList<ExpectedDiagnostic> markers = ReadMarkers();
        Assert.NotEmpty(markers);

        var expected = markers.Select(m => $"{m.FileName}({m.Line}): error {m.Id}").Order(StringComparer.Ordinal).ToArray();
        var actual = build.LockDisciplineDiagnostics.Select(d => $"{d.FileName}({d.Line}): {d.Severity} {d.Id}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(actual),
            $"Expected exactly:\n  {string.Join("\n  ", expected)}\nActual:\n  {string.Join("\n  ", actual)}\n{Hint(build)}");
        Assert.True(build.Process.ExitCode != 0, "The broken consumer built successfully.\n" + build.Describe());
    }

    [Theory]
    [MemberData(nameof(Markers))]
    public void Cycle_is_reported_at_its_marker_naming_its_lock_classes(string markerKey)
    {
        ExpectedDiagnostic marker = ReadMarkers().Single(m => m.Key == markerKey);
        ConsumerBuild build = Build();

        BuildDiagnostic[] here = build.LockDisciplineDiagnostics
            .Where(d => d.Id == marker.Id && d.FileName == marker.FileName && d.Line == marker.Line)
            .ToArray();
        Assert.True(here.Length == 1, $"Expected one {marker.Id} at {marker}, found {here.Length}.\n{Hint(build)}");

        BuildDiagnostic diagnostic = here[0];
        Assert.Equal("error", diagnostic.Severity);
        if (marker.LockExpressionColumn is int column)
        {
            Assert.True(diagnostic.Column == column,
                $"{marker.Id} at {marker.FileName}({marker.Line}) is reported at column {diagnostic.Column}; expected {column}, the lock expression of the acquisition.\n  {diagnostic}");
        }

        if (marker.Id == "LD0001")
        {
            Assert.StartsWith("possible circular locking dependency detected", diagnostic.Message, StringComparison.Ordinal);
        }

        string helpLink = $"https://github.com/LockDiscipline/LockDiscipline/blob/v{_package.PackageVersion}/docs/rules/{marker.Id}.md";
        Assert.True(diagnostic.HelpLink == helpLink, $"Help link {diagnostic.HelpLink}, expected {helpLink}, the page of the installed version.");
        Assert.True(File.Exists(Path.Combine(RepositoryLayout.Root, "docs", "rules", marker.Id + ".md")),
            $"docs/rules/{marker.Id}.md, the page the help link points at, does not exist.");

        foreach (string lockClass in marker.Texts)
        {
            Assert.True(diagnostic.Message.Contains(lockClass, StringComparison.Ordinal),
                $"The message does not name '{lockClass}':\n  {diagnostic}");
        }
    }

    private static IReadOnlyList<ExpectedDiagnostic> ReadMarkers() =>
        SourceMarkers.Read(RepositoryLayout.ConsumerSourceFiles(Consumer)).Expected;

    private ConsumerBuild Build() => _package.BuildConsumer(Consumer, RepositoryLayout.ConsumerSourceFiles(Consumer));

    private static string Hint(ConsumerBuild build) =>
        (AnalyzerAssertions.AnalyzerRan(build)
            ? "(The LockDiscipline analyzer was loaded and ran.)\n"
            : "(The compiler's analyzer report does not list LockDisciplineAnalyzer.)\n") + build.Describe();
}
