// cause: 1
// A lazy singleton getter disposes the instance it created when it lost the race. That instance
// never escaped the getter: its locks cannot take part in a deadlock with another thread.
using System.Threading;

public sealed class Registry : System.IDisposable
{
    private static Registry? s_instance;
    private readonly object _registryLock = new object();
    private readonly Store _store = new Store();

    public static Registry Instance
    {
        get
        {
            if (Volatile.Read(ref s_instance) is { } existing) return existing;
            var created = new Registry();
            var winner = Interlocked.CompareExchange(ref s_instance, created, null);
            if (winner is null) return created;
            created.Dispose();
            return winner;
        }
    }

    public void Dispose()
    {
        lock (_registryLock) _store.Clear();
    }
}

public sealed class Store
{
    private readonly object _storeLock = new object();
    private Registry? _registry;

    public void Clear() { lock (_storeLock) { } }

    public void Save()
    {
        lock (_storeLock) _registry ??= Registry.Instance;
    }
}
