// The woven hooks take a System.Threading.Lock as object, as woven code passes it: they never lock it.
#pragma warning disable CS9216

using BenchmarkDotNet.Attributes;
using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Benchmarks;

/// <summary>
/// <see cref="Depth"/> nested <c>lock</c> statements, innermost released first, bare and as the weaver
/// rewrites them (docs/runtime-checks.md, "What is woven"): on objects, the enter replaced by
/// <see cref="WovenLocks.MonitorEnter(object, ref bool, LockSiteTable, int)"/> and the statement's exit by
/// <see cref="WovenLocks.LockStatementExit"/>; on <c>System.Threading.Lock</c>, the hooks before
/// <c>EnterScope</c> and the scope's <c>Dispose</c>. On a chain the validator has already seen.
/// </summary>
public class WovenLockBenchmarks
{
    private object[] _monitors = [];
    private Lock[] _locks = [];
    private LockSiteTable _monitorSites = new(string.Empty, []);
    private LockSiteTable _lockSites = new(string.Empty, []);

    [Params(1, 4, 10)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _monitors = Enumerable.Range(0, Depth).Select(_ => new object()).ToArray();
        _locks = Enumerable.Range(0, Depth).Select(_ => new Lock()).ToArray();
        Lockdep.CaptureStackTraces = false;
        _monitorSites = Table("System.Threading.Monitor.Enter", "bench:Bench._gate", LockClassKind.Monitor);
        _lockSites = Table("System.Threading.Lock.EnterScope", "bench:Bench._lock", LockClassKind.ThreadingLock);

        // The first pass meets a new chain and validates it; the measured passes hit the chain cache.
        WovenLockStatement();
        WovenLockStatementOnLock();
        if (Lockdep.Statistics.Reports != 0 || !Lockdep.IsValidating)
        {
            throw new InvalidOperationException("The validator reported on a consistent order.");
        }
    }

    [Benchmark(Baseline = true)]
    public void BareLockStatement()
    {
        Nest(0);

        void Nest(int i)
        {
            if (i == _monitors.Length)
            {
                return;
            }

            lock (_monitors[i])
            {
                Nest(i + 1);
            }
        }
    }

    /// <summary>The IL of <see cref="BareLockStatement"/> after weaving.</summary>
    [Benchmark]
    public void WovenLockStatement()
    {
        Nest(0);

        void Nest(int i)
        {
            if (i == _monitors.Length)
            {
                return;
            }

            object gate = _monitors[i];
            bool taken = false;
            try
            {
                WovenLocks.MonitorEnter(gate, ref taken, _monitorSites, i);
                Nest(i + 1);
            }
            finally
            {
                if (taken)
                {
                    WovenLocks.LockStatementExit(gate);
                }
            }
        }
    }

    [Benchmark]
    public void BareLockStatementOnLock()
    {
        Nest(0);

        void Nest(int i)
        {
            if (i == _locks.Length)
            {
                return;
            }

            lock (_locks[i])
            {
                Nest(i + 1);
            }
        }
    }

    /// <summary>The IL of <see cref="BareLockStatementOnLock"/> after weaving.</summary>
    [Benchmark]
    public void WovenLockStatementOnLock()
    {
        Nest(0);

        void Nest(int i)
        {
            if (i == _locks.Length)
            {
                return;
            }

            Lock gate = _locks[i];
            WovenLocks.Acquiring(gate, _lockSites, i);
            Lock.Scope scope = gate.EnterScope();
            try
            {
                Nest(i + 1);
            }
            finally
            {
                WovenLocks.ScopeDisposing(gate);
                scope.Dispose();
            }
        }
    }

    /// <summary>A site table with one site and one class per depth, as the generator writes it.</summary>
    private LockSiteTable Table(string api, string key, LockClassKind kind)
    {
        int[] classes = Enumerable.Range(0, Depth).Select(i => LockdepHooks.RegisterClass(key + i, key[6..] + i, kind)).ToArray();
        string text = string.Join("\n", Enumerable.Range(0, Depth).Select(i => api + "\t" + i + "\tBench.cs\t" + (10 + i) + "\t9\tBench.Nest\t"));
        return new LockSiteTable(text, classes);
    }
}
