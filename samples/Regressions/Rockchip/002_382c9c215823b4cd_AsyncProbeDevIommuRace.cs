// Seed: 002_382c9c215823b4cd
// Subject: Re: 6.1-rc1 regression: bisected to 57365a04c921 iommu: Move bus setup to IOMMU device registration
//
// With driver_async_probe=rk_iommu, several Rockchip IOMMUs register at once, and each
// iommu_device_register() runs bus_iommu_probe() over every platform device. Nothing serialised
// __iommu_probe_device(): two instances probing the same client both allocated or reused dev->iommu,
// both were declined by rk_iommu_probe_device() (no firmware data yet), and both freed it: the second
// dev_iommu_free() dereferenced the pointer the first had cleared. Fixed in v6.2 by "iommu: Avoid
// races around device probe", which serialises probing under iommu_probe_device_lock; dev->iommu is
// annotated here with that guard, and the broken code never takes it.
//
// Run time: samples/RuntimeLockdep compiles this file with RUNTIME_LOCKDEP defined. The race itself
// (two threads in dev_iommu_get()/dev_iommu_free() on the same device) is not a lock operation, and
// [GuardedBy] is checked at compile time only, so no run can report it as lockdep would. What the runtime
// can check is a lock contract: the fix made __iommu_probe_device() assert iommu_probe_device_lock held
// (lockdep_assert_held), and with that assertion declared ([RequiresLock], in that build only) the
// generated wrapper at its call reports every caller that does not hold it. The four rk_iommu probes run
// on four threads one after the other, so the double free cannot happen in this run; the unserialised
// call is reported all the same. `runtime:` markers name the lines its report cites.
using System.Collections.Generic;
using System.Threading.Tasks;
using LockDiscipline;

namespace Regressions.Seed002;

/// <summary><c>struct dev_iommu</c>.</summary>
public sealed class DevIommu
{
    public object? Fwspec { get; set; }

    public object? Priv { get; set; }
}

/// <summary><c>struct device</c>.</summary>
public sealed class Device
{
    public Device(string name) => Name = name;

    public string Name { get; }

    /// <summary><c>dev-&gt;iommu</c>: the per-device IOMMU state.</summary>
    [GuardedBy("iommu_probe_device_lock")]
    internal DevIommu? Iommu;
}

/// <summary><c>struct iommu_ops</c>.</summary>
public interface IIommuOps
{
    /// <summary><c>probe_device()</c>.</summary>
    int ProbeDevice(Device dev);
}

/// <summary><c>drivers/iommu/iommu.c</c> in v6.1-rc1.</summary>
public sealed class Iommu
{
    private readonly List<Device> _platformDevices;

    public Iommu(List<Device> platformDevices) => _platformDevices = platformDevices;

    /// <summary>The lock the fix added: declared so that <c>dev-&gt;iommu</c> can name it; this version never takes it.</summary>
    [LockClass("iommu_probe_device_lock")]
    public readonly KMutex IommuProbeDeviceLock = new();

    /// <summary><c>iommu_device_register()</c> → <c>bus_iommu_probe()</c>.</summary>
    public int IommuDeviceRegister(IIommuOps ops)
    {
        foreach (Device dev in _platformDevices)
        {
            int ret = ProbeIommuGroup(dev, ops);
            if (ret != 0)
            {
                return ret;
            }
        }

        return 0;
    }

    /// <summary><c>probe_iommu_group()</c>.</summary>
    private static int ProbeIommuGroup(Device dev, IIommuOps ops)
    {
        int ret = IommuProbeDeviceUnlocked(dev, ops); // runtime: iommu_probe_device_lock is not held
        return ret == -19 ? 0 : ret;
    }

    /// <summary><c>__iommu_probe_device()</c>, with nothing serialising it.</summary>
#if RUNTIME_LOCKDEP
    // The fix's lockdep_assert_held(), for the run-time checks only: at compile time the contract would
    // make the analyzer assume the lock held in here and report the callers (LD0009) instead of the
    // unguarded dev->iommu (LD0008) this sample is about.
    [RequiresLock("iommu_probe_device_lock")]
#endif
    private static int IommuProbeDeviceUnlocked(Device dev, IIommuOps ops)
    {
        DevIommuGet(dev);
        int ret = ops.ProbeDevice(dev);
        if (ret != 0)
        {
            DevIommuFree(dev);
        }

        return ret;
    }

    /// <summary><c>dev_iommu_get()</c>.</summary>
    private static DevIommu DevIommuGet(Device dev)
    {
        DevIommu? param = dev.Iommu; // expect LD0008 'Device.Iommu' 'iommu_probe_device_lock'
        if (param is null)
        {
            param = new DevIommu();
            dev.Iommu = param; // expect LD0008 'Device.Iommu' 'iommu_probe_device_lock'
        }

        return param;
    }

    /// <summary><c>dev_iommu_free()</c>: the second of two racing frees finds the pointer already cleared.</summary>
    private static void DevIommuFree(Device dev)
    {
        DevIommu param = dev.Iommu!; // expect LD0008 'Device.Iommu' 'iommu_probe_device_lock'
        dev.Iommu = null; // expect LD0008 'Device.Iommu' 'iommu_probe_device_lock'
        param.Fwspec = null;
    }
}

/// <summary><c>drivers/iommu/rockchip-iommu.c</c> in v6.1-rc1.</summary>
public sealed class RkIommu : IIommuOps
{
    private readonly Iommu _iommu;

    public RkIommu(Iommu iommu) => _iommu = iommu;

    /// <summary><c>dma_dev</c>: set after registration here, though <c>of_xlate</c> may need it as soon as the instance has registered.</summary>
    public Device? DmaDev { get; private set; }

    /// <summary><c>__driver_attach_async_helper()</c> for every instance at once (<c>driver_async_probe=rk_iommu</c>).</summary>
    public Task AsyncProbeAll(IReadOnlyList<Device> iommus)
    {
        var probes = new List<Task>();
        foreach (Device pdev in iommus)
        {
            probes.Add(Task.Run(() => RkIommuProbe(pdev)));
        }

        return Task.WhenAll(probes);
    }

    /// <summary><c>rk_iommu_probe_device()</c>: declines a client whose <c>of_xlate</c> has not run.</summary>
    public int ProbeDevice(Device dev)
    {
        return dev.Iommu?.Priv is null ? -19 : 0; // expect LD0008 'Device.Iommu' 'iommu_probe_device_lock'
    }

    /// <summary><c>rk_iommu_probe()</c>.</summary>
    public int RkIommuProbe(Device pdev)
    {
        int err = _iommu.IommuDeviceRegister(this);
        DmaDev ??= pdev;
        return err;
    }
}
