// cause: 2
// RunOutside() is called with the gate held and gives it up around the callback, taking it again after.
using System;
using System.Threading;

public sealed class Worker
{
    private readonly object _gate = new object();

    private void RunOutside(Action callback)
    {
        Monitor.Exit(_gate);
        try { callback(); }
        finally { Monitor.Enter(_gate); }
    }

    public void Step(Action callback)
    {
        lock (_gate)
        {
            RunOutside(callback);
        }
    }
}
