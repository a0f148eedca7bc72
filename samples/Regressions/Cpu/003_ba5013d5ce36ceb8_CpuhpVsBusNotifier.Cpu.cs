// Seed: 003_ba5013d5ce36ceb8
// The CPU hotplug module (kernel/cpu.c); the seed mail and the modules it crosses are described in
// ../Base/003_ba5013d5ce36ceb8_CpuhpVsBusNotifier.Base.cs.

using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed003;

/// <summary>A CPU hotplug state callback.</summary>
public delegate int CpuhpSingleFn(int cpu);

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
    /// <c>cpuhp_kick_ap_work()</c>: lockdep's view of waiting for the thread's bring-up: the control CPU
    /// holds cpu_hotplug_lock for writing while it waits for the thread that holds cpuhp_state-up.
    /// </summary>
    private int CpuhpKickApWork(int cpu)
    {
        _cpuhpStateUpMap.Acquire(); // runtime: cpu_hotplug_lock -> cpuhp_state-up
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
