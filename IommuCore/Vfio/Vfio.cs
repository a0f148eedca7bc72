using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>struct vfio_iommu_driver_ops</c>: an IOMMU backend for VFIO containers.</summary>
public interface IVfioIommuDriverOps
{
    /// <summary>The backend's name.</summary>
    string Name { get; }

    /// <summary><c>open()</c>: the backend's data for one container.</summary>
    /// <returns>The data.</returns>
    object Open();

    /// <summary><c>release()</c>.</summary>
    /// <param name="iommuData">What <see cref="Open"/> returned.</param>
    void Release(object iommuData);

    /// <summary><c>attach_group()</c>: puts a user-owned IOMMU group in the container's address space.</summary>
    /// <param name="iommuData">What <see cref="Open"/> returned.</param>
    /// <param name="iommuGroup">The group.</param>
    /// <returns>0, or a negative error.</returns>
    int AttachGroup(object iommuData, IommuGroup iommuGroup);

    /// <summary><c>detach_group()</c>.</summary>
    /// <param name="iommuData">What <see cref="Open"/> returned.</param>
    /// <param name="iommuGroup">An attached group.</param>
    void DetachGroup(object iommuData, IommuGroup iommuGroup);

    /// <summary><c>ioctl(VFIO_IOMMU_MAP_DMA)</c>: maps user memory at <paramref name="iova"/> in every attached group.</summary>
    /// <param name="iommuData">What <see cref="Open"/> returned.</param>
    /// <param name="iova">The I/O virtual address.</param>
    /// <param name="paddr">The pinned pages' physical address.</param>
    /// <param name="size">Bytes.</param>
    /// <returns>0, or a negative error.</returns>
    int MapDma(object iommuData, ulong iova, ulong paddr, ulong size);
}

/// <summary><c>struct vfio_container</c>: an address space user space builds, and the groups in it.</summary>
public sealed class VfioContainer
{
    /// <summary><c>container-&gt;group_lock</c>: taken for writing to change the groups or the backend, for reading to use them.</summary>
    [LockClass("&container->group_lock")]
    internal readonly KRwSem GroupLock = new();

    /// <summary><c>container-&gt;group_list</c>.</summary>
    [GuardedBy(nameof(GroupLock))]
    internal readonly List<VfioGroup> GroupList = new();

    /// <summary><c>container-&gt;iommu_driver</c>.</summary>
    [GuardedBy(nameof(GroupLock))]
    internal IVfioIommuDriverOps? IommuDriver;

    /// <summary><c>container-&gt;iommu_data</c>.</summary>
    [GuardedBy(nameof(GroupLock))]
    internal object? IommuData;
}

/// <summary><c>struct vfio_group</c>: an IOMMU group as user space opened it (<c>/dev/vfio/N</c>).</summary>
public sealed class VfioGroup
{
    internal VfioGroup(IommuGroup iommuGroup)
    {
        IommuGroup = iommuGroup;
    }

    /// <summary><c>group-&gt;iommu_group</c>.</summary>
    public IommuGroup IommuGroup { get; }

    /// <summary><c>group-&gt;group_rwsem</c>: guards which container the group is in.</summary>
    [LockClass("&group->group_rwsem")]
    internal readonly KRwSem GroupRwsem = new();

    /// <summary><c>group-&gt;container</c>.</summary>
    [GuardedBy(nameof(GroupRwsem))]
    internal VfioContainer? Container;
}

/// <summary>
/// VFIO's core (<c>drivers/vfio/vfio_main.c</c>, <c>container.c</c>): containers, groups, and the IOMMU
/// backends. <c>VFIO_SET_IOMMU</c> attaches the container's groups to the backend holding
/// <c>&amp;container-&gt;group_lock</c> and <c>&amp;vfio.iommu_drivers_lock</c>, as the first seed's lock list shows.
/// </summary>
public sealed class Vfio
{
    private readonly Kernel _kernel;

    /// <summary><c>vfio.iommu_drivers_lock</c>.</summary>
    [LockClass("&vfio.iommu_drivers_lock")]
    private readonly KMutex _iommuDriversLock = new();

    [GuardedBy(nameof(_iommuDriversLock))]
    private readonly List<IVfioIommuDriverOps> _iommuDriversList = new();

    /// <summary>Creates VFIO for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Vfio(Kernel kernel)
    {
        _kernel = kernel;
    }

    /// <summary><c>vfio_register_iommu_driver()</c>.</summary>
    /// <param name="ops">The backend.</param>
    public void VfioRegisterIommuDriver(IVfioIommuDriverOps ops)
    {
        _iommuDriversLock.Lock();
        _iommuDriversList.Add(ops);
        _iommuDriversLock.Unlock();
    }

    /// <summary>Opening <c>/dev/vfio/vfio</c>: a new, empty container.</summary>
    /// <returns>The container.</returns>
    public static VfioContainer VfioContainerOpen()
    {
        return new VfioContainer();
    }

    /// <summary>Opening <c>/dev/vfio/N</c>: the VFIO group of an IOMMU group.</summary>
    /// <param name="iommuGroup">The IOMMU group.</param>
    /// <returns>The VFIO group, in no container.</returns>
    public static VfioGroup VfioGroupOpen(IommuGroup iommuGroup)
    {
        return new VfioGroup(iommuGroup);
    }

    /// <summary>
    /// <c>VFIO_GROUP_SET_CONTAINER</c> → <c>vfio_container_attach_group()</c>: user space claims the group's
    /// DMA (<c>iommu_group_claim_dma_owner</c>: refused while kernel drivers use it) and adds it to the
    /// container; a container that already has a backend attaches it at once.
    /// </summary>
    /// <param name="group">A group in no container.</param>
    /// <param name="container">The container.</param>
    /// <returns>0, or a negative error.</returns>
    public int VfioGroupSetContainer(VfioGroup group, VfioContainer container)
    {
        group.GroupRwsem.DownWrite();
        if (group.Container is not null)
        {
            group.GroupRwsem.UpWrite();
            return -Errno.EINVAL;
        }

        container.GroupLock.DownWrite();
        int ret = _kernel.Iommu().IommuGroupClaimDmaOwner(group.IommuGroup, group);
        if (ret == 0 && container.IommuDriver is { } driver && container.IommuData is { } data)
        {
            ret = driver.AttachGroup(data, group.IommuGroup);
            if (ret != 0)
            {
                _kernel.Iommu().IommuGroupReleaseDmaOwner(group.IommuGroup);
            }
        }

        if (ret == 0)
        {
            group.Container = container;
            container.GroupList.Add(group);
        }

        container.GroupLock.UpWrite();
        group.GroupRwsem.UpWrite();
        return ret;
    }

    /// <summary>
    /// <c>VFIO_GROUP_UNSET_CONTAINER</c> → <c>vfio_group_detach_container()</c>: detaches the group from the
    /// backend, gives its DMA back to the kernel, and releases the backend with the last group.
    /// </summary>
    /// <param name="group">A group in a container.</param>
    public void VfioGroupUnsetContainer(VfioGroup group)
    {
        group.GroupRwsem.DownWrite();
        VfioContainer? container = group.Container;
        if (container is not null)
        {
            container.GroupLock.DownWrite();
            if (container.IommuDriver is { } driver && container.IommuData is { } data)
            {
                driver.DetachGroup(data, group.IommuGroup);
                if (container.GroupList.Count == 1)
                {
                    driver.Release(data);
                    container.IommuDriver = null;
                    container.IommuData = null;
                }
            }

            _kernel.Iommu().IommuGroupReleaseDmaOwner(group.IommuGroup);
            container.GroupList.Remove(group);
            group.Container = null;
            container.GroupLock.UpWrite();
        }

        group.GroupRwsem.UpWrite();
    }

    /// <summary>
    /// <c>vfio_fops_unl_ioctl(VFIO_SET_IOMMU)</c> → <c>vfio_ioctl_set_iommu()</c>: picks the first backend
    /// that opens, and attaches every group of the container to it, holding
    /// <c>&amp;container-&gt;group_lock</c> for writing and <c>&amp;vfio.iommu_drivers_lock</c>.
    /// </summary>
    /// <param name="container">A container with groups and no backend.</param>
    /// <returns>0, or a negative error.</returns>
    public int VfioIoctlSetIommu(VfioContainer container)
    {
        container.GroupLock.DownWrite();
        if (container.IommuDriver is not null || container.GroupList.Count == 0)
        {
            container.GroupLock.UpWrite();
            return -Errno.EINVAL;
        }

        int ret = -Errno.ENODEV;
        _iommuDriversLock.Lock();
        foreach (IVfioIommuDriverOps driver in _iommuDriversList)
        {
            object data = driver.Open();
            ret = VfioContainerAttachGroups(container, driver, data);
            if (ret != 0)
            {
                driver.Release(data);
                continue;
            }

            container.IommuDriver = driver;
            container.IommuData = data;
            break;
        }

        _iommuDriversLock.Unlock();
        container.GroupLock.UpWrite();
        return ret;
    }

    /// <summary><c>VFIO_IOMMU_MAP_DMA</c> through the container's backend, with <c>&amp;container-&gt;group_lock</c> held for reading.</summary>
    /// <param name="container">A container with a backend.</param>
    /// <param name="iova">The I/O virtual address.</param>
    /// <param name="paddr">The pinned pages' physical address.</param>
    /// <param name="size">Bytes.</param>
    /// <returns>0, or a negative error.</returns>
    public static int VfioIommuMapDma(VfioContainer container, ulong iova, ulong paddr, ulong size)
    {
        container.GroupLock.DownRead();
        int ret = container.IommuDriver is { } driver && container.IommuData is { } data
            ? driver.MapDma(data, iova, paddr, size)
            : -Errno.EINVAL;
        container.GroupLock.UpRead();
        return ret;
    }

    /// <summary><c>__vfio_container_attach_groups()</c>: attaches each group, undoing them all if one fails.</summary>
    [RequiresLock("container.GroupLock")]
    private static int VfioContainerAttachGroups(VfioContainer container, IVfioIommuDriverOps driver, object data)
    {
        var attached = new List<VfioGroup>();
        foreach (VfioGroup group in container.GroupList)
        {
            int ret = driver.AttachGroup(data, group.IommuGroup);
            if (ret != 0)
            {
                foreach (VfioGroup done in attached)
                {
                    driver.DetachGroup(data, done.IommuGroup);
                }

                return ret;
            }

            attached.Add(group);
        }

        return 0;
    }
}
