using LockDiscipline;

namespace IommuCore;

/// <summary>
/// The read side of RCU as lockdep sees it: <c>rcu_read_lock()</c> acquires the lockdep map
/// <c>rcu_read_lock</c>, which orders but excludes nothing.
/// </summary>
/// <remarks>
/// Readers in the model read data that writers publish whole (an array replaced by
/// <see cref="System.Threading.Volatile.Write{T}(ref T, T)"/>, never changed in place), which is what makes
/// a lock-free read safe, as <c>rcu_assign_pointer</c>/<c>rcu_dereference</c> do in the kernel. The map
/// records where read-side sections nest, so that the analyzer and the runtime validator see them.
/// </remarks>
public sealed class Rcu
{
    [LockClass("rcu_read_lock", Kind = LockKind.LockMap)]
    private readonly KLockMap _rcuLockMap = new();

    /// <summary><c>rcu_read_lock()</c>.</summary>
    [AcquiresLock(nameof(_rcuLockMap))]
    public void RcuReadLock()
    {
        _rcuLockMap.AcquireRead();
    }

    /// <summary><c>rcu_read_unlock()</c>.</summary>
    [ReleasesLock(nameof(_rcuLockMap))]
    public void RcuReadUnlock()
    {
        _rcuLockMap.Release();
    }
}
