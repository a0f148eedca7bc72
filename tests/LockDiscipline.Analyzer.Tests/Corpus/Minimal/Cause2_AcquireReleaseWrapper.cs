// cause: 2
// Acquire() and Release() wrap Monitor.Enter/Exit; every caller pairs them in try/finally.
using System.Threading;

public sealed class Gate
{
    private readonly object _gate = new object();
    private int _count;

    public void Acquire() { Monitor.Enter(_gate); }
    public void Release() { Monitor.Exit(_gate); }

    public void Increment()
    {
        Acquire();
        try { _count++; }
        finally { Release(); }
    }
}
