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
// Run time: samples/RuntimeLockdep compiles this file as it is. A driver adds a PCI device (the bus
// notifier runs the IOMMU probe, which registers a hotplug instance), then a CPU comes up: the control
// thread kicks the hotplug thread under cpu_hotplug_lock, and the hotplug thread runs coretemp's online
// callback holding cpuhp_state-up. Each on a thread of its own, one after the other: no deadlock, and
// the third acquisition closes the cycle of the seed's splat. `runtime:` markers name the lines its
// report cites.
using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed003;

/// <summary>A bus notifier's callback.</summary>
public delegate int NotifierFn(int action, Device dev);

/// <summary>A CPU hotplug state callback.</summary>
public delegate int CpuhpSingleFn(int cpu);

/// <summary><c>struct device</c>.</summary>
public sealed class Device
{
    public Device(string name) => Name = name;

    public string Name { get; }
}

/// <summary><c>kernel/cpu.c</c>.</summary>
public sealed class CpuHotplug
{
    private const int CpuhpApOnlineDyn = 1;

    [LockClass("cpu_hotplug_lock", Kind = LockKind.PerCpuRwSemaphore)]
    private readonly KRwSem _cpuHotplugLock = new();

    [LockClass("cpuhp_state_mutex")]
    private readonly KMutex _cpuhpStateMutex = new();

    [LockClass("cpuhp_state-up", Kind = LockKind.LockMap)]
    private readonly KLockMap _cpuhpStateUpMap = new();

    private readonly CpuhpSingleFn?[] _startupSingle = new CpuhpSingleFn?[4];
    private readonly List<object> _iovaDeadInstances = new();

    /// <summary><c>_cpu_up()</c>: kicks the CPU's hotplug thread holding cpu_hotplug_lock for writing.</summary>
    public int CpuUp(int cpu)
    {
        _cpuHotplugLock.DownWrite();
        int ret = CpuhpKickApWork(cpu);
        _cpuHotplugLock.UpWrite();
        return ret;
    }

    /// <summary><c>cpuhp_setup_state()</c>: installs a callback (the CPUs come up later).</summary>
    public int CpuhpSetupState(CpuhpSingleFn startup)
    {
        _cpuHotplugLock.DownRead();
        _cpuhpStateMutex.Lock();
        _startupSingle[CpuhpApOnlineDyn] = startup;
        _cpuhpStateMutex.Unlock();
        _cpuHotplugLock.UpRead();
        return CpuhpApOnlineDyn;
    }

    /// <summary><c>__cpuhp_state_add_instance()</c>: cpus_read_lock().</summary>
    public int CpuhpStateAddInstance(object node)
    {
        _cpuHotplugLock.DownRead(); // runtime: &(&priv->bus_notifier)->rwsem -> cpu_hotplug_lock, from the bus notifier
        _cpuhpStateMutex.Lock();
        _iovaDeadInstances.Add(node);
        _cpuhpStateMutex.Unlock();
        _cpuHotplugLock.UpRead();
        return 0;
    }

    /// <summary><c>cpuhp_thread_fun()</c>: the hotplug thread runs a state's callback holding cpuhp_state-up.</summary>
    public int CpuhpThreadFun(int cpu, int state)
    {
        _cpuhpStateUpMap.Acquire();
        int ret = CpuhpInvokeCallback(cpu, state);
        _cpuhpStateUpMap.Release();
        return ret;
    }

    /// <summary>
    /// <c>cpuhp_kick_ap_work()</c>: lockdep's view of waiting for the thread's bring-up. The second
    /// diagnostic: the hotplug thread holds cpuhp_state-up when the IOMMU probe under the bus notifier
    /// takes cpu_hotplug_lock, which the control CPU holds for writing while it waits for that thread
    /// (lockdep records the same edge; it stops at the first cycle, the analyzer reports each).
    /// </summary>
    private int CpuhpKickApWork(int cpu)
    {
        _cpuhpStateUpMap.Acquire(); // expect LD0001 'cpuhp_state-up' 'cpu_hotplug_lock'; runtime: cpu_hotplug_lock -> cpuhp_state-up
        _cpuhpStateUpMap.Release();
        return cpu >= 0 ? 0 : -22;
    }

    /// <summary><c>cpuhp_invoke_callback()</c>.</summary>
    private int CpuhpInvokeCallback(int cpu, int state)
    {
        CpuhpSingleFn? startup = _startupSingle[state];
        return startup is null ? 0 : startup(cpu);
    }
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

/// <summary><c>drivers/hwmon/coretemp.c</c> before the fix.</summary>
public sealed class Coretemp
{
    private readonly Kernel _kernel;
    private readonly Device?[] _pkgDevices = new Device?[2];

    public Coretemp(Kernel kernel) => _kernel = kernel;

    /// <summary><c>coretemp_init()</c>.</summary>
    public int CoretempInit() => _kernel.Cpu.CpuhpSetupState(CoretempCpuOnline);

    /// <summary><c>coretemp_cpu_online()</c>: the package's first CPU creates its platform device.</summary>
    private int CoretempCpuOnline(int cpu)
    {
        int pkg = cpu / 2;
        if (_pkgDevices[pkg] is null)
        {
            var pdev = new Device($"coretemp.{pkg}");
            _kernel.PlatformDeviceAdd(pdev);
            _pkgDevices[pkg] = pdev;
        }

        return 0;
    }
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
        _rwsem.DownRead(); // expect LD0001 'cpuhp_state-up' 'cpu_hotplug_lock' '&(&priv->bus_notifier)->rwsem'; runtime: WARNING: possible circular locking dependency detected
        foreach (NotifierFn notifierCall in _chain)
        {
            ret = notifierCall(action, dev);
        }

        _rwsem.UpRead();
        return ret;
    }
}
