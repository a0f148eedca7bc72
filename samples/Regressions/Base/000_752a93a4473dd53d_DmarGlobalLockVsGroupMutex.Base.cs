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
// Modules, as in the kernel: the IOMMU core is here (Regressions.Base), the Intel driver in
// ../Intel/, VFIO in ../Vfio/; each driver references the core, and the core calls the Intel driver only
// through the IIommuOps it registers. The cycle crosses those boundaries: dmar_global_lock is the Intel
// module's, &group->mutex the core's, and only the Intel module's build sees both orders (its own
// acquisitions, and the core's through the references), so it is the build that must report the cycle:
// the marker is in ../Intel/. The core and VFIO build clean.
//
// Run time: samples/RuntimeLockdep compiles these files as they are, one assembly per module, and runs
// boot on one thread, then VFIO attach on another, one after the other: nothing deadlocks, and lockdep
// reports the inversion from the two orders it has seen. `runtime:` markers name the lines its report
// cites.
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
