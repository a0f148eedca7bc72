using System.Runtime.CompilerServices;

namespace LockDiscipline.Generator.Tests.Harness;

/// <summary>Test inputs kept as files in Sources/ (as .txt, so the test project does not compile them).</summary>
public static class Samples
{
    public static string Read(string name, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.GetDirectoryName(callerPath)!;
        while (!Directory.Exists(Path.Combine(directory, "Sources")))
        {
            directory = Path.GetDirectoryName(directory)!;
        }

        return File.ReadAllText(Path.Combine(directory, "Sources", name));
    }
}
