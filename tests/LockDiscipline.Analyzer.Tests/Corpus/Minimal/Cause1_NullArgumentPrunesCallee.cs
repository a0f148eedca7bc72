// cause: 1
// The only call passes null, and the callee does nothing for null: the listener never runs under the bus lock.
public interface IListener { void OnStopped(); }

public sealed class Bus
{
    private readonly object _busLock = new object();

    public void Stop() => StopCore(null);

    private void StopCore(IListener? listener)
    {
        lock (_busLock)
        {
            if (listener is null) return;
            listener.OnStopped();
        }
    }

    public void Publish()
    {
        lock (_busLock) { }
    }
}

public sealed class Listener : IListener
{
    private readonly object _listenerLock = new object();
    private readonly Bus _bus;

    public Listener(Bus bus) { _bus = bus; }

    public void OnStopped()
    {
        lock (_listenerLock) { }
    }

    public void Replay()
    {
        lock (_listenerLock) _bus.Publish();
    }
}
