using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>struct iova_magazine</c>: a small stack of freed IOVA page frames of one size.</summary>
internal sealed class IovaMagazine
{
    /// <summary><c>IOVA_MAG_SIZE</c>, small in the model so that magazines fill and move to the depot.</summary>
    public const int Size = 4;

    public readonly Stack<ulong> Pfns = new();

    public bool IsFull => Pfns.Count >= Size;

    public bool IsEmpty => Pfns.Count == 0;
}

/// <summary><c>struct iova_cpu_rcache</c>: one CPU's two magazines for one size.</summary>
internal sealed class IovaCpuRcache
{
    [LockClass("&cpu_rcache->lock")]
    public readonly KSpinLock Lock = new();

    [GuardedBy(nameof(Lock))]
    public IovaMagazine Loaded = new();

    [GuardedBy(nameof(Lock))]
    public IovaMagazine Prev = new();
}

/// <summary><c>struct iova_rcache</c>: the per-CPU magazines of one size and the shared depot of full ones.</summary>
internal sealed class IovaRcache
{
    /// <summary><c>MAX_GLOBAL_MAGS</c>.</summary>
    public const int MaxGlobalMags = 8;

    public IovaRcache(int nrCpuIds)
    {
        CpuRcaches = new IovaCpuRcache[nrCpuIds];
        for (int cpu = 0; cpu < nrCpuIds; cpu++)
        {
            CpuRcaches[cpu] = new IovaCpuRcache();
        }
    }

    [LockClass("&rcache->lock")]
    public readonly KSpinLock Lock = new();

    [GuardedBy(nameof(Lock))]
    public readonly List<IovaMagazine> Depot = new();

    public IovaCpuRcache[] CpuRcaches { get; }
}

/// <summary>
/// <c>struct iova_domain</c> (<c>drivers/iommu/iova.c</c>): the IOVA allocator of a DMA domain, with
/// per-CPU caches of freed ranges. A CPU going offline hands its cached ranges back in the
/// <c>CPUHP_IOMMU_IOVA_DEAD</c> callback, for which each domain registers a CPU hotplug instance when its
/// caches are set up: from the bus notifier, under <c>&amp;(&amp;priv-&gt;bus_notifier)-&gt;rwsem</c>, which
/// is the dependency the fourth seed's cycle runs through.
/// </summary>
public sealed class IovaDomain
{
    /// <summary><c>IOVA_RANGE_CACHE_MAX_SIZE</c>: sizes up to 2^(this-1) pages are cached.</summary>
    public const int IovaRangeCacheMaxSize = 6;

    [LockClass("&iovad->iova_rbtree_lock")]
    private readonly KSpinLock _iovaRbtreeLock = new();

    /// <summary><c>iovad-&gt;rbroot</c>: allocated ranges, first page frame to page count (cached ones included).</summary>
    [GuardedBy(nameof(_iovaRbtreeLock))]
    private readonly SortedDictionary<ulong, ulong> _rbroot = new();

    /// <summary>The next free page frame of the top-down allocator (<c>iovad-&gt;cached_node</c>).</summary>
    [GuardedBy(nameof(_iovaRbtreeLock))]
    private ulong _cachedPfn;

    private IovaRcache[]? _rcaches;

    /// <summary><c>iovad-&gt;start_pfn</c>: 0 until <see cref="InitIovaDomain"/>; the DMA cookie's mutex guards the initialisation.</summary>
    [GuardedBy("&cookie->mutex")]
    internal ulong StartPfn;

    /// <summary>The CPU hotplug instance (<c>iovad-&gt;cpuhp_dead</c>) registered by <see cref="IovaDomainInitRcaches"/>.</summary>
    public bool HasCpuhpInstance { get; private set; }

    /// <summary><c>init_iova_domain()</c>.</summary>
    /// <param name="startPfn">The lowest page frame to hand out.</param>
    /// <param name="limitPfn">One above the highest page frame to hand out.</param>
    [RequiresLock("&cookie->mutex")]
    internal void InitIovaDomain(ulong startPfn, ulong limitPfn)
    {
        StartPfn = startPfn;
        _iovaRbtreeLock.Lock();
        _cachedPfn = limitPfn;
        _iovaRbtreeLock.Unlock();
    }

    /// <summary>
    /// <c>iova_domain_init_rcaches()</c>: the per-CPU caches, then the <c>CPUHP_IOMMU_IOVA_DEAD</c> instance
    /// (<c>cpuhp_state_add_instance_nocalls</c> → <c>__cpuhp_state_add_instance</c>, which takes <c>cpu_hotplug_lock</c>).
    /// </summary>
    /// <param name="cpu">The CPU hotplug core.</param>
    /// <returns>0, or a negative error.</returns>
    internal int IovaDomainInitRcaches(CpuHotplug cpu)
    {
        var rcaches = new IovaRcache[IovaRangeCacheMaxSize];
        for (int i = 0; i < rcaches.Length; i++)
        {
            rcaches[i] = new IovaRcache(cpu.NrCpuIds);
        }

        System.Threading.Volatile.Write(ref _rcaches, rcaches);
        int ret = cpu.CpuhpStateAddInstance(CpuhpState.IommuIovaDead, this);
        HasCpuhpInstance = ret == 0;
        return ret;
    }

    /// <summary><c>alloc_iova_fast()</c>: a range of <paramref name="size"/> pages, from this CPU's cache when it has one.</summary>
    /// <param name="size">Pages.</param>
    /// <param name="cpu">The CPU the caller runs on.</param>
    /// <returns>The first page frame, or 0 when the space is exhausted.</returns>
    public ulong AllocIovaFast(ulong size, int cpu)
    {
        ulong pfn = IovaRcacheGet(size, cpu);
        return pfn != 0 ? pfn : AllocIova(size);
    }

    /// <summary><c>free_iova_fast()</c>: into this CPU's cache, or back to the tree when the cache cannot take it.</summary>
    /// <param name="pfn">The first page frame of an allocated range.</param>
    /// <param name="size">Its pages.</param>
    /// <param name="cpu">The CPU the caller runs on.</param>
    public void FreeIovaFast(ulong pfn, ulong size, int cpu)
    {
        if (IovaRcacheInsert(pfn, size, cpu))
        {
            return;
        }

        FreeIova(pfn);
    }

    /// <summary>
    /// <c>free_cpu_cached_iovas()</c>: gives a dead CPU's cached ranges back to the tree (the
    /// <c>iova_cpuhp_dead</c> callback).
    /// </summary>
    /// <param name="cpu">The CPU that went offline.</param>
    public void FreeCpuCachedIovas(int cpu)
    {
        IovaRcache[]? rcaches = System.Threading.Volatile.Read(ref _rcaches);
        if (rcaches is null)
        {
            return;
        }

        foreach (IovaRcache rcache in rcaches)
        {
            IovaCpuRcache cpuRcache = rcache.CpuRcaches[cpu];
            IrqFlags flags = cpuRcache.Lock.LockIrqSave();
            IovaMagazineFreePfns(cpuRcache.Loaded);
            IovaMagazineFreePfns(cpuRcache.Prev);
            cpuRcache.Lock.UnlockIrqRestore(flags);
        }
    }

    /// <summary>Allocated ranges in the tree, cached ones included (for snapshots).</summary>
    /// <returns>The count.</returns>
    public int AllocatedRanges()
    {
        IrqFlags flags = _iovaRbtreeLock.LockIrqSave();
        int count = _rbroot.Count;
        _iovaRbtreeLock.UnlockIrqRestore(flags);
        return count;
    }

    /// <summary>Ranges sitting in a CPU's magazines or the depots (for snapshots).</summary>
    /// <param name="cpu">A CPU, or -1 for the depots.</param>
    /// <returns>The count.</returns>
    public int CachedRanges(int cpu)
    {
        IovaRcache[]? rcaches = System.Threading.Volatile.Read(ref _rcaches);
        int count = 0;
        if (rcaches is null)
        {
            return 0;
        }

        foreach (IovaRcache rcache in rcaches)
        {
            if (cpu < 0)
            {
                IrqFlags depotFlags = rcache.Lock.LockIrqSave();
                foreach (IovaMagazine mag in rcache.Depot)
                {
                    count += mag.Pfns.Count;
                }

                rcache.Lock.UnlockIrqRestore(depotFlags);
                continue;
            }

            IovaCpuRcache cpuRcache = rcache.CpuRcaches[cpu];
            IrqFlags flags = cpuRcache.Lock.LockIrqSave();
            count += cpuRcache.Loaded.Pfns.Count + cpuRcache.Prev.Pfns.Count;
            cpuRcache.Lock.UnlockIrqRestore(flags);
        }

        return count;
    }

    /// <summary><c>alloc_iova()</c>: top-down from the cached position.</summary>
    private ulong AllocIova(ulong size)
    {
        IrqFlags flags = _iovaRbtreeLock.LockIrqSave();
        ulong pfn = 0;
        if (_cachedPfn > size)
        {
            _cachedPfn -= size;
            pfn = _cachedPfn;
            _rbroot.Add(pfn, size);
        }

        _iovaRbtreeLock.UnlockIrqRestore(flags);
        return pfn;
    }

    /// <summary><c>free_iova()</c>.</summary>
    private void FreeIova(ulong pfn)
    {
        IrqFlags flags = _iovaRbtreeLock.LockIrqSave();
        _rbroot.Remove(pfn);
        _iovaRbtreeLock.UnlockIrqRestore(flags);
    }

    /// <summary><c>iova_magazine_free_pfns()</c>: empties a magazine into the tree.</summary>
    private void IovaMagazineFreePfns(IovaMagazine mag)
    {
        IrqFlags flags = _iovaRbtreeLock.LockIrqSave();
        while (mag.Pfns.Count > 0)
        {
            _rbroot.Remove(mag.Pfns.Pop());
        }

        _iovaRbtreeLock.UnlockIrqRestore(flags);
    }

    /// <summary><c>iova_rcache_get()</c> → <c>__iova_rcache_get()</c>.</summary>
    private ulong IovaRcacheGet(ulong size, int cpu)
    {
        int logSize = OrderBase2(size);
        IovaRcache[]? rcaches = System.Threading.Volatile.Read(ref _rcaches);
        if (rcaches is null || logSize >= IovaRangeCacheMaxSize)
        {
            return 0;
        }

        IovaRcache rcache = rcaches[logSize];
        IovaCpuRcache cpuRcache = rcache.CpuRcaches[cpu];
        ulong pfn = 0;
        IrqFlags flags = cpuRcache.Lock.LockIrqSave();
        bool hasPfn = false;
        if (!cpuRcache.Loaded.IsEmpty)
        {
            hasPfn = true;
        }
        else if (!cpuRcache.Prev.IsEmpty)
        {
            (cpuRcache.Loaded, cpuRcache.Prev) = (cpuRcache.Prev, cpuRcache.Loaded);
            hasPfn = true;
        }
        else
        {
            rcache.Lock.Lock();
            if (rcache.Depot.Count > 0)
            {
                cpuRcache.Loaded = rcache.Depot[^1];
                rcache.Depot.RemoveAt(rcache.Depot.Count - 1);
                hasPfn = true;
            }

            rcache.Lock.Unlock();
        }

        if (hasPfn)
        {
            pfn = cpuRcache.Loaded.Pfns.Pop();
        }

        cpuRcache.Lock.UnlockIrqRestore(flags);
        return pfn;
    }

    /// <summary><c>iova_rcache_insert()</c> → <c>__iova_rcache_insert()</c>.</summary>
    private bool IovaRcacheInsert(ulong pfn, ulong size, int cpu)
    {
        int logSize = OrderBase2(size);
        IovaRcache[]? rcaches = System.Threading.Volatile.Read(ref _rcaches);
        if (rcaches is null || logSize >= IovaRangeCacheMaxSize)
        {
            return false;
        }

        IovaRcache rcache = rcaches[logSize];
        IovaCpuRcache cpuRcache = rcache.CpuRcaches[cpu];
        IovaMagazine? magToFree = null;
        IrqFlags flags = cpuRcache.Lock.LockIrqSave();
        if (cpuRcache.Loaded.IsFull)
        {
            if (!cpuRcache.Prev.IsFull)
            {
                (cpuRcache.Loaded, cpuRcache.Prev) = (cpuRcache.Prev, cpuRcache.Loaded);
            }
            else
            {
                rcache.Lock.Lock();
                if (rcache.Depot.Count < IovaRcache.MaxGlobalMags)
                {
                    rcache.Depot.Add(cpuRcache.Loaded);
                }
                else
                {
                    magToFree = cpuRcache.Loaded;
                }

                rcache.Lock.Unlock();
                cpuRcache.Loaded = new IovaMagazine();
            }
        }

        cpuRcache.Loaded.Pfns.Push(pfn);
        cpuRcache.Lock.UnlockIrqRestore(flags);
        if (magToFree is not null)
        {
            IovaMagazineFreePfns(magToFree);
        }

        return true;
    }

    /// <summary><c>order_base_2()</c>.</summary>
    private static int OrderBase2(ulong size)
    {
        int order = 0;
        while ((1UL << order) < size)
        {
            order++;
        }

        return order;
    }
}
