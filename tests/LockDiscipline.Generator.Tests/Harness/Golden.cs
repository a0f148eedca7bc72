using System.Runtime.CompilerServices;

namespace LockDiscipline.Generator.Tests.Harness;

/// <summary>
/// Compares generated text with a golden file in the source tree's Golden folder. Set the environment
/// variable <c>LOCKDISCIPLINE_UPDATE_GOLDEN=1</c> to (re)write the golden files from the current output
/// instead; review the diff before committing it.
/// </summary>
public static class Golden
{
    public const string UpdateVariable = "LOCKDISCIPLINE_UPDATE_GOLDEN";

    public static void Verify(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden");
        var path = Path.Combine(directory, name + ".g.cs.txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No golden file {path}. Run the tests with {UpdateVariable}=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = 0;
            while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail($"Generated code differs from {path} at line {line + 1}:\n"
                + $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}\n"
                + $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end of file>")}\n"
                + $"Run the tests with {UpdateVariable}=1 to accept the new output.");
        }
    }
}
