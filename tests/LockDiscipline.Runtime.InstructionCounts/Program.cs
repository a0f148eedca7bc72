namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// <c>InstructionCounts Method Depth Count</c>: sets up one case of <see cref="NestingBenchmarks"/> (explicit
/// calls through their checked calls) or <see cref="WovenLockBenchmarks"/> (<c>lock</c> statements as the
/// weaver rewrites them) as BenchmarkDotNet would, runs it a few times to settle, then <c>Count</c> times.
/// Under an instruction counter, the run with a count minus the run with none, divided by the count, is the
/// cost of one call; unlike a time, it does not depend on what else the machine is doing.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 3 || !int.TryParse(args[1], out int depth) || !int.TryParse(args[2], out int count))
        {
            Console.Error.WriteLine("usage: InstructionCounts <NestingBenchmarks or WovenLockBenchmarks method> <depth> <count>");
            return 2;
        }

        var nesting = new NestingBenchmarks { Depth = depth };
        var woven = new WovenLockBenchmarks { Depth = depth };
        Action? body = args[0] switch
        {
            nameof(NestingBenchmarks.BareLock) => nesting.BareLock,
            nameof(NestingBenchmarks.BareMonitor) => nesting.BareMonitor,
            nameof(NestingBenchmarks.KMutexChecksOff) => nesting.KMutexChecksOff,
            nameof(NestingBenchmarks.KMutexChecksOn) => nesting.KMutexChecksOn,
            nameof(NestingBenchmarks.MonitorChecksOn) => nesting.MonitorChecksOn,
            nameof(NestingBenchmarks.LockChecksOn) => nesting.LockChecksOn,
            nameof(WovenLockBenchmarks.BareLockStatement) => woven.BareLockStatement,
            nameof(WovenLockBenchmarks.WovenLockStatement) => woven.WovenLockStatement,
            nameof(WovenLockBenchmarks.BareLockStatementOnLock) => woven.BareLockStatementOnLock,
            nameof(WovenLockBenchmarks.WovenLockStatementOnLock) => woven.WovenLockStatementOnLock,
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
                nesting.SetupKMutexChecks();
                break;
            case nameof(NestingBenchmarks.MonitorChecksOn):
                nesting.SetupMonitorChecks();
                break;
            case nameof(NestingBenchmarks.LockChecksOn):
                nesting.SetupLockChecks();
                break;
            case nameof(WovenLockBenchmarks.BareLockStatement) or nameof(WovenLockBenchmarks.WovenLockStatement)
                or nameof(WovenLockBenchmarks.BareLockStatementOnLock) or nameof(WovenLockBenchmarks.WovenLockStatementOnLock):
                woven.Setup();
                break;
            default:
                nesting.Setup();
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
