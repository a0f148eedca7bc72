using System.Collections.Concurrent;
using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>IOMMU_DOMAIN_*</c>: what a domain is for.</summary>
public enum IommuDomainType
{
    /// <summary><c>IOMMU_DOMAIN_BLOCKED</c>: all DMA blocked (a group owned by user space, not yet attached).</summary>
    Blocked,

    /// <summary><c>IOMMU_DOMAIN_IDENTITY</c>: DMA addresses are physical addresses.</summary>
    Identity,

    /// <summary><c>IOMMU_DOMAIN_UNMANAGED</c>: mapped by its user (VFIO).</summary>
    Unmanaged,

    /// <summary><c>IOMMU_DOMAIN_DMA</c>: mapped by the DMA API (<c>dma-iommu.c</c>).</summary>
    Dma,
}

/// <summary><c>enum iommu_resv_type</c>.</summary>
public enum IommuResvType
{
    /// <summary><c>IOMMU_RESV_DIRECT</c>: must stay identity-mapped (an RMRR: firmware keeps using it).</summary>
    Direct,

    /// <summary><c>IOMMU_RESV_MSI</c>: the interrupt remapping window, never mapped for DMA.</summary>
    Msi,
}

/// <summary><c>struct iommu_resv_region</c>: an address range a domain must treat specially.</summary>
/// <param name="Start">The first address.</param>
/// <param name="Length">The length in bytes.</param>
/// <param name="Type">How the range is reserved.</param>
public sealed record IommuResvRegion(ulong Start, ulong Length, IommuResvType Type);

/// <summary><c>struct iommu_device</c>: one IOMMU instance as the core knows it.</summary>
public sealed class IommuDevice
{
    /// <summary>Creates an IOMMU instance description.</summary>
    /// <param name="name">The instance's name (<c>dmar0</c>, <c>ff650800.iommu</c>).</param>
    /// <param name="fwnode">The firmware node client devices point at, if any.</param>
    public IommuDevice(string name, FwNode? fwnode)
    {
        Name = name;
        Fwnode = fwnode;
    }

    /// <summary>The instance's name.</summary>
    public string Name { get; }

    /// <summary><c>iommu-&gt;fwnode</c>.</summary>
    public FwNode? Fwnode { get; }

    /// <summary><c>iommu-&gt;ops</c>, set by <c>iommu_device_register()</c>.</summary>
    public IIommuOps? Ops { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary><c>struct iommu_fwspec</c>: the firmware's description of a device's IOMMU.</summary>
public sealed class IommuFwspec
{
    /// <summary>Creates a fwspec.</summary>
    /// <param name="ops">The IOMMU driver's ops.</param>
    /// <param name="iommuFwnode">The IOMMU's firmware node.</param>
    public IommuFwspec(IIommuOps ops, FwNode iommuFwnode)
    {
        Ops = ops;
        IommuFwnode = iommuFwnode;
    }

    /// <summary><c>fwspec-&gt;ops</c>.</summary>
    public IIommuOps Ops { get; }

    /// <summary><c>fwspec-&gt;iommu_fwnode</c>.</summary>
    public FwNode IommuFwnode { get; }
}

/// <summary>
/// <c>struct dev_iommu</c>: the IOMMU core's per-device data, reached through <c>dev-&gt;iommu</c>, which
/// <c>iommu_probe_device_lock</c> guards; its fields are reached only through that pointer.
/// </summary>
public sealed class DevIommu
{
    /// <summary><c>fwspec</c>: set by <c>of_xlate</c>.</summary>
    public IommuFwspec? Fwspec { get; set; }

    /// <summary><c>iommu_dev</c>: the IOMMU instance that probed the device.</summary>
    public IommuDevice? IommuDev { get; set; }

    /// <summary><c>priv</c>: the IOMMU driver's data (<c>dev_iommu_priv_get</c>).</summary>
    public object? Priv { get; set; }
}

/// <summary><c>struct iommu_domain</c>: an address space devices can be attached to.</summary>
public class IommuDomain
{
    private readonly ConcurrentDictionary<ulong, ulong> _pageTable = new();

    /// <summary>Creates a domain.</summary>
    /// <param name="type">What the domain is for.</param>
    /// <param name="owner">The IOMMU driver that allocated it.</param>
    public IommuDomain(IommuDomainType type, IIommuOps owner)
    {
        Type = type;
        Owner = owner;
    }

    /// <summary><c>domain-&gt;type</c>.</summary>
    public IommuDomainType Type { get; }

    /// <summary><c>domain-&gt;owner</c>: whose domain this is, the driver whose ops serve it.</summary>
    public IIommuOps Owner { get; }

    /// <summary><c>domain-&gt;iova_cookie</c>: the DMA API's IOVA allocator, for a DMA domain.</summary>
    public IommuDmaCookie? IovaCookie { get; internal set; }

    /// <summary><c>iommu_is_dma_domain()</c>.</summary>
    public bool IsDmaDomain => Type == IommuDomainType.Dma;

    /// <summary>
    /// The page table, IOVA page to physical page. Lock-free, as the drivers' page tables are (they
    /// update entries with <c>cmpxchg</c>): the DMAR fault handler walks it in hard-IRQ context.
    /// </summary>
    internal ConcurrentDictionary<ulong, ulong> PageTable => _pageTable;

    /// <summary>How many pages are mapped.</summary>
    public int MappedPages => _pageTable.Count;

    /// <summary><c>iommu_iova_to_phys()</c>.</summary>
    /// <param name="iova">An I/O virtual address.</param>
    /// <returns>The physical address, or <see langword="null"/> when not mapped.</returns>
    public ulong? IovaToPhys(ulong iova)
    {
        return _pageTable.TryGetValue(iova >> Iommu.PageShift, out ulong pfn)
            ? (pfn << Iommu.PageShift) | (iova & (Iommu.PageSize - 1))
            : null;
    }
}

/// <summary><c>struct iommu_group</c>: the devices an IOMMU cannot tell apart, and their shared domain and DMA ownership.</summary>
public sealed class IommuGroup
{
    /// <summary>Creates group <paramref name="id"/> (<c>iommu_group_alloc</c>).</summary>
    /// <param name="id">The group number.</param>
    public IommuGroup(int id)
    {
        Id = id;
    }

    /// <summary><c>group-&gt;id</c>.</summary>
    public int Id { get; }

    /// <summary><c>group-&gt;mutex</c>: guards the device list, the domains and DMA ownership.</summary>
    [LockClass("&group->mutex")]
    public readonly KMutex Mutex = new();

    /// <summary><c>group-&gt;devices</c>.</summary>
    [GuardedBy(nameof(Mutex))]
    internal readonly List<Device> Devices = new();

    /// <summary><c>group-&gt;owner_cnt</c>: kernel drivers using the default domain, or 1 for a user-space owner.</summary>
    [GuardedBy(nameof(Mutex))]
    internal int OwnerCnt;

    /// <summary><c>group-&gt;owner</c>: the user-space owner (a VFIO group file), if any.</summary>
    [GuardedBy(nameof(Mutex))]
    internal object? Owner;

    /// <summary><c>group-&gt;domain</c>: the domain the devices are attached to now.</summary>
    [GuardedBy(nameof(Mutex))]
    internal IommuDomain? Domain;

    /// <summary><c>group-&gt;default_domain</c>: the DMA API's domain.</summary>
    [GuardedBy(nameof(Mutex))]
    internal IommuDomain? DefaultDomain;

    /// <summary><c>group-&gt;blocking_domain</c>: attached while user space owns the group but has not attached its own.</summary>
    [GuardedBy(nameof(Mutex))]
    internal IommuDomain? BlockingDomain;

    /// <summary><c>!list_empty(&amp;group-&gt;entry)</c>: queued by a <c>bus_iommu_probe()</c> for its default domain.</summary>
    [GuardedBy(nameof(Mutex))]
    internal bool OnGroupList;

    /// <inheritdoc/>
    public override string ToString() => "iommu group " + Id;
}

/// <summary>
/// <c>struct iommu_ops</c> (with <c>iommu_domain_ops</c>): what an IOMMU driver gives the core. The
/// probe-time callbacks run under <c>iommu_probe_device_lock</c>, the attach-time ones under
/// <c>&amp;group-&gt;mutex</c>.
/// </summary>
public interface IIommuOps
{
    /// <summary><c>probe_device()</c>: whether this IOMMU translates <paramref name="dev"/>.</summary>
    /// <param name="dev">The device.</param>
    /// <param name="iommuDev">The IOMMU instance in front of it, on success.</param>
    /// <returns>0, or <c>-ENODEV</c> when this IOMMU does not handle the device.</returns>
    [RequiresLock("iommu_probe_device_lock")]
    int ProbeDevice(Device dev, out IommuDevice? iommuDev);

    /// <summary><c>release_device()</c>.</summary>
    /// <param name="dev">A probed device.</param>
    [RequiresLock("iommu_probe_device_lock")]
    void ReleaseDevice(Device dev);

    /// <summary><c>device_group()</c>: the group the device belongs in (an existing one, or a new one).</summary>
    /// <param name="dev">A probed device.</param>
    /// <returns>The group.</returns>
    [RequiresLock("iommu_probe_device_lock")]
    IommuGroup DeviceGroup(Device dev);

    /// <summary><c>of_xlate()</c>: takes in the device-tree <c>iommus</c> entry naming this IOMMU.</summary>
    /// <param name="dev">The client device.</param>
    /// <param name="iommuNode">The IOMMU's node.</param>
    /// <returns>0, or a negative error.</returns>
    [RequiresLock("iommu_probe_device_lock")]
    int OfXlate(Device dev, FwNode iommuNode);

    /// <summary><c>probe_finalize()</c>: what the driver does once the device is in a group with its default domain.</summary>
    /// <param name="dev">The device.</param>
    void ProbeFinalize(Device dev);

    /// <summary><c>domain_alloc()</c>.</summary>
    /// <param name="type">The domain type.</param>
    /// <returns>The domain, or <see langword="null"/> when the type is not supported.</returns>
    IommuDomain? DomainAlloc(IommuDomainType type);

    /// <summary><c>attach_dev()</c>: points the device's translation at <paramref name="domain"/>.</summary>
    /// <param name="domain">A domain this driver allocated.</param>
    /// <param name="dev">A device in the group being attached.</param>
    /// <returns>0, or a negative error.</returns>
    [RequiresLock("&group->mutex")]
    int AttachDev(IommuDomain domain, Device dev);

    /// <summary><c>get_resv_regions()</c>: appends the device's reserved regions to <paramref name="head"/>.</summary>
    /// <param name="dev">The device.</param>
    /// <param name="head">The list to append to.</param>
    [RequiresLock("&group->mutex")]
    void GetResvRegions(Device dev, List<IommuResvRegion> head);
}
