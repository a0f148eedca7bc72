// cause: 4
// The buffer calls back into the bridge that owns it, while the bridge holds its own lock: the same instance.
public sealed class Buffer
{
    internal readonly Bridge _owner;
    public Buffer(Bridge owner) { _owner = owner; }
    public void Append(int size) { if (size > 1024) _owner.Break(); }
}

public sealed class Bridge
{
    private readonly object _writeLock = new object();
    private readonly Buffer _buffer;

    public Bridge() { _buffer = new Buffer(this); }

    public void Write(int size)
    {
        lock (_writeLock) _buffer.Append(size);
    }

    public void Break()
    {
        lock (_writeLock) { }
    }
}
