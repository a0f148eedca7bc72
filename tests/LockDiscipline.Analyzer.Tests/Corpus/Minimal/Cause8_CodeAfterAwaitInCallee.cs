// cause: 8
// The caller starts an async helper under its lock; the helper's lock comes after an await, when
// the caller's thread-affine lock is no longer held by the continuation's thread.
using System.Threading.Tasks;

public sealed class Consumer
{
    private readonly object _stateLock = new object();
    private readonly object _bufferLock = new object();

    public void Start()
    {
        lock (_stateLock) _ = FlushLaterAsync();
    }

    private async Task FlushLaterAsync()
    {
        await Task.Yield();
        lock (_bufferLock) { }
    }

    public void Publish()
    {
        lock (_bufferLock)
        {
            lock (_stateLock) { }
        }
    }
}
