using System.Diagnostics;
using System.Text;

namespace LockDiscipline.TestKit;

/// <summary>The outcome of one child process: exit code and everything it printed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>The command and its output, for assertion messages.</summary>
    public string Describe(int maxChars = 12_000)
    {
        string output = Output.Length <= maxChars ? Output : "...\n" + Output[^maxChars..];
        return $"$ {CommandLine}\n(exit code {ExitCode})\n{output}";
    }
}

/// <summary>
/// The outcome of running a built program: exit code, and what it wrote to standard output and to
/// standard error, each stream in its own order.
/// </summary>
public sealed record ProgramRun(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The command and both streams, for assertion messages.</summary>
    public string Describe() =>
        $"$ {CommandLine}\n(exit code {ExitCode})\n--- standard output ---\n{StandardOutput}--- standard error ---\n{StandardError}";
}

/// <summary>Runs the dotnet CLI as a user would, isolated from the test host's MSBuild environment.</summary>
public static class ProcessRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The dotnet host running these tests (the SDK that built them), or `dotnet` from PATH.
    /// </summary>
    public static string DotnetHost
    {
        get
        {
            string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
            {
                return hostPath;
            }

            string? processPath = Environment.ProcessPath;
            if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            {
                return processPath;
            }

            return "dotnet";
        }
    }

    public static ProcessResult RunDotnet(string workingDirectory, params string[] arguments)
    {
        var output = new StringBuilder();
        (string commandLine, int exitCode) = Run(workingDirectory, arguments, output, output);
        lock (output)
        {
            return new ProcessResult(commandLine, exitCode, output.ToString());
        }
    }

    /// <summary>Runs a program through the dotnet host (<c>dotnet app.dll</c>), keeping its standard output and error apart.</summary>
    public static ProgramRun RunDotnetProgram(string workingDirectory, params string[] arguments)
    {
        var standardOutput = new StringBuilder();
        var standardError = new StringBuilder();
        (string commandLine, int exitCode) = Run(workingDirectory, arguments, standardOutput, standardError);
        lock (standardOutput)
        {
            lock (standardError)
            {
                return new ProgramRun(commandLine, exitCode, standardOutput.ToString(), standardError.ToString());
            }
        }
    }

    /// <summary>Runs the dotnet host; each stream's lines are appended to its builder (locked, so both may be the same).</summary>
    private static (string CommandLine, int ExitCode) Run(string workingDirectory, string[] arguments, StringBuilder standardOutput, StringBuilder standardError)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host inherits MSBuild's variables from `dotnet test` (SDK paths, node settings);
        // a child build must start clean, like a user's shell. No node reuse: nothing may outlive
        // the test run or keep files open.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        string commandLine = "dotnet " + string.Join(" ", arguments.Select(a => a.Contains(' ') ? "\"" + a + "\"" : a));
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (standardOutput) { standardOutput.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (standardError) { standardError.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{commandLine}` did not finish within {Timeout}.\n{standardOutput}{(ReferenceEquals(standardOutput, standardError) ? "" : standardError.ToString())}");
        }

        process.WaitForExit(); // drains the asynchronous output readers
        return (commandLine, process.ExitCode);
    }
}
