// cause: 7
// An optional mutex used through '?.': WaitOne and ReleaseMutex run on the same null-or-not receiver.
using System.Threading;

public sealed class SharedState
{
    private readonly Mutex? _crossProcess;
    private int _value;

    public SharedState(string? name) { _crossProcess = name is null ? null : new Mutex(false, name); }

    public void Set(int value)
    {
        _crossProcess?.WaitOne();
        try { _value = value; }
        finally { _crossProcess?.ReleaseMutex(); }
    }
}
