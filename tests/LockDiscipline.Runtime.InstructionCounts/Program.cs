namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// <c>InstructionCounts Method Depth Count</c>: sets up one case of <see cref="NestingBenchmarks"/> as
/// BenchmarkDotNet would, runs it a few times to settle, then <c>Count</c> times. Under an instruction
/// counter, the run with a count minus the run with none, divided by the count, is the cost of one call;
/// unlike a time, it does not depend on what else the machine is doing.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 3 || !int.TryParse(args[1], out int depth) || !int.TryParse(args[2], out int count))
        {
            Console.Error.WriteLine("usage: InstructionCounts <NestingBenchmarks method> <depth> <count>");
            return 2;
        }

        var benchmarks = new NestingBenchmarks { Depth = depth };
        Action? body = args[0] switch
        {
            nameof(NestingBenchmarks.BareLock) => benchmarks.BareLock,
            nameof(NestingBenchmarks.BareMonitor) => benchmarks.BareMonitor,
            nameof(NestingBenchmarks.KMutexChecksOff) => benchmarks.KMutexChecksOff,
            nameof(NestingBenchmarks.KMutexChecksOn) => benchmarks.KMutexChecksOn,
            nameof(NestingBenchmarks.MonitorChecksOn) => benchmarks.MonitorChecksOn,
            nameof(NestingBenchmarks.LockChecksOn) => benchmarks.LockChecksOn,
            "Empty" => Empty,
            _ => null,
        };

        if (body is null)
        {
            Console.Error.WriteLine("no case named " + args[0]);
            return 2;
        }

        switch (args[0])
        {
            case nameof(NestingBenchmarks.KMutexChecksOn):
                benchmarks.SetupKMutexChecks();
                break;
            case nameof(NestingBenchmarks.MonitorChecksOn):
                benchmarks.SetupMonitorChecks();
                break;
            case nameof(NestingBenchmarks.LockChecksOn):
                benchmarks.SetupLockChecks();
                break;
            default:
                benchmarks.Setup();
                break;
        }

        for (int i = 0; i < 1000; i++)
        {
            body();
        }

        for (int i = 0; i < count; i++)
        {
            body();
        }

        return 0;
    }

    /// <summary>The harness alone (a delegate call), which <c>count.sh</c> subtracts as BenchmarkDotNet subtracts its overhead.</summary>
    private static void Empty()
    {
    }
}
