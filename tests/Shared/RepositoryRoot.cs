namespace LockDiscipline.TestKit;

/// <summary>Where the repository is, for tests that build its samples and projects.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding LockDiscipline.sln, found by walking up from the test assembly.</summary>
    public static string Directory { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LockDiscipline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LockDiscipline.sln above {AppContext.BaseDirectory}.");
    }
}
