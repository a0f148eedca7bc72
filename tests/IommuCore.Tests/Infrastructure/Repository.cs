using System.Reflection;

namespace IommuCore.Tests.Infrastructure;

/// <summary>Where the repository is, and how this test assembly was built.</summary>
public static class Repository
{
    /// <summary>The folder holding LockDiscipline.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this assembly (and so the analyzer it references) was built in.</summary>
    public static string Configuration { get; } = Metadata("Configuration") ?? "Debug";

    public static string IommuCoreSources => Path.Combine(Root, "IommuCore");

    public static string RegressionsSample => Path.Combine(Root, "samples", "Regressions");

    /// <summary>The .cs files under <paramref name="folder"/>, without build output, in ordinal order.</summary>
    public static IReadOnlyList<string> SourceFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();

    private static string? Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LockDiscipline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LockDiscipline.sln not found above " + AppContext.BaseDirectory);
    }
}
