using System.Diagnostics;
using System.Text;

namespace LockDiscipline.Package.Tests.Infrastructure;

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
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{commandLine}` did not finish within {Timeout}.\n{output}");
        }

        process.WaitForExit(); // drains the asynchronous output readers
        lock (output)
        {
            return new ProcessResult(commandLine, process.ExitCode, output.ToString());
        }
    }
}
