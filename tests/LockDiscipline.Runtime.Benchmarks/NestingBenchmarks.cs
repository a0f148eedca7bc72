using BenchmarkDotNet.Attributes;
using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// Uncontended acquire and release of <see cref="Depth"/> nested locks, innermost released first: bare
/// <c>System.Threading.Lock</c> (the baseline), bare <see cref="Monitor"/>, <see cref="KMutex"/> without
/// checks (what a build without generated checks runs), and <see cref="KMutex"/> with the checks the
/// generator emits, on a chain the validator has already seen.
/// </summary>
public class NestingBenchmarks
{
    private Lock[] _locks = [];
    private object[] _monitors = [];
    private KMutex[] _mutexes = [];
    private int[] _classes = [];

    [Params(1, 4, 10)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _locks = Enumerable.Range(0, Depth).Select(_ => new Lock()).ToArray();
        _monitors = Enumerable.Range(0, Depth).Select(_ => new object()).ToArray();
        _mutexes = Enumerable.Range(0, Depth).Select(_ => new KMutex()).ToArray();
    }

    [GlobalSetup(Target = nameof(KMutexChecksOn))]
    public void SetupChecks()
    {
        Setup();
        Lockdep.CaptureStackTraces = false;
        _classes = Enumerable.Range(0, Depth).Select(i => LockdepHooks.RegisterClass("bench:Bench._mutex" + i, "Bench._mutex" + i, LockClassKind.Mutex)).ToArray();

        // The first pass meets a new chain and validates it; the measured passes hit the chain cache.
        KMutexChecksOn();
        if (Lockdep.Statistics.Reports != 0 || !Lockdep.IsValidating)
        {
            throw new InvalidOperationException("The validator reported on a consistent order.");
        }
    }

    [Benchmark(Baseline = true)]
    public void BareLock()
    {
        Lock[] locks = _locks;
        for (int i = 0; i < locks.Length; i++)
        {
            locks[i].Enter();
        }

        for (int i = locks.Length - 1; i >= 0; i--)
        {
            locks[i].Exit();
        }
    }

    [Benchmark]
    public void BareMonitor()
    {
        object[] monitors = _monitors;
        for (int i = 0; i < monitors.Length; i++)
        {
            Monitor.Enter(monitors[i]);
        }

        for (int i = monitors.Length - 1; i >= 0; i--)
        {
            Monitor.Exit(monitors[i]);
        }
    }

    [Benchmark]
    public void KMutexChecksOff()
    {
        KMutex[] mutexes = _mutexes;
        for (int i = 0; i < mutexes.Length; i++)
        {
            mutexes[i].Lock();
        }

        for (int i = mutexes.Length - 1; i >= 0; i--)
        {
            mutexes[i].Unlock();
        }
    }

    /// <summary>What generated code does: the hook, then the real operation; on release the real unlock only if the hook allows it.</summary>
    [Benchmark]
    public void KMutexChecksOn()
    {
        KMutex[] mutexes = _mutexes;
        int[] classes = _classes;
        for (int i = 0; i < mutexes.Length; i++)
        {
            LockdepHooks.Acquire(classes[i], mutexes[i], AcquireFlags.None, 0, new LockSite("Bench.cs", 10, "Nest"));
            mutexes[i].Lock();
        }

        for (int i = mutexes.Length - 1; i >= 0; i--)
        {
            if (LockdepHooks.Release(classes[i], mutexes[i], new LockSite("Bench.cs", 20, "Nest")))
            {
                mutexes[i].Unlock();
            }
        }
    }
}
