using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>struct vfio_domain</c>: one IOMMU domain of a type1 container and the groups attached to it.</summary>
internal sealed class VfioDomain
{
    public VfioDomain(IommuDomain domain, IommuGroup group)
    {
        Domain = domain;
        Groups.Add(group);
    }

    public IommuDomain Domain { get; }

    public List<IommuGroup> Groups { get; } = new();
}

/// <summary><c>struct vfio_dma</c>: one user mapping, replayed into every domain.</summary>
/// <param name="Iova">The I/O virtual address.</param>
/// <param name="Paddr">The pinned pages' physical address.</param>
/// <param name="Size">Bytes.</param>
internal sealed record VfioDma(ulong Iova, ulong Paddr, ulong Size);

/// <summary><c>struct vfio_iommu</c>: a type1 container's state.</summary>
public sealed class VfioIommu
{
    /// <summary>
    /// <c>iommu-&gt;lock</c> (lockdep printed it as <c>&amp;iommu-&gt;lock#2</c>: another class had the name first).
    /// Held across the attach, so the IOMMU core's group mutex and the driver's callbacks nest inside it.
    /// </summary>
    [LockClass("&iommu->lock")]
    internal readonly KMutex Lock = new();

    /// <summary><c>iommu-&gt;domain_list</c>.</summary>
    [GuardedBy(nameof(Lock))]
    internal readonly List<VfioDomain> DomainList = new();

    /// <summary><c>iommu-&gt;dma_list</c>.</summary>
    [GuardedBy(nameof(Lock))]
    internal readonly List<VfioDma> DmaList = new();

    /// <summary><c>iommu-&gt;iova_list</c>'s complement: the ranges reserved by the attached groups.</summary>
    [GuardedBy(nameof(Lock))]
    internal readonly List<IommuResvRegion> ResvRegions = new();
}

/// <summary>
/// The type1 IOMMU backend (<c>drivers/vfio/vfio_iommu_type1.c</c>): one unmanaged IOMMU domain per
/// attached group here, with the user's mappings replayed into each.
/// </summary>
public sealed class VfioIommuType1 : IVfioIommuDriverOps
{
    private readonly Kernel _kernel;

    /// <summary>Creates the backend.</summary>
    /// <param name="kernel">The kernel.</param>
    public VfioIommuType1(Kernel kernel)
    {
        _kernel = kernel;
    }

    /// <inheritdoc/>
    public string Name => "vfio-iommu-type1";

    /// <summary><c>vfio_iommu_type1_open()</c>.</summary>
    /// <returns>A new <see cref="VfioIommu"/>.</returns>
    public object Open() => new VfioIommu();

    /// <summary><c>vfio_iommu_type1_release()</c>: nothing is attached by then; the mappings go with the container.</summary>
    /// <param name="iommuData">The container's <see cref="VfioIommu"/>.</param>
    public void Release(object iommuData)
    {
        var iommu = (VfioIommu)iommuData;
        iommu.Lock.Lock();
        _kernel.Log.WarnOn(iommu.DomainList.Count != 0, "vfio_iommu_type1_release: domains still attached");
        iommu.DmaList.Clear();
        iommu.Lock.Unlock();
    }

    /// <inheritdoc/>
    public int AttachGroup(object iommuData, IommuGroup iommuGroup)
    {
        return VfioIommuType1AttachGroup((VfioIommu)iommuData, iommuGroup);
    }

    /// <summary><c>vfio_iommu_type1_detach_group()</c>: back to the blocking domain, and the domain freed with its last group.</summary>
    /// <param name="iommuData">The container's <see cref="VfioIommu"/>.</param>
    /// <param name="iommuGroup">An attached group.</param>
    public void DetachGroup(object iommuData, IommuGroup iommuGroup)
    {
        var iommu = (VfioIommu)iommuData;
        iommu.Lock.Lock();
        foreach (VfioDomain domain in iommu.DomainList)
        {
            if (!domain.Groups.Remove(iommuGroup))
            {
                continue;
            }

            _kernel.Iommu().IommuDetachGroup(domain.Domain, iommuGroup);
            if (domain.Groups.Count == 0)
            {
                iommu.DomainList.Remove(domain);
            }

            break;
        }

        iommu.ResvRegions.Clear();
        iommu.Lock.Unlock();
    }

    /// <summary><c>vfio_dma_do_map()</c>: records the mapping and maps it in every domain, under <c>&amp;iommu-&gt;lock</c>.</summary>
    /// <param name="iommuData">The container's <see cref="VfioIommu"/>.</param>
    /// <param name="iova">The I/O virtual address.</param>
    /// <param name="paddr">The pinned pages' physical address.</param>
    /// <param name="size">Bytes.</param>
    /// <returns>0, or <c>-EINVAL</c> for a range that hits a reserved region.</returns>
    public int MapDma(object iommuData, ulong iova, ulong paddr, ulong size)
    {
        var iommu = (VfioIommu)iommuData;
        iommu.Lock.Lock();
        if (Overlaps(iommu.ResvRegions, iova, size))
        {
            iommu.Lock.Unlock();
            return -Errno.EINVAL;
        }

        var dma = new VfioDma(iova, paddr, size);
        iommu.DmaList.Add(dma);
        int ret = 0;
        foreach (VfioDomain domain in iommu.DomainList)
        {
            ret = Iommu.IommuMap(domain.Domain, dma.Iova, dma.Paddr, dma.Size);
            if (ret != 0)
            {
                break;
            }
        }

        iommu.Lock.Unlock();
        return ret;
    }

    /// <summary>
    /// <c>vfio_iommu_type1_attach_group()</c>: an unmanaged domain for the group's bus, the group attached
    /// to it, then the group's reserved regions (<c>iommu_get_group_resv_regions</c>, which takes
    /// <c>&amp;group-&gt;mutex</c> and calls the IOMMU driver), all under <c>&amp;iommu-&gt;lock</c>; existing
    /// mappings are replayed into the new domain.
    /// </summary>
    /// <param name="iommu">The container's state.</param>
    /// <param name="iommuGroup">A group user space owns.</param>
    /// <returns>0, or a negative error.</returns>
    public int VfioIommuType1AttachGroup(VfioIommu iommu, IommuGroup iommuGroup)
    {
        iommu.Lock.Lock();
        foreach (VfioDomain existing in iommu.DomainList)
        {
            if (existing.Groups.Contains(iommuGroup))
            {
                iommu.Lock.Unlock();
                return -Errno.EINVAL;
            }
        }

        BusType? bus = _kernel.Iommu().IommuGroupForEachDev(iommuGroup, (BusType?)null, VfioBusType);
        IommuDomain? domain = bus is null ? null : _kernel.Iommu().IommuDomainAlloc(bus);
        if (domain is null)
        {
            iommu.Lock.Unlock();
            return -Errno.ENODEV;
        }

        int ret = _kernel.Iommu().IommuAttachGroup(domain, iommuGroup);
        if (ret != 0)
        {
            iommu.Lock.Unlock();
            return ret;
        }

        List<IommuResvRegion> groupResvRegions = _kernel.Iommu().IommuGetGroupResvRegions(iommuGroup);
        foreach (VfioDma dma in iommu.DmaList)
        {
            if (Overlaps(groupResvRegions, dma.Iova, dma.Size))
            {
                _kernel.Iommu().IommuDetachGroup(domain, iommuGroup);
                iommu.Lock.Unlock();
                return -Errno.EINVAL;
            }
        }

        foreach (VfioDma dma in iommu.DmaList)
        {
            Iommu.IommuMap(domain, dma.Iova, dma.Paddr, dma.Size);
        }

        iommu.DomainList.Add(new VfioDomain(domain, iommuGroup));
        iommu.ResvRegions.AddRange(groupResvRegions);
        iommu.Lock.Unlock();
        return 0;
    }

    /// <summary><c>vfio_bus_type()</c>: the bus of the group's devices.</summary>
    private static BusType? VfioBusType(Device dev, BusType? bus) => bus ?? dev.Bus;

    private static bool Overlaps(List<IommuResvRegion> regions, ulong iova, ulong size)
    {
        foreach (IommuResvRegion region in regions)
        {
            if (iova < region.Start + region.Length && region.Start < iova + size)
            {
                return true;
            }
        }

        return false;
    }
}
