using System.Reflection;
using LockDiscipline.TestKit;

namespace IommuCore.Tests.Infrastructure;

/// <summary>Where the repository is, and how this test assembly was built.</summary>
public static class Repository
{
    /// <summary>The folder holding LockDiscipline.sln.</summary>
    public static string Root => RepositoryRoot.Directory;

    /// <summary>The configuration this assembly (and so the analyzer it references) was built in.</summary>
    public static string Configuration { get; } = Metadata("Configuration") ?? "Debug";

    public static string IommuCoreSources => Path.Combine(Root, "IommuCore");

    /// <summary>A sample project folder: samples/<paramref name="name"/>.</summary>
    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    /// <summary>The .cs files under <paramref name="folder"/>, without build output, in ordinal order.</summary>
    public static IReadOnlyList<string> SourceFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The project files and shared build files (.csproj, .props, .targets) under <paramref name="folder"/>, without build output.</summary>
    public static IReadOnlyList<string> ProjectFiles(string folder) =>
        new[] { "*.csproj", "*.props", "*.targets" }
            .SelectMany(pattern => Directory.GetFiles(folder, pattern, SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();

    private static string? Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
