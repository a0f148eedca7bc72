// Seed: 000_752a93a4473dd53d
// The VFIO module (VFIO_SET_IOMMU and the type1 backend), a user of the IOMMU core's group API; the
// seed mail and the modules it crosses are described in
// ../Base/000_752a93a4473dd53d_DmarGlobalLockVsGroupMutex.Base.cs.

using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed000;

/// <summary><c>struct vfio_container</c>.</summary>
public sealed class VfioContainer
{
    [LockClass("&container->group_lock")]
    public readonly KRwSem GroupLock = new();
}

/// <summary><c>struct vfio_iommu</c> (type1).</summary>
public sealed class VfioIommu
{
    [LockClass("&iommu->lock")]
    public readonly KMutex Lock = new();

    [GuardedBy(nameof(Lock))]
    public List<string> ResvRegions = new();
}

/// <summary><c>drivers/vfio</c>: VFIO_SET_IOMMU and the type1 backend.</summary>
public sealed class Vfio
{
    private readonly Iommu _iommu;

    [LockClass("&vfio.iommu_drivers_lock")]
    private readonly KMutex _iommuDriversLock = new();

    public Vfio(Iommu iommu) => _iommu = iommu;

    /// <summary><c>vfio_fops_unl_ioctl(VFIO_SET_IOMMU)</c>.</summary>
    public int VfioFopsUnlIoctl(VfioContainer container, VfioIommu iommu, IommuGroup group)
    {
        container.GroupLock.DownWrite();
        _iommuDriversLock.Lock();
        int ret = VfioIommuType1AttachGroup(iommu, group);
        _iommuDriversLock.Unlock();
        container.GroupLock.UpWrite();
        return ret;
    }

    /// <summary><c>vfio_iommu_type1_attach_group()</c>.</summary>
    private int VfioIommuType1AttachGroup(VfioIommu iommu, IommuGroup group)
    {
        iommu.Lock.Lock();
        iommu.ResvRegions = _iommu.IommuGetGroupResvRegions(group);
        iommu.Lock.Unlock();
        return 0;
    }
}
