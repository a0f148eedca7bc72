using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>The validator under real threads: no false reports, no lost updates, no deadlock of its own.</summary>
public class ConcurrencyTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Concurrency.cs", 1, "Run");

    [Fact]
    public void Many_threads_in_a_consistent_order_make_no_report_and_lose_no_update()
    {
        const int Threads = 4;
        const int AcquisitionsPerThread = 500_000;
        int outerClass = Register("Account._outer", LockClassKind.Mutex);
        int innerClass = Register("Account._inner", LockClassKind.Mutex);
        var outer = new KMutex();
        var inner = new KMutex();
        var perThreadOuter = Enumerable.Range(0, Threads).Select(_ => new KMutex()).ToArray();
        int perThreadClass = Register("Worker._local", LockClassKind.Mutex);
        long total = 0;

        // Each iteration takes two locks: the shared pair every other time, the thread's own lock and the
        // shared inner one otherwise, always outer before inner.
        TestThread.RunConcurrently(Threads, t =>
        {
            for (int i = 0; i < AcquisitionsPerThread / 2; i++)
            {
                (int cls, KMutex first) = (i & 1) == 0 ? (outerClass, outer) : (perThreadClass, perThreadOuter[t]);
                Lock(cls, first, Site);
                Lock(innerClass, inner, Site);
                total++;
                Unlock(innerClass, inner, Site);
                Unlock(cls, first, Site);
            }
        });

        Assert.Equal(Threads * AcquisitionsPerThread / 2, total);
        Assert.Empty(Reports);
        LockdepStatistics stats = Lockdep.Statistics;
        Assert.Equal(Threads * (long)AcquisitionsPerThread, stats.ChainLookups);
        Assert.True(stats.ChainHits >= stats.ChainLookups - 100, stats.ToString());
        Assert.Equal(2, stats.Dependencies);
        Assert.True(Lockdep.IsValidating);
    }

    [Fact]
    public void Concurrent_discovery_of_new_dependencies_neither_deadlocks_nor_reports_a_consistent_order()
    {
        const int Classes = 64;
        const int Threads = 6;
        int[] ids = Enumerable.Range(0, Classes).Select(i => Register("Node" + i.ToString("D2") + "._lock", LockClassKind.Mutex)).ToArray();
        KMutex[] locks = ids.Select(_ => new KMutex()).ToArray();
        Lockdep.CaptureStackTraces = true;

        // Every thread walks chains of increasing class number, in its own pseudo-random choice: many new
        // dependencies are found at the same time on different threads, all consistent with one order.
        TestThread.RunConcurrently(Threads, t =>
        {
            var random = new Random(t);
            for (int round = 0; round < 400; round++)
            {
                int[] chain = Enumerable.Range(0, 4).Select(_ => random.Next(Classes)).Distinct().Order().ToArray();
                foreach (int c in chain)
                {
                    Lock(ids[c], locks[c], Site);
                }

                for (int k = chain.Length - 1; k >= 0; k--)
                {
                    Unlock(ids[chain[k]], locks[chain[k]], Site);
                }
            }
        });

        Assert.Empty(Reports);
        Assert.True(Lockdep.Statistics.Dependencies > 100);
    }

    [Fact]
    public void Threads_taking_opposite_orders_at_once_get_each_cycle_reported_once_and_finish()
    {
        const int Pairs = 16;
        int[] first = Enumerable.Range(0, Pairs).Select(i => Register("Left" + i, LockClassKind.Monitor)).ToArray();
        int[] second = Enumerable.Range(0, Pairs).Select(i => Register("Right" + i, LockClassKind.Monitor)).ToArray();
        object[] left = first.Select(_ => new object()).ToArray();
        object[] right = second.Select(_ => new object()).ToArray();

        // Half the threads take left then right, half right then left, on private instances so that the
        // program itself cannot deadlock: only the validator's bookkeeping is under test.
        TestThread.RunConcurrently(4, t =>
        {
            object[] myLeft = left.Select(_ => new object()).ToArray();
            object[] myRight = right.Select(_ => new object()).ToArray();
            for (int round = 0; round < 50; round++)
            {
                for (int p = 0; p < Pairs; p++)
                {
                    (int a, object la, int b, object lb) = t % 2 == 0
                        ? (first[p], myLeft[p], second[p], myRight[p])
                        : (second[p], myRight[p], first[p], myLeft[p]);
                    LockdepHooks.Acquire(a, la, AcquireFlags.None, 0, Site);
                    Monitor.Enter(la);
                    LockdepHooks.Acquire(b, lb, AcquireFlags.None, 0, Site);
                    Monitor.Enter(lb);
                    Assert.True(LockdepHooks.Release(b, lb, Site));
                    Monitor.Exit(lb);
                    Assert.True(LockdepHooks.Release(a, la, Site));
                    Monitor.Exit(la);
                }
            }
        });

        Assert.Equal(Pairs, Reports.Count);
        Assert.All(Reports, r => Assert.Equal(LockdepReportKind.CircularDependency, r.Kind));
        Assert.Equal(Pairs, Reports.Select(r => string.Join(",", r.Classes.Order())).Distinct().Count());
        Assert.Equal(Pairs, Lockdep.Statistics.Reports);
    }
}
