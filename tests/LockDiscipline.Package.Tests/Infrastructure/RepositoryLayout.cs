using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests.Infrastructure;

/// <summary>Where things are: the repository, and the consumer sources copied next to this assembly.</summary>
public static class RepositoryLayout
{
    /// <summary>The folder holding LockDiscipline.sln.</summary>
    public static string Root => RepositoryRoot.Directory;

    public static string PackageProject => Path.Combine(Root, "nuget", "LockDiscipline.Package.csproj");

    /// <summary>The folder of one consumer's sources (Consumers/NAME, copied to the output folder).</summary>
    public static string ConsumerSources(string consumer) => Path.Combine(AppContext.BaseDirectory, "Consumers", consumer);

    /// <summary>The .cs files of one consumer, in ordinal order.</summary>
    public static IReadOnlyList<string> ConsumerSourceFiles(string consumer) =>
        Directory.GetFiles(ConsumerSources(consumer), "*.cs", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();
}
