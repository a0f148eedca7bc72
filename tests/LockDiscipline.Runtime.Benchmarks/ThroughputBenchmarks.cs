using BenchmarkDotNet.Attributes;
using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// Scaling with threads: <see cref="Threads"/> threads share <see cref="TotalOperations"/> acquisitions
/// of a two-lock chain, each thread on its own locks and classes (independent chains), so any slowdown
/// with more threads comes from shared state in the validator. Time is per chain acquisition.
/// </summary>
public class ThroughputBenchmarks
{
    private const int TotalOperations = 800_000;

    private Lock[][] _locks = [];
    private KMutex[][] _mutexes = [];
    private int[][] _classes = [];

    [Params(1, 2, 4, 8)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _locks = Enumerable.Range(0, Threads).Select(_ => new[] { new Lock(), new Lock() }).ToArray();
        _mutexes = Enumerable.Range(0, Threads).Select(_ => new[] { new KMutex(), new KMutex() }).ToArray();
    }

    [GlobalSetup(Target = nameof(KMutexChecksOn))]
    public void SetupChecks()
    {
        Setup();
        Lockdep.CaptureStackTraces = false;
        _classes = Enumerable.Range(0, Threads)
            .Select(t => new[]
            {
                LockdepHooks.RegisterClass("bench:Worker" + t + "._outer", "Worker" + t + "._outer", LockClassKind.Mutex),
                LockdepHooks.RegisterClass("bench:Worker" + t + "._inner", "Worker" + t + "._inner", LockClassKind.Mutex),
            })
            .ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalOperations)]
    public void BareLock() => RunThreads(t =>
    {
        Lock outer = _locks[t][0];
        Lock inner = _locks[t][1];
        for (int i = TotalOperations / Threads; i > 0; i--)
        {
            outer.Enter();
            inner.Enter();
            inner.Exit();
            outer.Exit();
        }
    });

    [Benchmark(OperationsPerInvoke = TotalOperations)]
    public void KMutexChecksOn() => RunThreads(t =>
    {
        KMutex outer = _mutexes[t][0];
        KMutex inner = _mutexes[t][1];
        int outerClass = _classes[t][0];
        int innerClass = _classes[t][1];
        for (int i = TotalOperations / Threads; i > 0; i--)
        {
            LockdepHooks.Acquire(outerClass, outer, AcquireFlags.None, 0, new LockSite("Worker.cs", 10, "Run"));
            outer.Lock();
            LockdepHooks.Acquire(innerClass, inner, AcquireFlags.None, 0, new LockSite("Worker.cs", 11, "Run"));
            inner.Lock();
            if (LockdepHooks.Release(innerClass, inner, new LockSite("Worker.cs", 12, "Run")))
            {
                inner.Unlock();
            }

            if (LockdepHooks.Release(outerClass, outer, new LockSite("Worker.cs", 13, "Run")))
            {
                outer.Unlock();
            }
        }
    });

    private void RunThreads(Action<int> body)
    {
        var threads = new Thread[Threads];
        for (int t = 0; t < threads.Length; t++)
        {
            int index = t;
            threads[t] = new Thread(() => body(index));
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
