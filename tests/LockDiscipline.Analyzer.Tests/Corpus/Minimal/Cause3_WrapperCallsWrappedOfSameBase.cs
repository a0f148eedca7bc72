// cause: 3
// A wrapper target holds its own SyncRoot and calls the target it wraps, of the same base type:
// always wrapper -> wrapped, the wrapped never calls back.
public abstract class Target
{
    protected readonly object SyncRoot = new object();

    public void Write(string message)
    {
        lock (SyncRoot) WriteCore(message);
    }

    protected abstract void WriteCore(string message);
}

public sealed class FileTarget : Target
{
    protected override void WriteCore(string message) { }
}

public sealed class BufferingWrapper : Target
{
    private readonly Target _wrapped = new FileTarget();
    protected override void WriteCore(string message) => _wrapped.Write(message);
}
