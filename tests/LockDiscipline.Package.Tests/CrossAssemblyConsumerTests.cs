using System.Reflection;
using System.Runtime.Loader;
using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/CrossAssembly, built from the packed packages as real projects: a class library that added
/// LockDiscipline, and apps that added it too and reference the library with a ProjectReference. The
/// library holds its lock while it calls a listener, a callback parameter, and the callbacks its event bus
/// kept when they were subscribed; an app whose callback takes its lock while it also calls the library
/// holding that lock fails its build with LD0001 naming the library's sites (marked <c>// expect</c> in the app's sources), in Debug and in Release; the app with one
/// order builds clean, and so does the library alone, which carries its summary.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CrossAssemblyConsumerTests
{
    private const string Consumer = "CrossAssembly";
    private readonly PackageFixture _package;

    public CrossAssemblyConsumerTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Library_alone_builds_clean_and_carries_its_summary()
    {
        ConsumerBuild build = Build("Library", "Debug");

        Assert.True(build.Process.ExitCode == 0, "The library failed to build.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
        Assert.True(build.LockDisciplineDiagnostics.Count == 0, "The library alone has LD diagnostics.\n" + build.Describe());
        string? summary = SummaryOf(Path.Combine(build.ProjectDirectory, "Library", "bin", "Debug", "net10.0", "Library.dll"));
        Assert.False(string.IsNullOrEmpty(summary), "Library.dll carries no LockDiscipline summary.");
    }

    [Theory]
    [InlineData("InterfaceCycle", "Debug", "Registry.Publish at Registry.cs:23 -> Cache.OnChanged at Cache.cs:13", "Registry.Publish at Registry.cs:21")]
    [InlineData("DelegateCycle", "Release", "Registry.Run at Registry.cs:31 -> lambda in Worker.Update at Worker.cs:11", "Registry.Publish at Registry.cs:21")]
    [InlineData("StoredCallbackCycle", "Debug", "EventBus.Publish at EventBus.cs:23 -> Dashboard.Redraw at Dashboard.cs:13", "EventBus.Publish at EventBus.cs:19")]
    public void App_closing_a_cycle_through_the_library_fails_with_LD0001_naming_the_library_sites(string app, string configuration, string callback, string libraryAcquisition)
    {
        ConsumerBuild build = Build(app, configuration);

        Assert.True(build.Process.ExitCode != 0, $"{app} built successfully.\n" + build.Describe());
        ExpectedDiagnostic marker = Assert.Single(SourceMarkers.Read(Sources(app)).Expected);
        var actual = build.LockDisciplineDiagnostics.Select(d => $"{d.FileName}({d.Line}): {d.Severity} {d.Id}").ToArray();
        Assert.True(actual.SequenceEqual(new[] { $"{marker.FileName}({marker.Line}): error {marker.Id}" }), string.Join("\n", actual) + "\n" + build.Describe());

        string message = build.LockDisciplineDiagnostics[0].Message;
        foreach (string expected in marker.Texts.Append(callback).Append(libraryAcquisition))
        {
            Assert.True(message.Contains(expected, StringComparison.Ordinal), $"The message does not name '{expected}':\n  {message}");
        }
    }

    [Fact]
    public void App_using_the_library_in_one_order_builds_clean()
    {
        ConsumerBuild build = Build("Consistent", "Debug");

        Assert.True(build.Process.ExitCode == 0, "The consistent app failed to build.\n" + build.Describe());
        AnalyzerAssertions.AssertAnalyzerHealthy(build);
        Assert.True(build.LockDisciplineDiagnostics.Count == 0, "The consistent app has LD diagnostics.\n" + build.Describe());
    }

    private ConsumerBuild Build(string project, string configuration) =>
        _package.BuildProjectCopy($"{Consumer}-{project}-{configuration}", RepositoryLayout.ConsumerSources(Consumer), configuration, $"{project}/{project}.csproj");

    private static IEnumerable<string> Sources(string project) =>
        Directory.GetFiles(Path.Combine(RepositoryLayout.ConsumerSources(Consumer), project), "*.cs").Order(StringComparer.Ordinal);

    /// <summary>The encoded summary the built assembly's metadata carries, read as any tool reads an assembly attribute.</summary>
    private static string? SummaryOf(string assemblyPath)
    {
        var context = new AssemblyLoadContext("summary", isCollectible: true);
        try
        {
            return context.LoadFromAssemblyPath(assemblyPath).GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == typeof(AssemblyMetadataAttribute).FullName && (string?)a.ConstructorArguments[0].Value == "LockDiscipline.Summaries")
                .Select(a => (string?)a.ConstructorArguments[1].Value)
                .SingleOrDefault();
        }
        finally
        {
            context.Unload();
        }
    }
}
