// cause: 2
// Lock() returns a releaser that the using statement disposes.
using System;
using System.Threading;

public sealed class Resource
{
    private readonly object _gate = new object();
    private int _count;

    public Releaser Lock()
    {
        Monitor.Enter(_gate);
        return new Releaser(_gate);
    }

    public void Increment()
    {
        using (Lock()) _count++;
    }

    public readonly struct Releaser : IDisposable
    {
        private readonly object _held;
        public Releaser(object held) { _held = held; }
        public void Dispose() => Monitor.Exit(_held);
    }
}
