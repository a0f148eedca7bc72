// Seed: 000_752a93a4473dd53d
// Subject: Re: [PATCH v4 05/16] iommu: Move bus setup to IOMMU device registration
//
// 57365a04c921 moved bus_iommu_probe() into iommu_device_register(), which intel_iommu_init() calls
// holding dmar_global_lock: dmar_global_lock -> &group->mutex. VFIO attach takes &group->mutex in
// iommu_get_group_resv_regions() and calls intel_iommu_get_resv_regions(), which took
// dmar_global_lock: &group->mutex -> dmar_global_lock. Both sides only read the rwsem, and it is
// still a deadlock: a queued writer blocks new readers.
// Fixed in v6.1-rc2 by "iommu/vt-d: Use rcu_lock in get_resv_regions".
//
// Run time: samples/RuntimeLockdep compiles this file as it is and runs boot on one thread, then VFIO
// attach on another, one after the other: nothing deadlocks, and lockdep reports the inversion from the
// two orders it has seen. `runtime:` markers name the lines its report cites.
using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed000;

/// <summary><c>struct device</c>.</summary>
public sealed class Device
{
    public Device(string name) => Name = name;

    public string Name { get; }

    public IommuGroup? IommuGroup { get; set; }
}

/// <summary><c>struct iommu_group</c>.</summary>
public sealed class IommuGroup
{
    [LockClass("&group->mutex")]
    public readonly KMutex Mutex = new();

    [GuardedBy(nameof(Mutex))]
    internal readonly List<Device> Devices = new();
}

/// <summary><c>struct iommu_ops</c>.</summary>
public interface IIommuOps
{
    /// <summary><c>device_group()</c>.</summary>
    IommuGroup DeviceGroup(Device dev);

    /// <summary><c>get_resv_regions()</c>.</summary>
    void GetResvRegions(Device dev, List<string> head);
}

/// <summary><c>drivers/iommu/iommu.c</c>.</summary>
public sealed class Iommu
{
    private readonly List<Device> _pciDevices;
    private IIommuOps? _busIommuOps;

    public Iommu(List<Device> pciDevices) => _pciDevices = pciDevices;

    /// <summary><c>iommu_device_register()</c>: since 57365a04c921, probes the bus.</summary>
    public int IommuDeviceRegister(IIommuOps ops)
    {
        _busIommuOps = ops;
        return BusIommuProbe(ops);
    }

    /// <summary><c>iommu_get_group_resv_regions()</c>: the driver's callback under &amp;group-&gt;mutex.</summary>
    public List<string> IommuGetGroupResvRegions(IommuGroup group)
    {
        var head = new List<string>();
        group.Mutex.Lock();
        foreach (Device dev in group.Devices)
        {
            _busIommuOps?.GetResvRegions(dev, head);
        }

        group.Mutex.Unlock();
        return head;
    }

    /// <summary><c>bus_iommu_probe()</c>.</summary>
    private int BusIommuProbe(IIommuOps ops) => BusForEachDev(ops, ProbeIommuGroup);

    /// <summary><c>bus_for_each_dev()</c>.</summary>
    private int BusForEachDev(IIommuOps ops, System.Func<Device, IIommuOps, int> fn)
    {
        foreach (Device dev in _pciDevices)
        {
            int error = fn(dev, ops);
            if (error != 0)
            {
                return error;
            }
        }

        return 0;
    }

    /// <summary><c>probe_iommu_group()</c>.</summary>
    private int ProbeIommuGroup(Device dev, IIommuOps ops) => IommuProbeDevice(dev, ops);

    /// <summary><c>__iommu_probe_device()</c>.</summary>
    private int IommuProbeDevice(Device dev, IIommuOps ops) => IommuGroupAddDevice(ops.DeviceGroup(dev), dev);

    /// <summary><c>iommu_group_add_device()</c>.</summary>
    private static int IommuGroupAddDevice(IommuGroup group, Device dev)
    {
        dev.IommuGroup = group;
        group.Mutex.Lock(); // runtime: dmar_global_lock -> &group->mutex, at boot
        group.Devices.Add(dev);
        group.Mutex.Unlock();
        return 0;
    }
}

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
