// cause: other
// lock (GetLock()) and lock (SyncRoot) are the fields they return: two different locks, one order.
public sealed class Collection
{
    private readonly object _syncRoot = new object();
    private readonly object _versionLock = new object();

    public object SyncRoot => _syncRoot;
    private object GetVersionLock() => _versionLock;

    public void Add()
    {
        lock (SyncRoot)
        {
            lock (GetVersionLock()) { }
        }
    }
}
