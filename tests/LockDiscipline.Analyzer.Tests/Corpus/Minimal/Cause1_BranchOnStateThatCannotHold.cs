// cause: 1
// The nested path runs only when _disposed is true, and the caller has just returned on that case under the same lock.
public sealed class Channel
{
    private readonly object _channelLock = new object();
    private readonly object _pendingLock = new object();
    private bool _disposed;

    public void Send()
    {
        lock (_channelLock)
        {
            if (_disposed) return;
            Drain();
        }
    }

    private void Drain()
    {
        if (_disposed)
        {
            lock (_pendingLock) { }
        }
    }

    public void Dispose()
    {
        lock (_pendingLock)
        {
            lock (_channelLock) _disposed = true;
        }
    }
}
