// cause: 6
// The interface call resolves to the caller's own type only for the caller itself, which the guard excludes.
public interface IRef { void Send(object message); }

public sealed class Remote : IRef
{
    public void Send(object message) { }
}

public sealed class Cell : IRef
{
    private readonly object _stateLock = new object();
    private readonly IRef[] _watchers = { new Remote() };

    public void Send(object message)
    {
        lock (_stateLock) { }
    }

    public void Terminate()
    {
        lock (_stateLock)
        {
            foreach (var watcher in _watchers)
            {
                if (!ReferenceEquals(watcher, this)) watcher.Send("terminated");
            }
        }
    }
}
