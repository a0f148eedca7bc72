// cause: 3
// A primary pool clears its standby under its own lock; the standby has no standby: one direction.
public sealed class Pool
{
    private readonly object _poolLock = new object();
    private readonly Pool? _standby;

    private Pool(Pool? standby) { _standby = standby; }

    public static Pool CreatePrimary() => new Pool(new Pool(null));

    public void Clear()
    {
        lock (_poolLock)
        {
            _standby?.Clear();
        }
    }
}
