namespace LockDiscipline.Cli;

internal enum Verb
{
    Analyze,
    Baseline,
    Graph,
}

/// <summary>The parsed command line; <see cref="TryParse"/> says what is wrong with a bad one.</summary>
internal sealed class CommandLine
{
    public Verb Verb { get; private set; } = Verb.Analyze;

    public bool Help { get; private set; }

    public string Path { get; private set; } = ".";

    public string? SarifPath { get; private set; }

    public string? OutputPath { get; private set; }

    public string? DotPath { get; private set; }

    public string? HtmlPath { get; private set; }

    /// <summary>Global MSBuild properties for loading the projects (-c sets Configuration).</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static bool TryParse(string[] args, out CommandLine command, out string error)
    {
        command = new CommandLine();
        error = string.Empty;
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value()
            {
                return i + 1 < args.Length ? args[++i] : null;
            }

            switch (arg)
            {
                case "-h" or "--help" or "help":
                    command.Help = true;
                    return true;
                case "analyze" when i == 0:
                    command.Verb = Verb.Analyze;
                    break;
                case "baseline" when i == 0:
                    command.Verb = Verb.Baseline;
                    break;
                case "graph" when i == 0:
                    command.Verb = Verb.Graph;
                    break;
                case "--sarif":
                    command.SarifPath = Value();
                    if (command.SarifPath is null)
                    {
                        error = "--sarif needs a file name";
                        return false;
                    }

                    break;
                case "--output" or "-o":
                    command.OutputPath = Value();
                    if (command.OutputPath is null)
                    {
                        error = arg + " needs a file name";
                        return false;
                    }

                    break;
                case "--dot":
                    command.DotPath = Value();
                    if (command.DotPath is null)
                    {
                        error = "--dot needs a file name";
                        return false;
                    }

                    break;
                case "--html":
                    command.HtmlPath = Value();
                    if (command.HtmlPath is null)
                    {
                        error = "--html needs a file name";
                        return false;
                    }

                    break;
                case "-c" or "--configuration":
                    if (Value() is not { } configuration)
                    {
                        error = arg + " needs a configuration name";
                        return false;
                    }

                    command.Properties["Configuration"] = configuration;
                    break;
                default:
                    if (arg.StartsWith("-p:", StringComparison.Ordinal) && arg.IndexOf('=') is > 3 and var equals)
                    {
                        command.Properties[arg.Substring(3, equals - 3)] = arg.Substring(equals + 1);
                    }
                    else if (arg.StartsWith('-'))
                    {
                        error = $"unknown option '{arg}'";
                        return false;
                    }
                    else
                    {
                        paths.Add(arg);
                    }

                    break;
            }
        }

        if (paths.Count > 1)
        {
            error = "one project or solution at a time, got: " + string.Join(", ", paths);
            return false;
        }

        if (command.Verb != Verb.Analyze && command.SarifPath is not null)
        {
            error = "--sarif goes with analyze";
            return false;
        }

        if (command.Verb != Verb.Graph && (command.DotPath ?? command.HtmlPath) is not null)
        {
            error = "--dot and --html go with graph";
            return false;
        }

        if (command.Verb != Verb.Baseline && command.OutputPath is not null)
        {
            error = "--output goes with baseline";
            return false;
        }

        command.Path = paths.Count == 1 ? paths[0] : ".";
        return true;
    }
}

/// <summary>A problem with what the user asked for (no such project, an unreadable solution): printed without a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
