using BenchmarkDotNet.Attributes;
using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// Scaling with threads: <see cref="Threads"/> threads share <see cref="TotalOperations"/> acquisitions
/// of a two-lock chain, each thread on its own locks and classes (independent chains), so any slowdown
/// with more threads comes from shared state in the validator. Time is per chain acquisition. The
/// validated case runs what the generated checked calls of <c>Lock()</c> and <c>Unlock()</c> run: the
/// class and site read from the thread's site table by the site's index, the hook, then the real operation.
/// </summary>
public class ThroughputBenchmarks
{
    private const int TotalOperations = 800_000;

    private Lock[][] _locks = [];
    private KMutex[][] _mutexes = [];
    private LockSiteTable[] _sites = [];

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

        // Per thread, as the generator writes a table: the outer and inner Lock() sites, then the inner and outer Unlock() sites.
        _sites = Enumerable.Range(0, Threads)
            .Select(t => new LockSiteTable(
                "LockDiscipline.KMutex.Lock\t0\tWorker.cs\t10\t9\tWorker.Run\tLock_0\n" +
                "LockDiscipline.KMutex.Lock\t1\tWorker.cs\t11\t9\tWorker.Run\tLock_0\n" +
                "LockDiscipline.KMutex.Unlock\t1\tWorker.cs\t12\t9\tWorker.Run\tUnlock_1\n" +
                "LockDiscipline.KMutex.Unlock\t0\tWorker.cs\t13\t9\tWorker.Run\tUnlock_1",
                new[]
                {
                    LockdepHooks.RegisterClass("bench:Worker" + t + "._outer", "Worker" + t + "._outer", LockClassKind.Mutex),
                    LockdepHooks.RegisterClass("bench:Worker" + t + "._inner", "Worker" + t + "._inner", LockClassKind.Mutex),
                }))
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
        LockSiteTable sites = _sites[t];
        for (int i = TotalOperations / Threads; i > 0; i--)
        {
            CheckedLock(outer, sites, 0);
            CheckedLock(inner, sites, 1);
            CheckedUnlock(inner, sites, 2);
            CheckedUnlock(outer, sites, 3);
        }
    });

    // The generated checked calls of KMutex.Lock() and KMutex.Unlock(), as the generator writes them
    // (tests/LockDiscipline.Generator.Tests/Golden/KernelPrimitives.g.cs.txt, Lock_0 and Unlock_2).
    [System.Diagnostics.StackTraceHidden]
    private static void CheckedLock(KMutex self, LockSiteTable siteTable, int siteIndex)
    {
        LockdepHooks.Acquire(siteTable.ClassId(siteIndex), self, AcquireFlags.None, 0, in siteTable.Site(siteIndex));
        try
        {
            self.Lock();
        }
        catch
        {
            LockdepHooks.AcquireFailed(siteTable.ClassId(siteIndex), self);
            throw;
        }
    }

    [System.Diagnostics.StackTraceHidden]
    private static void CheckedUnlock(KMutex self, LockSiteTable siteTable, int siteIndex)
    {
        if (LockdepHooks.Release(siteTable.ClassId(siteIndex), self, in siteTable.Site(siteIndex)) || self.IsHeldByCurrentThread)
        {
            self.Unlock();
        }
    }

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
