// Seed: 000_752a93a4473dd53d
// The Intel VT-d driver module, which registers its IOMMU and its IIommuOps with the IOMMU core; the
// seed mail and the modules it crosses are described in
// ../Base/000_752a93a4473dd53d_DmarGlobalLockVsGroupMutex.Base.cs.

using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed000;

/// <summary><c>drivers/iommu/intel/iommu.c</c> before the fix.</summary>
public sealed class IntelIommu : IIommuOps
{
    private readonly Iommu _iommu;

    [LockClass("dmar_global_lock")]
    private readonly KRwSem _dmarGlobalLock = new();

    public IntelIommu(Iommu iommu) => _iommu = iommu;

    /// <summary><c>intel_iommu_init()</c>: registers the IOMMU holding dmar_global_lock for reading.</summary>
    public int IntelIommuInit()
    {
        _dmarGlobalLock.DownRead();
        int ret = _iommu.IommuDeviceRegister(this);
        _dmarGlobalLock.UpRead();
        return ret;
    }

    /// <summary><c>intel_iommu_device_group()</c>.</summary>
    public IommuGroup DeviceGroup(Device dev) => new IommuGroup();

    /// <summary><c>intel_iommu_ops.get_resv_regions</c>.</summary>
    public void GetResvRegions(Device dev, List<string> head) => IntelIommuGetResvRegions(dev, head);

    /// <summary><c>intel_iommu_get_resv_regions()</c>: the RMRRs, read under dmar_global_lock.</summary>
    private void IntelIommuGetResvRegions(Device dev, List<string> head)
    {
        _dmarGlobalLock.DownRead(); // expect LD0001 'dmar_global_lock' '&group->mutex'; runtime: WARNING: possible circular locking dependency detected
        head.Add("rmrr for " + dev.Name);
        _dmarGlobalLock.UpRead();
    }
}
