using BenchmarkDotNet.Running;

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>Runs every benchmark in one run, so the ratios compare numbers measured together (or those <c>--filter</c> selects).</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var switcher = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly);

        // RunAll ignores --filter; Run honours it but asks interactively when given nothing to select.
        if (Array.Exists(args, a => a.StartsWith("--filter", StringComparison.Ordinal)))
        {
            switcher.Run(args, new BenchmarkConfig());
        }
        else
        {
            switcher.RunAll(new BenchmarkConfig(), args);
        }
    }
}
