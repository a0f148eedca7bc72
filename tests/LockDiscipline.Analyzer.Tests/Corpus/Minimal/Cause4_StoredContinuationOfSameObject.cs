// cause: 4
// The completion callback stored in the constructor is this object's own method: it re-takes the held instance.
using System;

public sealed class Writer
{
    private readonly object _writeLock = new object();
    private readonly Action _onCompleted;

    public Writer() { _onCompleted = ProcessBacklog; }

    public void Write()
    {
        lock (_writeLock) _onCompleted();
    }

    private void ProcessBacklog()
    {
        lock (_writeLock) { }
    }
}
