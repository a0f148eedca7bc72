using BenchmarkDotNet.Running;

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>Runs every benchmark in one run, so the ratios compare numbers measured together.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).RunAll(new BenchmarkConfig(), args);
    }
}
