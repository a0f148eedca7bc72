using BenchmarkDotNet.Attributes;
using LockDiscipline.Validation;

// A System.Threading.Lock passed to the hooks as object, as generated checks pass it: the validator tells
// locks apart by identity and never locks them.
#pragma warning disable CS9216

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// Uncontended acquire and release of <see cref="Depth"/> nested locks, innermost released first, on a
/// chain the validator has already seen. Each validated case runs what the generated checked calls the
/// weaver redirects lock calls to run (the class and site read from the site table by the site's index,
/// the hook, then the real operation; on release the real one only if the hook allows it) and is compared with the
/// bare operation it wraps: <see cref="KMutex"/> and <c>System.Threading.Lock</c> with bare <c>Lock</c>
/// (category <c>Lock</c>), <see cref="Monitor"/>, which a <c>lock</c> statement on an object calls, with
/// bare <see cref="Monitor"/> (category <c>Monitor</c>). <see cref="KMutexChecksOff"/> is what a build
/// without generated checks runs.
/// </summary>
public class NestingBenchmarks
{
    private Lock[] _locks = [];
    private object[] _monitors = [];
    private KMutex[] _mutexes = [];
    private LockSiteTable _sites = new(string.Empty, []);

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
    public void SetupKMutexChecks() => SetupChecks(LockClassKind.Mutex, KMutexChecksOn);

    [GlobalSetup(Target = nameof(MonitorChecksOn))]
    public void SetupMonitorChecks() => SetupChecks(LockClassKind.Monitor, MonitorChecksOn);

    [GlobalSetup(Target = nameof(LockChecksOn))]
    public void SetupLockChecks() => SetupChecks(LockClassKind.ThreadingLock, LockChecksOn);

    /// <summary>Registers one class per lock and takes the chain once: the measured passes are chain-cache hits.</summary>
    public void SetupChecks(LockClassKind kind, Action firstPass)
    {
        Setup();
        Lockdep.CaptureStackTraces = false;
        // One acquisition site and one release site per depth (rows i and Depth + i), as the generator writes the table.
        int[] classes = Enumerable.Range(0, Depth).Select(i => LockdepHooks.RegisterClass("bench:Bench._" + kind + i, "Bench._" + kind + i, kind)).ToArray();
        string rows = string.Join("\n", Enumerable.Range(0, 2 * Depth).Select(row => "Bench.Api\t" + (row % Depth) + "\tBench.cs\t" + (10 + row) + "\t9\tBench.Nest\tApi_0"));
        _sites = new LockSiteTable(rows, classes);
        firstPass();
        if (Lockdep.Statistics.Reports != 0 || !Lockdep.IsValidating)
        {
            throw new InvalidOperationException("The validator reported on a consistent order.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Lock")]
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

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Monitor")]
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
    [BenchmarkCategory("Lock")]
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

    /// <summary>What the generated checks of <c>Lock()</c> and <c>Unlock()</c> run.</summary>
    [Benchmark]
    [BenchmarkCategory("Lock")]
    public void KMutexChecksOn()
    {
        KMutex[] mutexes = _mutexes;
        LockSiteTable sites = _sites;
        int depth = sites.Count / 2;
        for (int i = 0; i < mutexes.Length; i++)
        {
            LockdepHooks.Acquire(sites.ClassId(i), mutexes[i], AcquireFlags.None, 0, in sites.Site(i));
            mutexes[i].Lock();
        }

        for (int i = mutexes.Length - 1; i >= 0; i--)
        {
            if (LockdepHooks.Release(sites.ClassId(depth + i), mutexes[i], in sites.Site(depth + i)))
            {
                mutexes[i].Unlock();
            }
        }
    }

    /// <summary>What the generated checks of <c>Monitor.Enter(object)</c> and <c>Monitor.Exit(object)</c> run, the calls of a <c>lock</c> statement on an object.</summary>
    [Benchmark]
    [BenchmarkCategory("Monitor")]
    public void MonitorChecksOn()
    {
        object[] monitors = _monitors;
        LockSiteTable sites = _sites;
        int depth = sites.Count / 2;
        for (int i = 0; i < monitors.Length; i++)
        {
            LockdepHooks.Acquire(sites.ClassId(i), monitors[i], AcquireFlags.None, 0, in sites.Site(i));
            try
            {
                Monitor.Enter(monitors[i]);
            }
            catch
            {
                LockdepHooks.AcquireFailed(sites.ClassId(i), monitors[i]);
                throw;
            }
        }

        for (int i = monitors.Length - 1; i >= 0; i--)
        {
            if (LockdepHooks.Release(sites.ClassId(depth + i), monitors[i], in sites.Site(depth + i)) || Monitor.IsEntered(monitors[i]))
            {
                Monitor.Exit(monitors[i]);
            }
        }
    }

    /// <summary>What the generated checks of <c>Lock.Enter()</c> and <c>Lock.Exit()</c> run.</summary>
    [Benchmark]
    [BenchmarkCategory("Lock")]
    public void LockChecksOn()
    {
        Lock[] locks = _locks;
        LockSiteTable sites = _sites;
        int depth = sites.Count / 2;
        for (int i = 0; i < locks.Length; i++)
        {
            LockdepHooks.Acquire(sites.ClassId(i), locks[i], AcquireFlags.None, 0, in sites.Site(i));
            try
            {
                locks[i].Enter();
            }
            catch
            {
                LockdepHooks.AcquireFailed(sites.ClassId(i), locks[i]);
                throw;
            }
        }

        for (int i = locks.Length - 1; i >= 0; i--)
        {
            if (LockdepHooks.Release(sites.ClassId(depth + i), locks[i], in sites.Site(depth + i)) || locks[i].IsHeldByCurrentThread)
            {
                locks[i].Exit();
            }
        }
    }
}
