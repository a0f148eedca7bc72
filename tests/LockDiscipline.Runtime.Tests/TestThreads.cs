using System.Runtime.ExceptionServices;

// The contention tests start their own threads; running test classes in parallel as well would only
// oversubscribe the machine and make spinning waiters burn each other's time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace LockDiscipline.Runtime.Tests;

/// <summary>A background thread whose exception surfaces in the test when it is joined.</summary>
internal sealed class TestThread
{
    /// <summary>
    /// How long a test waits for something that must happen. It only bounds a hang; it is never how a
    /// test tells right from wrong.
    /// </summary>
    public static readonly TimeSpan FailureTimeout = TimeSpan.FromSeconds(30);

    private readonly Thread _thread;
    private Exception? _error;

    private TestThread(Action body)
    {
        _thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                _error = e;
            }
        })
        { IsBackground = true };
        _thread.Start();
    }

    public bool IsAlive => _thread.IsAlive;

    /// <summary>Whether the thread is blocked (sleeping, waiting or joining).</summary>
    public bool IsBlocked => (_thread.ThreadState & ThreadState.WaitSleepJoin) != 0;

    public static TestThread Start(Action body) => new(body);

    /// <summary>Runs <paramref name="body"/> on a new thread, so it starts from fresh thread-static state, and waits for it.</summary>
    public static void Run(Action body) => Start(body).Join();

    /// <summary>Runs <paramref name="count"/> threads at once and waits for all; the first failure is rethrown.</summary>
    public static void RunConcurrently(int count, Action<int> body)
    {
        var threads = Enumerable.Range(0, count).Select(i => Start(() => body(i))).ToList();
        foreach (TestThread thread in threads)
        {
            thread.Join();
        }
    }

    public void Interrupt() => _thread.Interrupt();

    public void Join()
    {
        Assert.True(_thread.Join(FailureTimeout), "The thread did not finish: it is deadlocked or starved.");
        if (_error is not null)
        {
            ExceptionDispatchInfo.Capture(_error).Throw();
        }
    }

    /// <summary>Waits for a condition that another thread will make true.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        Assert.True(SpinWait.SpinUntil(condition, FailureTimeout), "Timed out waiting until " + what + ".");
    }
}

internal static class Contention
{
    /// <summary>
    /// Has <paramref name="threads"/> threads, released together, each increment a plain shared int
    /// <paramref name="iterations"/> times between <paramref name="enter"/> and <paramref name="exit"/>.
    /// Only mutual exclusion makes the returned total exact.
    /// </summary>
    public static int CountUnder(int threads, int iterations, Action<int> enter, Action<int> exit)
    {
        var counter = new Counter();
        using var start = new Barrier(threads);
        TestThread.RunConcurrently(threads, t =>
        {
            Assert.True(start.SignalAndWait(TestThread.FailureTimeout));
            for (int i = 0; i < iterations; i++)
            {
                enter(t);
                counter.Value++;
                exit(t);
            }
        });
        return counter.Value;
    }

    private sealed class Counter
    {
        public int Value;
    }
}
