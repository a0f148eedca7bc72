using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// Starts every test with a fresh validator that hands reports to the test, without stack traces so the
/// text is exact, and leaves it reset for the next test. The tests call <see cref="LockdepHooks"/> the way
/// generated code does: hook first, then the real operation.
/// </summary>
public abstract class LockdepTestBase : IDisposable
{
    protected LockdepTestBase()
    {
        Lockdep.Reset();
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = Reports.Enqueue;
        Lockdep.CaptureStackTraces = false;
    }

    protected ConcurrentQueue<LockdepReport> Reports { get; } = new();

    public void Dispose()
    {
        Lockdep.Reset();
        GC.SuppressFinalize(this);
    }

    protected static LockSite At(string member, string file, int line) => new(file, line, member);

    /// <summary>Registers a class keyed by its name, as if each name were declared once.</summary>
    protected static int Register(string name, LockClassKind kind) => LockdepHooks.RegisterClass("test:" + name, name, kind);

    /// <summary>Runs <paramref name="body"/> on a new thread with the given name, which reports print, and waits.</summary>
    protected static void RunAs(string name, Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { Name = name, IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TestThread.FailureTimeout), "The thread did not finish.");
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>The only report made, its thread ids replaced by N (they differ from run to run).</summary>
    protected string SingleReportText()
    {
        LockdepReport report = Assert.Single(Reports);
        return Normalize(report.Text);
    }

    protected static string Normalize(string text)
    {
        text = Regex.Replace(text, @"/\d+( |:|\.|\n)", "/N$1");
        return Regex.Replace(text, @"pid: \d+", "pid: N");
    }

    /// <summary>Expected text, written with <c>{ident}</c> for the version line.</summary>
    protected static string Expected(string text) => text.Replace("\r\n", "\n").Replace("{ident}", ReportText.Ident);

    protected static void Lock(int cls, KMutex mutex, LockSite site)
    {
        LockdepHooks.Acquire(cls, mutex, AcquireFlags.None, 0, site);
        mutex.Lock();
    }

    protected static void Unlock(int cls, KMutex mutex, LockSite site)
    {
        if (LockdepHooks.Release(cls, mutex, site))
        {
            mutex.Unlock();
        }
    }
}
