// Seed: 003_ba5013d5ce36ceb8
// Subject: Re: [core-for-CI][PATCH] iommu: Remove iova cpu hotplugging flushing
//
// f598a497bc7d made each IOVA domain register a CPU hotplug instance when its caches are set up,
// which happens from the bus notifier as a device is added: &(&priv->bus_notifier)->rwsem ->
// cpu_hotplug_lock. The hotplug thread runs state callbacks holding the lockdep map cpuhp_state-up,
// which the control CPU takes under cpu_hotplug_lock: cpu_hotplug_lock -> cpuhp_state-up. And
// coretemp's online callback added a platform device, whose device_add() calls the bus notifier
// chain: cpuhp_state-up -> &(&priv->bus_notifier)->rwsem. Fixed in v6.3 by "hwmon: (coretemp)
// Simplify platform device handling": the platform devices are created at init, outside any callback.
//
// Modules, as in the kernel: CPU hotplug (kernel/cpu.c) in ../Cpu/; the driver core's bus notifier and
// the IOMMU core's notifier, which registers each IOVA domain's hotplug instance, here
// (Regressions.Base, which references Cpu); coretemp in ../Hwmon/, which registers its hotplug callback
// with Cpu and adds platform devices through the driver core. No module sees the cycle alone: Cpu has
// cpu_hotplug_lock -> cpuhp_state-up and calls back what was registered; Base has the notifier rwsem ->
// cpu_hotplug_lock through Cpu; only the coretemp module sees its callback run under cpuhp_state-up
// (Cpu's call of what coretemp registered) reach the notifier rwsem (Base's device add), so its build
// must report the cycle, at the call that closes it: the marker is in ../Hwmon/. For that, what a
// module knows of another must include the callbacks a registration stores and a later call runs
// (CpuhpSetupState and the hotplug thread, the notifier chain), as the kernel's modules call each
// other. Cpu and Base build clean.
//
// Run time: samples/RuntimeLockdep compiles these files as they are, one assembly per module. A driver
// adds a PCI device (the bus notifier runs the IOMMU probe, which registers a hotplug instance), then a
// CPU comes up: the control thread kicks the hotplug thread under cpu_hotplug_lock, and the hotplug
// thread runs coretemp's online callback holding cpuhp_state-up. Each on a thread of its own, one after
// the other: no deadlock, and the third acquisition closes the cycle of the seed's splat. `runtime:`
// markers name the lines its report cites.
using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed003;

/// <summary>A bus notifier's callback.</summary>
public delegate int NotifierFn(int action, Device dev);

/// <summary><c>struct device</c>.</summary>
public sealed class Device
{
    public Device(string name) => Name = name;

    public string Name { get; }
}

/// <summary><c>drivers/base</c>, <c>drivers/iommu/iommu.c</c>, <c>dma-iommu.c</c> and <c>iova.c</c>.</summary>
public sealed class Kernel
{
    private const int BusNotifyAddDevice = 1;

    public Kernel()
    {
        Cpu = new CpuHotplug();
        PlatformBusNotifier.BlockingNotifierChainRegister(IommuBusNotifier);
    }

    public CpuHotplug Cpu { get; }

    /// <summary><c>platform_bus_type.p-&gt;bus_notifier</c>.</summary>
    public BlockingNotifierHead PlatformBusNotifier { get; } = new();

    /// <summary><c>platform_device_add()</c> → <c>device_add()</c>.</summary>
    public void PlatformDeviceAdd(Device dev)
    {
        PlatformBusNotifier.BlockingNotifierCallChain(BusNotifyAddDevice, dev);
    }

    /// <summary><c>iommu_bus_notifier()</c>.</summary>
    private int IommuBusNotifier(int action, Device dev) => action == BusNotifyAddDevice ? IommuProbeDevice(dev) : 0;

    /// <summary><c>iommu_probe_device()</c> → <c>iommu_setup_dma_ops()</c>.</summary>
    private int IommuProbeDevice(Device dev) => IommuSetupDmaOps(dev);

    /// <summary><c>iommu_setup_dma_ops()</c> → <c>iova_domain_init_rcaches()</c>.</summary>
    private int IommuSetupDmaOps(Device dev) => IovaDomainInitRcaches(new object());

    /// <summary><c>iova_domain_init_rcaches()</c>: the IOVA domain's CPU hotplug instance.</summary>
    private int IovaDomainInitRcaches(object iovad) => Cpu.CpuhpStateAddInstance(iovad);
}

/// <summary><c>struct blocking_notifier_head</c> as a bus keeps it.</summary>
public sealed class BlockingNotifierHead
{
    [LockClass("&(&priv->bus_notifier)->rwsem")]
    private readonly KRwSem _rwsem = new();

    [GuardedBy(nameof(_rwsem))]
    private readonly List<NotifierFn> _chain = new();

    /// <summary><c>blocking_notifier_chain_register()</c>.</summary>
    public void BlockingNotifierChainRegister(NotifierFn notifierCall)
    {
        _rwsem.DownWrite();
        _chain.Add(notifierCall);
        _rwsem.UpWrite();
    }

    /// <summary><c>blocking_notifier_call_chain()</c>.</summary>
    public int BlockingNotifierCallChain(int action, Device dev)
    {
        int ret = 0;
        _rwsem.DownRead(); // runtime: WARNING: possible circular locking dependency detected
        foreach (NotifierFn notifierCall in _chain)
        {
            ret = notifierCall(action, dev);
        }

        _rwsem.UpRead();
        return ret;
    }
}
