using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// The IOMMU core (<c>drivers/iommu/iommu.c</c>) as upstream has it after the fixes: IOMMU registration
/// and bus probing, per-device probing serialised by <c>iommu_probe_device_lock</c>, groups and their
/// domains, reserved regions, and DMA ownership.
/// </summary>
public sealed class Iommu
{
    /// <summary><c>PAGE_SHIFT</c>, the IOMMU page being the CPU's.</summary>
    public const int PageShift = Kernel.PageShift;

    /// <summary><c>PAGE_SIZE</c>.</summary>
    public const ulong PageSize = Kernel.PageSize;

    private readonly Kernel _kernel;

    /// <summary>
    /// <c>iommu_probe_device_lock</c>: serialises probing and releasing devices, and with it every change
    /// to <c>dev-&gt;iommu</c>. Added by "iommu: Avoid races around device probe" for async probe of several
    /// IOMMUs; taken by the callers of <c>__iommu_probe_device()</c>, which asserts it.
    /// </summary>
    [LockClass("iommu_probe_device_lock")]
    private readonly KMutex _iommuProbeDeviceLock = new();

    /// <summary><c>iommu_device_lock</c>: guards the list of registered IOMMU instances.</summary>
    [LockClass("iommu_device_lock")]
    private readonly KSpinLock _iommuDeviceLock = new();

    [GuardedBy(nameof(_iommuDeviceLock))]
    private readonly List<IommuDevice> _iommuDeviceList = new();

    /// <summary>The lock of the <c>iommu_groups</c> kset, whose list of groups sysfs walks.</summary>
    [LockClass("&k->list_lock")]
    private readonly KSpinLock _groupKsetLock = new();

    [GuardedBy(nameof(_groupKsetLock))]
    private readonly List<IommuGroup> _groupKset = new();

    private int _lastGroupId = -1;

    /// <summary>Creates the IOMMU core of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Iommu(Kernel kernel)
    {
        _kernel = kernel;
    }

    /// <summary>
    /// <c>iommu_subsys_init()</c>: registers <c>iommu_bus_notifier</c> on every bus, so that devices added
    /// later are probed as they appear.
    /// </summary>
    public void IommuSubsysInit()
    {
        foreach (BusType bus in _kernel.IommuBuses())
        {
            bus.P.BusNotifier.BlockingNotifierChainRegister(IommuBusNotifier, 0);
        }
    }

    /// <summary>
    /// <c>iommu_device_register()</c>: adds the instance to the list, sets the buses' IOMMU ops and probes
    /// every device already on them (<c>bus_iommu_probe</c>), which the bus-setup rework moved here.
    /// </summary>
    /// <param name="iommu">The instance.</param>
    /// <param name="ops">Its driver's ops.</param>
    /// <returns>0, or a negative error.</returns>
    public int IommuDeviceRegister(IommuDevice iommu, IIommuOps ops)
    {
        iommu.Ops = ops;
        _iommuDeviceLock.Lock();
        _iommuDeviceList.Add(iommu);
        _iommuDeviceLock.Unlock();

        int err = 0;
        foreach (BusType bus in _kernel.IommuBuses())
        {
            bus.IommuOps = ops;
            err = BusIommuProbe(bus);
            if (err != 0)
            {
                break;
            }
        }

        return err;
    }

    /// <summary><c>iommu_ops_from_fwnode()</c>: the ops of the registered instance with this firmware node.</summary>
    /// <param name="fwnode">An IOMMU's firmware node.</param>
    /// <returns>Its driver's ops, or <see langword="null"/> when it has not registered (yet).</returns>
    public IIommuOps? IommuOpsFromFwnode(FwNode fwnode)
    {
        IIommuOps? ops = null;
        _iommuDeviceLock.Lock();
        foreach (IommuDevice iommu in _iommuDeviceList)
        {
            if (iommu.Fwnode == fwnode)
            {
                ops = iommu.Ops;
                break;
            }
        }

        _iommuDeviceLock.Unlock();
        return ops;
    }

    /// <summary>The names of the registered IOMMU instances, in registration order (for snapshots).</summary>
    /// <returns>The names.</returns>
    public IReadOnlyList<string> RegisteredIommus()
    {
        var names = new List<string>();
        _iommuDeviceLock.Lock();
        foreach (IommuDevice iommu in _iommuDeviceList)
        {
            names.Add(iommu.Name);
        }

        _iommuDeviceLock.Unlock();
        return names;
    }

    /// <summary>
    /// <c>bus_iommu_probe()</c>: probes every device of the bus (<c>probe_iommu_group</c>), then gives each
    /// group that got new devices its default domain, its direct mappings, and attaches the devices.
    /// </summary>
    /// <param name="bus">The bus.</param>
    /// <returns>0, or a negative error.</returns>
    public int BusIommuProbe(BusType bus)
    {
        var groupList = new List<IommuGroup>();
        int ret = _kernel.Base.BusForEachDev(bus, groupList, ProbeIommuGroup);
        if (ret != 0)
        {
            return ret;
        }

        foreach (IommuGroup group in groupList)
        {
            group.Mutex.Lock();
            group.OnGroupList = false;
            ProbeAllocDefaultDomain(bus, group);
            IommuDomain? domain = group.DefaultDomain;
            if (domain is null)
            {
                group.Mutex.Unlock();
                continue;
            }

            IommuGroupCreateDirectMappings(group, domain);
            ret = IommuGroupDmaAttach(group, domain);
            Device[] devices = group.Devices.ToArray();
            group.Mutex.Unlock();
            if (ret != 0)
            {
                break;
            }

            // __iommu_group_dma_finalize(): outside the group's mutex, as probe_finalize may sleep and
            // takes cpu_hotplug_lock (through the IOVA domain's CPU hotplug instance).
            foreach (Device dev in devices)
            {
                domain.Owner.ProbeFinalize(dev);
            }
        }

        return ret;
    }

    /// <summary>
    /// <c>iommu_probe_device()</c>: probes a device added after its IOMMU registered, or whose firmware
    /// data arrived late, then attaches it to its group's default domain.
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <returns>0, or a negative error (<c>-ENODEV</c> when no IOMMU handles it).</returns>
    [ExcludesLock("iommu_probe_device_lock")]
    public int IommuProbeDevice(Device dev)
    {
        _iommuProbeDeviceLock.Lock();
        int ret = IommuProbeDeviceLocked(dev, null);
        _iommuProbeDeviceLock.Unlock();
        if (ret != 0)
        {
            return ret;
        }

        IommuGroup? group = dev.IommuGroup();
        if (group is null)
        {
            return -Errno.ENODEV;
        }

        group.Mutex.Lock();
        IommuAllocDefaultDomain(group, dev);
        IommuDomain? domain = group.DefaultDomain;
        // A device joining a group user space owns stays on the group's current (blocking or user) domain.
        if (domain is not null && group.Owner is null)
        {
            ret = IommuAttachDeviceLocked(domain, dev);
        }

        if (domain is not null)
        {
            IommuCreateDeviceDirectMappings(domain, dev);
        }

        group.Mutex.Unlock();
        if (ret != 0 || domain is null)
        {
            return ret;
        }

        domain.Owner.ProbeFinalize(dev);
        return 0;
    }

    /// <summary>
    /// <c>iommu_release_device()</c>: undoes <see cref="IommuProbeDevice"/> for a device being removed:
    /// the driver's release, leaving the group, and freeing <c>dev-&gt;iommu</c>.
    /// </summary>
    /// <param name="dev">The device.</param>
    [ExcludesLock("iommu_probe_device_lock")]
    public void IommuReleaseDevice(Device dev)
    {
        _iommuProbeDeviceLock.Lock();
        IIommuOps? ops = DeviceIommuData.Of(dev).Iommu?.IommuDev?.Ops;
        if (ops is not null)
        {
            ops.ReleaseDevice(dev);
            IommuGroupRemoveDevice(dev);
            DevIommuFree(dev);
        }

        _iommuProbeDeviceLock.Unlock();
    }

    /// <summary>
    /// <c>of_iommu_configure()</c>: translates the device-tree <c>iommus</c> property into the device's
    /// fwspec under <c>iommu_probe_device_lock</c>, then replays <see cref="IommuProbeDevice"/>, since the
    /// IOMMU driver ignored the device when it was first added without firmware data.
    /// </summary>
    /// <param name="dev">A device-tree device.</param>
    /// <returns>0, <c>-EPROBE_DEFER</c> while its IOMMU has not registered, or another negative error.</returns>
    public int OfIommuConfigure(Device dev)
    {
        FwNode? node = dev.Fwnode;
        if (node is null || node.Iommus.Count == 0)
        {
            return 0;
        }

        int err = 0;
        _iommuProbeDeviceLock.Lock();
        if (DeviceIommuData.Of(dev).Iommu?.Fwspec is null)
        {
            foreach (FwNode iommuNode in node.Iommus)
            {
                err = OfIommuXlate(dev, iommuNode);
                if (err != 0)
                {
                    break;
                }
            }
        }

        _iommuProbeDeviceLock.Unlock();
        if (err == 0 && dev.IommuGroup() is null)
        {
            err = IommuProbeDevice(dev);
        }

        return err;
    }

    /// <summary>
    /// <c>iommu_device_use_default_domain()</c>: the bound kernel driver claims the device's DMA, counted
    /// in its group's <c>owner_cnt</c>; fails while user space owns the group.
    /// </summary>
    /// <remarks>
    /// Since the DMA ownership fix, buses call this at the end of <c>dma_configure</c>, after the
    /// firmware configuration has probed the device with its IOMMU, so a device without a group here
    /// will never get one: its DMA is the kernel's, with no group to count. The claim is taken on that
    /// path too, so that every success pairs with the release in
    /// <see cref="IommuDeviceUnuseDefaultDomain"/>, which sees no group either. Called before the
    /// firmware configuration, as in the v7 series, the no-group success claimed nothing and the group
    /// appeared afterwards: unbinding then underflowed <c>owner_cnt</c> (the regression in the fifth seed).
    /// </remarks>
    /// <param name="dev">The device, with <c>device_lock</c> held.</param>
    /// <returns>0 with the claim taken, or <c>-EBUSY</c> without it.</returns>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    public int IommuDeviceUseDefaultDomain(Device dev)
    {
        IommuGroup? group = dev.IommuGroup();
        if (group is null)
        {
            DevDmaOwnerClaim(dev);
            return 0;
        }

        group.Mutex.Lock();
        if (group.OwnerCnt != 0 && (group.Domain != group.DefaultDomain || group.Owner is not null))
        {
            group.Mutex.Unlock();
            return -Errno.EBUSY;
        }

        group.OwnerCnt++;
        group.Mutex.Unlock();
        DevDmaOwnerClaim(dev);
        return 0;
    }

    /// <summary><c>iommu_device_unuse_default_domain()</c>: the driver, being unbound, gives its DMA claim back.</summary>
    /// <param name="dev">The device, with <c>device_lock</c> held.</param>
    [ReleasesLock("dev.DmaOwner")]
    public void IommuDeviceUnuseDefaultDomain(Device dev)
    {
        DevDmaOwnerRelease(dev);
        IommuGroup? group = dev.IommuGroup();
        if (group is not null)
        {
            group.Mutex.Lock();
            if (!_kernel.Log.WarnOn(group.OwnerCnt == 0 || group.Owner is not null, $"iommu_device_unuse_default_domain: {dev}: owner_cnt is 0"))
            {
                group.OwnerCnt--;
            }

            group.Mutex.Unlock();
        }
    }

    /// <summary>
    /// <c>iommu_group_claim_dma_owner()</c>: user space (a VFIO group) takes the whole group: only when
    /// no kernel driver uses it, and the devices are moved to the blocking domain.
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="owner">The owner's token.</param>
    /// <returns>0, <c>-EPERM</c> while kernel drivers or another owner use the group, or <c>-EBUSY</c>.</returns>
    public int IommuGroupClaimDmaOwner(IommuGroup group, object owner)
    {
        group.Mutex.Lock();
        if (group.OwnerCnt != 0)
        {
            group.Mutex.Unlock();
            return -Errno.EPERM;
        }

        if (group.Domain is not null && group.Domain != group.DefaultDomain)
        {
            group.Mutex.Unlock();
            return -Errno.EBUSY;
        }

        int ret = IommuGroupAllocBlockingDomain(group);
        if (ret == 0 && group.BlockingDomain is { } blocking)
        {
            ret = IommuGroupSetDomain(group, blocking);
        }

        if (ret == 0)
        {
            group.Owner = owner;
            group.OwnerCnt++;
        }

        group.Mutex.Unlock();
        return ret;
    }

    /// <summary><c>iommu_group_release_dma_owner()</c>: user space gives the group back; the default domain returns.</summary>
    /// <param name="group">A group user space owns.</param>
    public void IommuGroupReleaseDmaOwner(IommuGroup group)
    {
        group.Mutex.Lock();
        if (!_kernel.Log.WarnOn(group.OwnerCnt == 0 || group.Owner is null, $"iommu_group_release_dma_owner: {group} is not owned"))
        {
            group.OwnerCnt = 0;
            group.Owner = null;
            if (group.DefaultDomain is { } defaultDomain)
            {
                _kernel.Log.WarnOn(IommuGroupSetDomain(group, defaultDomain) != 0, "iommu driver failed to attach the default domain");
            }
        }

        group.Mutex.Unlock();
    }

    /// <summary>
    /// <c>iommu_group_for_each_dev()</c>, folding: calls <paramref name="fn"/> on each device of the group
    /// under its mutex, passing each call's result to the next.
    /// </summary>
    /// <typeparam name="TData">What the callback folds.</typeparam>
    /// <param name="group">The group.</param>
    /// <param name="data">The initial value.</param>
    /// <param name="fn">The callback.</param>
    /// <returns>The last callback's result, or <paramref name="data"/> for an empty group.</returns>
    public TData IommuGroupForEachDev<TData>(IommuGroup group, TData data, System.Func<Device, TData, TData> fn)
    {
        group.Mutex.Lock();
        foreach (Device dev in group.Devices)
        {
            data = fn(dev, data);
        }

        group.Mutex.Unlock();
        return data;
    }

    /// <summary><c>iommu_domain_alloc()</c>: an unmanaged domain for the bus's IOMMU, for its user to map.</summary>
    /// <param name="bus">The bus.</param>
    /// <returns>The domain, or <see langword="null"/>.</returns>
    public IommuDomain? IommuDomainAlloc(BusType bus)
    {
        return bus.IommuOps()?.DomainAlloc(IommuDomainType.Unmanaged);
    }

    /// <summary><c>iommu_attach_group()</c>: attaches every device of the group to <paramref name="domain"/>.</summary>
    /// <param name="domain">An unmanaged domain.</param>
    /// <param name="group">The group, owned by the caller.</param>
    /// <returns>0, or <c>-EBUSY</c> when another user's domain is attached.</returns>
    public int IommuAttachGroup(IommuDomain domain, IommuGroup group)
    {
        group.Mutex.Lock();
        int ret;
        if (group.Domain is not null && group.Domain != group.DefaultDomain && group.Domain != group.BlockingDomain)
        {
            ret = -Errno.EBUSY;
        }
        else
        {
            ret = IommuGroupSetDomain(group, domain);
        }

        group.Mutex.Unlock();
        return ret;
    }

    /// <summary><c>iommu_detach_group()</c>: back to the blocking domain while owned, the default domain otherwise.</summary>
    /// <param name="domain">The domain attached by <see cref="IommuAttachGroup"/>.</param>
    /// <param name="group">The group.</param>
    public void IommuDetachGroup(IommuDomain domain, IommuGroup group)
    {
        group.Mutex.Lock();
        if (group.Domain == domain)
        {
            IommuDomain? next = group.Owner is not null ? group.BlockingDomain : group.DefaultDomain;
            if (next is not null)
            {
                _kernel.Log.WarnOn(IommuGroupSetDomain(group, next) != 0, "iommu_detach_group: reattach failed");
            }
        }

        group.Mutex.Unlock();
    }

    /// <summary>
    /// <c>iommu_get_group_resv_regions()</c>: the reserved regions of every device in the group, merged.
    /// VFIO calls it with the group's mutex taken here, so the IOMMU driver's callback must not take a
    /// lock that is held around probing (<c>dmar_global_lock</c> was, until the Intel driver moved to RCU).
    /// </summary>
    /// <param name="group">The group.</param>
    /// <returns>The regions.</returns>
    public List<IommuResvRegion> IommuGetGroupResvRegions(IommuGroup group)
    {
        var head = new List<IommuResvRegion>();
        group.Mutex.Lock();
        foreach (Device dev in group.Devices)
        {
            // A group with no default domain (no DMA API user) has no driver to ask.
            IommuDomain? domain = group.DefaultDomain;
            if (domain is null)
            {
                break;
            }

            var devResvRegions = new List<IommuResvRegion>();
            IommuGetResvRegions(domain.Owner, dev, devResvRegions);
            IommuInsertDeviceResvRegions(devResvRegions, head);
        }

        group.Mutex.Unlock();
        return head;
    }

    /// <summary><c>iommu_get_domain_for_dev()</c>: the domain the device's group is attached to.</summary>
    /// <param name="dev">A device.</param>
    /// <returns>The domain, or <see langword="null"/> when the device has no group.</returns>
    public IommuDomain? IommuGetDomainForDev(Device dev)
    {
        IommuGroup? group = dev.IommuGroup();
        if (group is null)
        {
            return null;
        }

        group.Mutex.Lock();
        IommuDomain? domain = group.Domain;
        group.Mutex.Unlock();
        return domain;
    }

    /// <summary><c>iommu_map()</c>: maps <paramref name="size"/> bytes at <paramref name="iova"/> to <paramref name="paddr"/>.</summary>
    /// <param name="domain">The domain.</param>
    /// <param name="iova">The I/O virtual address (page aligned).</param>
    /// <param name="paddr">The physical address (page aligned).</param>
    /// <param name="size">The size in bytes (whole pages).</param>
    /// <returns>0, or <c>-EBUSY</c> when a page is already mapped elsewhere.</returns>
    public static int IommuMap(IommuDomain domain, ulong iova, ulong paddr, ulong size)
    {
        for (ulong offset = 0; offset < size; offset += PageSize)
        {
            ulong pfn = (paddr + offset) >> PageShift;
            ulong existing = domain.PageTable.GetOrAdd((iova + offset) >> PageShift, pfn);
            if (existing != pfn)
            {
                return -Errno.EBUSY;
            }
        }

        return 0;
    }

    /// <summary><c>iommu_unmap()</c>.</summary>
    /// <param name="domain">The domain.</param>
    /// <param name="iova">The I/O virtual address (page aligned).</param>
    /// <param name="size">The size in bytes (whole pages).</param>
    /// <returns>How many bytes were unmapped.</returns>
    public static ulong IommuUnmap(IommuDomain domain, ulong iova, ulong size)
    {
        ulong unmapped = 0;
        for (ulong offset = 0; offset < size; offset += PageSize)
        {
            if (domain.PageTable.TryRemove((iova + offset) >> PageShift, out _))
            {
                unmapped += PageSize;
            }
        }

        return unmapped;
    }

    /// <summary>Every group, with what its devices, domains and owners are now (for snapshots).</summary>
    /// <returns>One entry per group, by id.</returns>
    public IReadOnlyList<GroupSnapshot> SnapshotGroups()
    {
        _groupKsetLock.Lock();
        IommuGroup[] groups = _groupKset.ToArray();
        _groupKsetLock.Unlock();
        var result = new List<GroupSnapshot>();
        foreach (IommuGroup group in groups)
        {
            group.Mutex.Lock();
            var devices = new List<string>();
            foreach (Device dev in group.Devices)
            {
                devices.Add(dev.Name);
            }

            result.Add(new GroupSnapshot(
                group.Id,
                devices,
                group.OwnerCnt,
                group.Owner is not null,
                group.Domain?.Type,
                group.Domain is not null && group.Domain == group.DefaultDomain,
                group.DefaultDomain?.MappedPages ?? 0));
            group.Mutex.Unlock();
        }

        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>Whether <c>dev-&gt;iommu</c> is allocated, read under <c>iommu_probe_device_lock</c> (for snapshots).</summary>
    /// <param name="dev">A device.</param>
    /// <returns>Whether the device has IOMMU core data.</returns>
    [ExcludesLock("iommu_probe_device_lock")]
    public bool HasDevIommu(Device dev)
    {
        _iommuProbeDeviceLock.Lock();
        bool has = DeviceIommuData.Of(dev).Iommu is not null;
        _iommuProbeDeviceLock.Unlock();
        return has;
    }

    /// <summary><c>iommu_group_alloc()</c>: a new, empty group, listed in the <c>iommu_groups</c> kset.</summary>
    /// <returns>The group.</returns>
    public IommuGroup IommuGroupAlloc()
    {
        var group = new IommuGroup(Interlocked.Increment(ref _lastGroupId));
        _groupKsetLock.Lock();
        _groupKset.Add(group);
        _groupKsetLock.Unlock();
        return group;
    }

    /// <summary><c>dev_iommu_priv_get()</c>: the IOMMU driver's per-device data.</summary>
    /// <param name="dev">A device being probed.</param>
    /// <returns>The data, or <see langword="null"/>.</returns>
    [RequiresLock("iommu_probe_device_lock")]
    public static object? DevIommuPrivGet(Device dev)
    {
        return DeviceIommuData.Of(dev).Iommu?.Priv;
    }

    /// <summary><c>dev_iommu_priv_set()</c>.</summary>
    /// <param name="dev">A device being probed, with <c>dev-&gt;iommu</c> allocated.</param>
    /// <param name="priv">The IOMMU driver's data, or <see langword="null"/> to clear it.</param>
    [RequiresLock("iommu_probe_device_lock")]
    public static void DevIommuPrivSet(Device dev, object? priv)
    {
        if (DeviceIommuData.Of(dev).Iommu is { } param)
        {
            param.Priv = priv;
        }
    }

    /// <summary>
    /// <c>iommu_bus_notifier()</c>: probes each device added to a bus, and releases each removed one.
    /// </summary>
    private int IommuBusNotifier(BusNotifyAction action, Device dev)
    {
        if (action == BusNotifyAction.AddDevice)
        {
            return IommuProbeDevice(dev) == 0 ? BlockingNotifierHead.NotifyOk : BlockingNotifierHead.NotifyDone;
        }

        if (action == BusNotifyAction.RemovedDevice)
        {
            IommuReleaseDevice(dev);
            return BlockingNotifierHead.NotifyOk;
        }

        return BlockingNotifierHead.NotifyDone;
    }

    /// <summary>
    /// <c>probe_iommu_group()</c>: the <c>bus_for_each_dev</c> callback of <see cref="BusIommuProbe"/>;
    /// each device is probed under <c>iommu_probe_device_lock</c>, so several IOMMU instances registering
    /// at once cannot probe (and free <c>dev-&gt;iommu</c> for) the same device together.
    /// </summary>
    private int ProbeIommuGroup(Device dev, List<IommuGroup> groupList)
    {
        _iommuProbeDeviceLock.Lock();
        int ret = IommuProbeDeviceLocked(dev, groupList);
        _iommuProbeDeviceLock.Unlock();
        return ret == -Errno.ENODEV ? 0 : ret;
    }

    /// <summary>
    /// <c>__iommu_probe_device()</c>: allocates <c>dev-&gt;iommu</c>, asks the bus's IOMMU driver whether it
    /// handles the device, and puts the device in its group; frees <c>dev-&gt;iommu</c> again when the
    /// driver declines.
    /// </summary>
    [RequiresLock("iommu_probe_device_lock")]
    private int IommuProbeDeviceLocked(Device dev, List<IommuGroup>? groupList)
    {
        IIommuOps? ops = dev.Bus?.IommuOps();
        if (ops is null)
        {
            return -Errno.ENODEV;
        }

        // Probed already if in a group (a replay, or another IOMMU instance's bus probe).
        if (dev.IommuGroup() is not null)
        {
            return 0;
        }

        DevIommu param = DevIommuGet(dev);
        int ret = ops.ProbeDevice(dev, out IommuDevice? iommuDev);
        if (ret != 0 || iommuDev is null)
        {
            DevIommuFree(dev);
            return ret != 0 ? ret : -Errno.ENODEV;
        }

        param.IommuDev = iommuDev;
        IommuGroup group = IommuGroupGetForDev(dev, ops);
        group.Mutex.Lock();
        if (groupList is not null && group.DefaultDomain is null && !group.OnGroupList)
        {
            group.OnGroupList = true;
            groupList.Add(group);
        }

        group.Mutex.Unlock();
        return 0;
    }

    /// <summary><c>dev_iommu_get()</c>: <c>dev-&gt;iommu</c>, allocated on first use.</summary>
    [RequiresLock("iommu_probe_device_lock")]
    private static DevIommu DevIommuGet(Device dev)
    {
        DeviceIommuData data = DeviceIommuData.Of(dev);
        DevIommu? param = data.Iommu;
        if (param is null)
        {
            param = new DevIommu();
            data.Iommu = param;
        }

        return param;
    }

    /// <summary>
    /// <c>dev_iommu_free()</c>: frees <c>dev-&gt;iommu</c>. Without <c>iommu_probe_device_lock</c>, two
    /// probes declining the same device both got here and the second dereferenced a pointer the first
    /// had cleared (the crash in the third seed).
    /// </summary>
    [RequiresLock("iommu_probe_device_lock")]
    private static void DevIommuFree(Device dev)
    {
        DeviceIommuData data = DeviceIommuData.Of(dev);
        DevIommu? param = data.Iommu;
        data.Iommu = null;
        if (param is not null)
        {
            param.Fwspec = null;
            param.IommuDev = null;
        }
    }

    /// <summary><c>of_iommu_xlate()</c> → <c>iommu_fwspec_init()</c> and the driver's <c>of_xlate()</c>.</summary>
    [RequiresLock("iommu_probe_device_lock")]
    private int OfIommuXlate(Device dev, FwNode iommuNode)
    {
        IIommuOps? ops = IommuOpsFromFwnode(iommuNode);
        if (ops is null)
        {
            return -Errno.EPROBE_DEFER;
        }

        DevIommu param = DevIommuGet(dev);
        param.Fwspec ??= new IommuFwspec(ops, iommuNode);
        return ops.OfXlate(dev, iommuNode);
    }

    /// <summary><c>iommu_group_get_for_dev()</c>: the device's group, from the driver's <c>device_group()</c> on first use.</summary>
    [RequiresLock("iommu_probe_device_lock")]
    private IommuGroup IommuGroupGetForDev(Device dev, IIommuOps ops)
    {
        IommuGroup? group = dev.IommuGroup();
        if (group is not null)
        {
            return group;
        }

        group = ops.DeviceGroup(dev);
        IommuGroupAddDevice(group, dev);
        return group;
    }

    /// <summary>
    /// <c>iommu_group_add_device()</c>: adds the device to the group under <c>&amp;group-&gt;mutex</c>, and
    /// attaches it to the group's current domain. At boot this runs under <c>dmar_global_lock</c>, from
    /// <c>intel_iommu_init()</c> through <see cref="BusIommuProbe"/>.
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="dev">A device not in any group.</param>
    /// <returns>0, or a negative error.</returns>
    public int IommuGroupAddDevice(IommuGroup group, Device dev)
    {
        DeviceIommuData.Of(dev).IommuGroup = group;
        group.Mutex.Lock();
        group.Devices.Add(dev);
        int ret = group.Domain is { } domain ? IommuAttachDeviceLocked(domain, dev) : 0;
        group.Mutex.Unlock();
        _kernel.Log.Printk($"{dev}: Adding to iommu group {group.Id}");
        return ret;
    }

    /// <summary><c>iommu_group_remove_device()</c>.</summary>
    [RequiresLock("iommu_probe_device_lock")]
    private void IommuGroupRemoveDevice(Device dev)
    {
        IommuGroup? group = dev.IommuGroup();
        if (group is null)
        {
            return;
        }

        _kernel.Log.Printk($"{dev}: Removing from iommu group {group.Id}");
        group.Mutex.Lock();
        group.Devices.Remove(dev);
        group.Mutex.Unlock();
        DeviceIommuData.Of(dev).IommuGroup = null;
    }

    /// <summary><c>probe_alloc_default_domain()</c> → <c>iommu_group_alloc_default_domain()</c>.</summary>
    [RequiresLock("group.Mutex")]
    private void ProbeAllocDefaultDomain(BusType bus, IommuGroup group)
    {
        if (group.DefaultDomain is not null || bus.IommuOps() is not { } ops)
        {
            return;
        }

        IommuGroupAllocDefaultDomain(ops, group);
    }

    /// <summary><c>iommu_alloc_default_domain()</c>: the hotplug path's default domain allocation.</summary>
    [RequiresLock("group.Mutex")]
    private void IommuAllocDefaultDomain(IommuGroup group, Device dev)
    {
        if (group.DefaultDomain is not null || dev.Bus?.IommuOps() is not { } ops)
        {
            return;
        }

        IommuGroupAllocDefaultDomain(ops, group);
    }

    /// <summary><c>iommu_group_alloc_default_domain()</c>: a DMA domain with its IOVA cookie (<c>iommu_get_dma_cookie</c>).</summary>
    [RequiresLock("group.Mutex")]
    private void IommuGroupAllocDefaultDomain(IIommuOps ops, IommuGroup group)
    {
        IommuDomain? domain = ops.DomainAlloc(IommuDomainType.Dma);
        if (domain is null)
        {
            return;
        }

        domain.IovaCookie = new IommuDmaCookie();
        group.DefaultDomain = domain;
        group.Domain ??= domain;
    }

    /// <summary><c>__iommu_group_alloc_blocking_domain()</c>.</summary>
    [RequiresLock("group.Mutex")]
    private static int IommuGroupAllocBlockingDomain(IommuGroup group)
    {
        if (group.BlockingDomain is not null)
        {
            return 0;
        }

        IIommuOps? ops = group.DefaultDomain?.Owner;
        IommuDomain? blocking = ops?.DomainAlloc(IommuDomainType.Blocked) ?? ops?.DomainAlloc(IommuDomainType.Unmanaged);
        if (blocking is null)
        {
            return -Errno.EINVAL;
        }

        group.BlockingDomain = blocking;
        return 0;
    }

    /// <summary><c>__iommu_group_set_domain()</c>: attaches every device of the group to <paramref name="newDomain"/>.</summary>
    [RequiresLock("group.Mutex")]
    private static int IommuGroupSetDomain(IommuGroup group, IommuDomain newDomain)
    {
        if (group.Domain == newDomain)
        {
            return 0;
        }

        foreach (Device dev in group.Devices)
        {
            int ret = IommuAttachDeviceLocked(newDomain, dev);
            if (ret != 0)
            {
                return ret;
            }
        }

        group.Domain = newDomain;
        return 0;
    }

    /// <summary><c>__iommu_group_dma_attach()</c>: attaches every device of the group to its default domain.</summary>
    [RequiresLock("group.Mutex")]
    private static int IommuGroupDmaAttach(IommuGroup group, IommuDomain domain)
    {
        foreach (Device dev in group.Devices)
        {
            int ret = IommuAttachDeviceLocked(domain, dev);
            if (ret != 0)
            {
                return ret;
            }
        }

        return 0;
    }

    /// <summary><c>__iommu_attach_device()</c>: <c>domain-&gt;ops-&gt;attach_dev()</c>.</summary>
    [RequiresLock("&group->mutex")]
    private static int IommuAttachDeviceLocked(IommuDomain domain, Device dev)
    {
        return domain.Owner.AttachDev(domain, dev);
    }

    /// <summary><c>iommu_group_create_direct_mappings()</c>: every device's direct regions in the default domain.</summary>
    [RequiresLock("group.Mutex")]
    private static void IommuGroupCreateDirectMappings(IommuGroup group, IommuDomain domain)
    {
        foreach (Device dev in group.Devices)
        {
            IommuCreateDeviceDirectMappings(domain, dev);
        }
    }

    /// <summary>
    /// <c>iommu_create_device_direct_mappings()</c>: identity-maps the device's <c>IOMMU_RESV_DIRECT</c>
    /// regions in its group's default domain, asking the driver for them (at boot, under
    /// <c>dmar_global_lock</c>: the Intel callback taking it again was a recursive read).
    /// </summary>
    [RequiresLock("&group->mutex")]
    private static void IommuCreateDeviceDirectMappings(IommuDomain domain, Device dev)
    {
        if (!domain.IsDmaDomain)
        {
            return;
        }

        var mappings = new List<IommuResvRegion>();
        IommuGetResvRegions(domain.Owner, dev, mappings);
        foreach (IommuResvRegion entry in mappings)
        {
            if (entry.Type != IommuResvType.Direct)
            {
                continue;
            }

            for (ulong addr = entry.Start; addr < entry.Start + entry.Length; addr += PageSize)
            {
                domain.PageTable.TryAdd(addr >> PageShift, addr >> PageShift);
            }
        }
    }

    /// <summary>
    /// <c>iommu_get_resv_regions()</c>: <c>ops-&gt;get_resv_regions()</c>. The ops come from the group's
    /// domain (<c>domain-&gt;owner</c>), not from <c>dev-&gt;iommu</c>, which only probing may read.
    /// </summary>
    [RequiresLock("&group->mutex")]
    private static void IommuGetResvRegions(IIommuOps ops, Device dev, List<IommuResvRegion> list)
    {
        ops.GetResvRegions(dev, list);
    }

    /// <summary><c>iommu_insert_device_resv_regions()</c>: adds the regions not already listed.</summary>
    private static void IommuInsertDeviceResvRegions(List<IommuResvRegion> devResvRegions, List<IommuResvRegion> groupResvRegions)
    {
        foreach (IommuResvRegion region in devResvRegions)
        {
            if (!groupResvRegions.Contains(region))
            {
                groupResvRegions.Add(region);
            }
        }
    }

    /// <summary>Records the device's DMA ownership claim (see <see cref="Device.DmaOwner"/>).</summary>
    [AcquiresLock("dev.DmaOwner")]
    private void DevDmaOwnerClaim(Device dev)
    {
        _kernel.Log.WarnOn(Interlocked.Increment(ref DeviceIommuData.Of(dev).DmaOwnerClaims) != 1, $"{dev}: DMA ownership claimed twice");
    }

    /// <summary>Drops the device's DMA ownership claim (see <see cref="Device.DmaOwner"/>).</summary>
    [ReleasesLock("dev.DmaOwner")]
    private void DevDmaOwnerRelease(Device dev)
    {
        _kernel.Log.WarnOn(Interlocked.Decrement(ref DeviceIommuData.Of(dev).DmaOwnerClaims) != 0, $"{dev}: DMA ownership released without a claim");
    }
}

/// <summary>What one IOMMU group looks like at a moment.</summary>
/// <param name="Id">The group number.</param>
/// <param name="Devices">Its devices' names, in the order they joined.</param>
/// <param name="OwnerCnt"><c>owner_cnt</c>.</param>
/// <param name="OwnedByUser">Whether user space owns it.</param>
/// <param name="DomainType">The type of the attached domain.</param>
/// <param name="OnDefaultDomain">Whether the attached domain is the default domain.</param>
/// <param name="DefaultDomainMappedPages">Pages mapped in the default domain.</param>
public sealed record GroupSnapshot(int Id, IReadOnlyList<string> Devices, int OwnerCnt, bool OwnedByUser, IommuDomainType? DomainType, bool OnDefaultDomain, int DefaultDomainMappedPages);
