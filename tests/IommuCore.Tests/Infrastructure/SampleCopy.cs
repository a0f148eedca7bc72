namespace IommuCore.Tests.Infrastructure;

/// <summary>
/// A copy of sample folders (their sources, projects and shared build files, not bin/ or obj/) side by
/// side in a temporary folder of their own, as they stand under samples/, so a test build neither reuses
/// nor disturbs any other output. The copies build against the repository's projects through
/// LockDisciplineRepo, and MSBuild's search for Directory.Build.* stops at the temporary folder (a
/// sample's own Directory.Build.props imports the one above it, which is the temporary folder's).
/// </summary>
public sealed class SampleCopy : IDisposable
{
    public SampleCopy(params string[] samples)
    {
        Directory = Path.Combine(Path.GetTempPath(), "IommuCore.Tests", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (string sample in samples)
        {
            string source = Repository.Sample(sample);
            foreach (string file in Repository.SourceFiles(source).Concat(Repository.ProjectFiles(source)))
            {
                string target = Path.Combine(Directory, sample, Path.GetRelativePath(source, file));
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        File.WriteAllText(Path.Combine(Directory, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <LockDisciplineRepo>{Repository.Root}{Path.DirectorySeparatorChar}</LockDisciplineRepo>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Directory, "Directory.Build.targets"), "<Project />\n");
    }

    /// <summary>The temporary folder holding one folder per sample.</summary>
    public string Directory { get; }

    /// <summary>The copy of samples/<paramref name="sample"/>.</summary>
    public string Sample(string sample) => Path.Combine(Directory, sample);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a compiler process may hold a file for a moment after exiting.
        }
    }
}
