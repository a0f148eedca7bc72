using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace IommuCore;

/// <summary>
/// The kernel log (<c>printk</c>) and its <c>WARN_ON</c> count: what a scenario printed, and how many
/// invariants the model found broken while it ran.
/// </summary>
/// <remarks>
/// Lock-free, because <c>printk</c> is called from the DMAR fault interrupt, where no sleeping lock may
/// be taken and no lock the interrupted code could hold may be spun on.
/// </remarks>
public sealed class KernelLog
{
    private readonly ConcurrentQueue<string> _lines = new();
    private int _warnings;

    /// <summary>How many <c>WARN_ON</c> conditions were true.</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    /// <summary>Every line logged so far, oldest first.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary><c>printk()</c>.</summary>
    /// <param name="line">The message.</param>
    public void Printk(string line)
    {
        _lines.Enqueue(line);
    }

    /// <summary><c>WARN_ON(condition)</c>: logs a warning when <paramref name="condition"/> holds, and returns it.</summary>
    /// <param name="condition">The broken invariant.</param>
    /// <param name="what">Where, for the log (the kernel prints the function and a backtrace).</param>
    /// <returns><paramref name="condition"/>.</returns>
    public bool WarnOn(bool condition, string what)
    {
        if (condition)
        {
            Interlocked.Increment(ref _warnings);
            _lines.Enqueue("WARNING: " + what);
        }

        return condition;
    }
}
