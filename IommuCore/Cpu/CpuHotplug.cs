using System;
using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>enum cpuhp_state</c>, reduced to the states the model uses, in bring-up order.</summary>
public enum CpuhpState
{
    /// <summary><c>CPUHP_OFFLINE</c>.</summary>
    Offline = 0,

    /// <summary><c>CPUHP_IOMMU_IOVA_DEAD</c>: torn down on the control CPU after the CPU is dead.</summary>
    IommuIovaDead,

    /// <summary><c>CPUHP_BRINGUP_CPU</c>: the control CPU starts (or, tearing down, stops) the CPU.</summary>
    BringupCpu,

    /// <summary><c>CPUHP_AP_ONLINE_DYN</c>: the first dynamically allocated state, run by the CPU's hotplug thread.</summary>
    ApOnlineDyn,

    /// <summary><c>CPUHP_AP_ONLINE_DYN_END</c>.</summary>
    ApOnlineDynEnd = ApOnlineDyn + 3,

    /// <summary><c>CPUHP_ONLINE</c>.</summary>
    Online,
}

/// <summary>A single-instance state callback (<c>int (*single)(unsigned int cpu)</c>).</summary>
/// <param name="cpu">The CPU coming up or going down.</param>
/// <returns>0, or a negative error.</returns>
public delegate int CpuhpSingleFn(int cpu);

/// <summary>A multi-instance state callback (<c>int (*multi)(unsigned int cpu, struct hlist_node *node)</c>).</summary>
/// <param name="cpu">The CPU coming up or going down.</param>
/// <param name="node">The instance.</param>
/// <returns>0, or a negative error.</returns>
public delegate int CpuhpMultiFn(int cpu, object node);

/// <summary>
/// CPU hotplug (<c>kernel/cpu.c</c>): <c>cpu_hotplug_lock</c>, the state machine each CPU walks when it
/// comes up or goes down, the per-CPU hotplug threads that run the AP states under the lockdep maps
/// <c>cpuhp_state-up</c>/<c>cpuhp_state-down</c>, and the registration of state callbacks.
/// </summary>
/// <remarks>
/// The callbacks are delegates in arrays indexed by state (<c>cpuhp_hp_states[]</c>), and a
/// multi-instance state's instances are a list, as in the kernel. The step arrays and instance lists
/// are written with <c>cpu_hotplug_lock</c> held for reading and <c>cpuhp_state_mutex</c> held, and read
/// with <c>cpu_hotplug_lock</c> held for writing or with both: a pair [GuardedBy] cannot state, so they
/// carry no annotation.
/// </remarks>
public sealed class CpuHotplug
{
    private const int StateCount = (int)CpuhpState.Online + 1;

    private readonly KernelLog _log;

    /// <summary><c>cpu_hotplug_lock</c>: held for writing while a CPU comes up or goes down, for reading by <c>cpus_read_lock()</c>.</summary>
    [LockClass("cpu_hotplug_lock", Kind = LockKind.PerCpuRwSemaphore)]
    [AcquiredBefore("cpuhp_state_mutex")]
    private readonly KRwSem _cpuHotplugLock = new();

    /// <summary><c>cpuhp_state_mutex</c>: serialises installing and removing state callbacks and instances.</summary>
    [LockClass("cpuhp_state_mutex")]
    private readonly KMutex _cpuhpStateMutex = new();

    /// <summary><c>cpuhp_state_up_map</c>: held by a hotplug thread while it runs bring-up callbacks, and briefly by whoever kicks it.</summary>
    [LockClass("cpuhp_state-up", Kind = LockKind.LockMap)]
    private readonly KLockMap _cpuhpStateUpMap = new();

    /// <summary><c>cpuhp_state_down_map</c>: the same for teardown.</summary>
    [LockClass("cpuhp_state-down", Kind = LockKind.LockMap)]
    private readonly KLockMap _cpuhpStateDownMap = new();

    private readonly string?[] _stepName = new string?[StateCount];
    private readonly bool[] _multiInstance = new bool[StateCount];
    private readonly CpuhpSingleFn?[] _startupSingle = new CpuhpSingleFn?[StateCount];
    private readonly CpuhpSingleFn?[] _teardownSingle = new CpuhpSingleFn?[StateCount];
    private readonly CpuhpMultiFn?[] _startupMulti = new CpuhpMultiFn?[StateCount];
    private readonly CpuhpMultiFn?[] _teardownMulti = new CpuhpMultiFn?[StateCount];
    private readonly List<object>[] _instances = new List<object>[StateCount];

    private readonly CpuhpCpuState[] _cpuhpState;

    /// <summary>Creates the CPU hotplug core with <paramref name="nrCpuIds"/> CPUs, all online, and starts their hotplug threads.</summary>
    /// <param name="log">The kernel log the hotplug steps print to.</param>
    /// <param name="nrCpuIds">The number of CPUs (<c>nr_cpu_ids</c>).</param>
    public CpuHotplug(KernelLog log, int nrCpuIds)
    {
        _log = log;
        NrCpuIds = nrCpuIds;
        for (int state = 0; state < StateCount; state++)
        {
            _instances[state] = new List<object>();
        }

        _stepName[(int)CpuhpState.BringupCpu] = "cpu:bringup";
        _cpuhpState = new CpuhpCpuState[nrCpuIds];
        for (int cpu = 0; cpu < nrCpuIds; cpu++)
        {
            _cpuhpState[cpu] = new CpuhpCpuState(cpu);
        }
    }

    /// <summary><c>nr_cpu_ids</c>.</summary>
    public int NrCpuIds { get; }

    /// <summary>
    /// <c>smpboot_register_percpu_thread(&amp;cpuhp_threads)</c>: starts each CPU's hotplug thread
    /// (<c>cpuhp/N</c>); the CPUs are already up, as after <c>bringup_nonboot_cpus()</c>.
    /// </summary>
    public void CpuhpThreadsInit()
    {
        foreach (CpuhpCpuState st in _cpuhpState)
        {
            st.State = CpuhpState.Online;
            st.Target = CpuhpState.Online;
            st.Thread = new Thread(SmpbootThreadFn) { IsBackground = true, Name = $"cpuhp/{st.Cpu}" };
            st.Thread.Start(st);
        }
    }

    /// <summary><c>kthread_stop()</c> of every hotplug thread, when the kernel shuts down.</summary>
    public void CpuhpThreadsStop()
    {
        foreach (CpuhpCpuState st in _cpuhpState)
        {
            st.ShouldStop = true;
            st.Kick.Release();
        }

        foreach (CpuhpCpuState st in _cpuhpState)
        {
            st.Thread?.Join();
        }
    }

    /// <summary><c>smp_processor_id()</c>: the CPU the calling thread stands for; a hotplug thread is bound to its CPU.</summary>
    /// <returns>A CPU number below <see cref="NrCpuIds"/>.</returns>
    public int SmpProcessorId()
    {
        return CpuhpCpuState.Bound ?? (Environment.CurrentManagedThreadId % NrCpuIds);
    }

    /// <summary><c>cpu_online()</c>, read under <c>cpus_read_lock()</c>.</summary>
    /// <param name="cpu">A CPU.</param>
    /// <returns>Whether it is online.</returns>
    public bool CpuOnline(int cpu)
    {
        _cpuHotplugLock.DownRead();
        bool online = _cpuhpState[cpu].State == CpuhpState.Online;
        _cpuHotplugLock.UpRead();
        return online;
    }

    /// <summary>
    /// <c>cpu_up()</c> → <c>_cpu_up()</c>: with <c>cpu_hotplug_lock</c> held for writing, runs the BP states
    /// on this thread, then kicks the CPU's hotplug thread through the AP states and waits for it.
    /// </summary>
    /// <param name="cpu">An offline CPU.</param>
    /// <returns>0, or a negative error.</returns>
    public int CpuUp(int cpu)
    {
        CpuhpCpuState st = _cpuhpState[cpu];
        CpusWriteLock();
        if (st.State != CpuhpState.Offline)
        {
            CpusWriteUnlock();
            return -Errno.EINVAL;
        }

        st.Target = CpuhpState.Online;
        int ret = CpuhpInvokeCallbackRange(true, cpu, st, CpuhpState.BringupCpu);
        if (ret == 0)
        {
            ret = CpuhpKickApWork(cpu, st, bringup: true);
        }

        CpusWriteUnlock();
        return ret;
    }

    /// <summary>
    /// <c>cpu_down()</c> → <c>_cpu_down()</c>: the hotplug thread runs the AP teardown states, then this
    /// thread the BP ones (among them the IOVA caches' dead callback).
    /// </summary>
    /// <param name="cpu">An online CPU other than the last.</param>
    /// <returns>0, or a negative error.</returns>
    public int CpuDown(int cpu)
    {
        CpuhpCpuState st = _cpuhpState[cpu];
        CpusWriteLock();
        if (st.State != CpuhpState.Online || NumOnlineCpus() == 1)
        {
            CpusWriteUnlock();
            return -Errno.EBUSY;
        }

        st.Target = CpuhpState.Offline;
        int ret = CpuhpKickApWork(cpu, st, bringup: false);
        if (ret == 0)
        {
            ret = CpuhpInvokeCallbackRange(false, cpu, st, CpuhpState.Offline);
        }

        CpusWriteUnlock();
        return ret;
    }

    /// <summary>
    /// <c>cpuhp_setup_state()</c> for a dynamic AP state: installs the callbacks and runs the startup
    /// callback for every CPU already past the state, on its hotplug thread.
    /// </summary>
    /// <param name="name">The state's name.</param>
    /// <param name="startup">The startup callback.</param>
    /// <param name="teardown">The teardown callback.</param>
    /// <returns>The allocated state (positive), or a negative error.</returns>
    [ExcludesLock("cpu_hotplug_lock")]
    public int CpuhpSetupState(string name, CpuhpSingleFn startup, CpuhpSingleFn? teardown)
    {
        _cpuHotplugLock.DownRead();
        int ret = CpuhpSetupStateCpuslocked(name, startup, teardown);
        _cpuHotplugLock.UpRead();
        return ret;
    }

    /// <summary>
    /// <c>cpuhp_setup_state_multi()</c>: installs a multi-instance state's callbacks; instances are added
    /// later (<see cref="CpuhpStateAddInstance"/>).
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="name">Its name.</param>
    /// <param name="startup">The startup callback, if any.</param>
    /// <param name="teardown">The teardown callback.</param>
    /// <returns>0, or a negative error.</returns>
    [ExcludesLock("cpu_hotplug_lock")]
    public int CpuhpSetupStateMulti(CpuhpState state, string name, CpuhpMultiFn? startup, CpuhpMultiFn? teardown)
    {
        _cpuHotplugLock.DownRead();
        _cpuhpStateMutex.Lock();
        int ret = _stepName[(int)state] is null ? 0 : -Errno.EBUSY;
        if (ret == 0)
        {
            CpuhpStoreCallbacks(state, name, null, null, true);
            _startupMulti[(int)state] = startup;
            _teardownMulti[(int)state] = teardown;
        }

        _cpuhpStateMutex.Unlock();
        _cpuHotplugLock.UpRead();
        return ret;
    }

    /// <summary>
    /// <c>__cpuhp_state_add_instance()</c>, as <c>cpuhp_state_add_instance_nocalls()</c> calls it (the only
    /// form the model needs: no callback runs for the new instance): adds an instance to a
    /// multi-instance state under <c>cpus_read_lock()</c>. Reached from the bus notifier (an IOVA domain set
    /// up while a device is probed), it is why <c>&amp;(&amp;priv-&gt;bus_notifier)-&gt;rwsem</c> is ordered
    /// before <c>cpu_hotplug_lock</c>.
    /// </summary>
    /// <param name="state">A multi-instance state.</param>
    /// <param name="node">The instance.</param>
    /// <returns>0, or a negative error.</returns>
    [ExcludesLock("cpu_hotplug_lock")]
    public int CpuhpStateAddInstance(CpuhpState state, object node)
    {
        _cpuHotplugLock.DownRead();
        int ret = CpuhpStateAddInstanceCpuslocked(state, node);
        _cpuHotplugLock.UpRead();
        return ret;
    }

    /// <summary>The instances of a multi-instance state, counted under <c>cpus_read_lock()</c> (for snapshots).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The count.</returns>
    public int CpuhpInstanceCount(CpuhpState state)
    {
        _cpuHotplugLock.DownRead();
        _cpuhpStateMutex.Lock();
        int count = _instances[(int)state].Count;
        _cpuhpStateMutex.Unlock();
        _cpuHotplugLock.UpRead();
        return count;
    }

    /// <summary><c>cpus_write_lock()</c>.</summary>
    [AcquiresLock(nameof(_cpuHotplugLock))]
    private void CpusWriteLock()
    {
        _cpuHotplugLock.DownWrite();
    }

    /// <summary><c>cpus_write_unlock()</c>.</summary>
    [ReleasesLock(nameof(_cpuHotplugLock))]
    private void CpusWriteUnlock()
    {
        _cpuHotplugLock.UpWrite();
    }

    [RequiresLock(nameof(_cpuHotplugLock))]
    private int NumOnlineCpus()
    {
        int online = 0;
        foreach (CpuhpCpuState st in _cpuhpState)
        {
            if (st.State == CpuhpState.Online)
            {
                online++;
            }
        }

        return online;
    }

    /// <summary><c>__cpuhp_setup_state_cpuslocked()</c>.</summary>
    [RequiresSharedLock(nameof(_cpuHotplugLock))]
    private int CpuhpSetupStateCpuslocked(string name, CpuhpSingleFn startup, CpuhpSingleFn? teardown)
    {
        _cpuhpStateMutex.Lock();
        int state = CpuhpReserveDynState();
        if (state < 0)
        {
            _cpuhpStateMutex.Unlock();
            return state;
        }

        CpuhpStoreCallbacks((CpuhpState)state, name, startup, teardown, false);
        int ret = 0;
        foreach (CpuhpCpuState st in _cpuhpState)
        {
            if ((int)st.State < state)
            {
                continue;
            }

            ret = CpuhpIssueCall(st.Cpu, (CpuhpState)state, true, null);
            if (ret != 0)
            {
                CpuhpStoreCallbacks((CpuhpState)state, null, null, null, false);
                break;
            }
        }

        _cpuhpStateMutex.Unlock();
        return ret == 0 ? state : ret;
    }

    /// <summary><c>__cpuhp_state_add_instance_cpuslocked()</c>.</summary>
    [RequiresSharedLock(nameof(_cpuHotplugLock))]
    private int CpuhpStateAddInstanceCpuslocked(CpuhpState state, object node)
    {
        _cpuhpStateMutex.Lock();
        int ret = _multiInstance[(int)state] ? 0 : -Errno.EINVAL;
        if (ret == 0)
        {
            _instances[(int)state].Add(node);
        }

        _cpuhpStateMutex.Unlock();
        return ret;
    }

    /// <summary><c>cpuhp_reserve_state(CPUHP_AP_ONLINE_DYN)</c>: the first free dynamic state.</summary>
    [RequiresLock(nameof(_cpuhpStateMutex))]
    private int CpuhpReserveDynState()
    {
        for (int state = (int)CpuhpState.ApOnlineDyn; state <= (int)CpuhpState.ApOnlineDynEnd; state++)
        {
            if (_stepName[state] is null)
            {
                return state;
            }
        }

        return -Errno.ENOMEM;
    }

    /// <summary><c>cpuhp_store_callbacks()</c>.</summary>
    [RequiresLock(nameof(_cpuhpStateMutex))]
    private void CpuhpStoreCallbacks(CpuhpState state, string? name, CpuhpSingleFn? startup, CpuhpSingleFn? teardown, bool multiInstance)
    {
        _stepName[(int)state] = name;
        _startupSingle[(int)state] = startup;
        _teardownSingle[(int)state] = teardown;
        _multiInstance[(int)state] = multiInstance;
        if (name is null)
        {
            _startupMulti[(int)state] = null;
            _teardownMulti[(int)state] = null;
            _instances[(int)state].Clear();
        }
    }

    /// <summary>
    /// <c>cpuhp_issue_call()</c>: an AP state's callback runs on the CPU's hotplug thread
    /// (<c>cpuhp_invoke_ap_callback</c>), a BP state's here.
    /// </summary>
    [RequiresLock(nameof(_cpuhpStateMutex))]
    private int CpuhpIssueCall(int cpu, CpuhpState state, bool bringup, object? node)
    {
        if (state > CpuhpState.BringupCpu)
        {
            return CpuhpInvokeApCallback(cpu, state, bringup, node);
        }

        return CpuhpInvokeCallback(cpu, state, bringup, node);
    }

    /// <summary>
    /// <c>cpuhp_invoke_ap_callback()</c>: tells lockdep that the caller waits for the maps the thread will
    /// hold (<c>cpuhp_lock_acquire</c>/<c>cpuhp_lock_release</c>), then has the thread run one callback.
    /// </summary>
    [RequiresLock(nameof(_cpuhpStateMutex))]
    private int CpuhpInvokeApCallback(int cpu, CpuhpState state, bool bringup, object? node)
    {
        CpuhpCpuState st = _cpuhpState[cpu];
        _cpuhpStateDownMap.Acquire();
        _cpuhpStateDownMap.Release();
        _cpuhpStateUpMap.Acquire();
        _cpuhpStateUpMap.Release();

        st.CbState = state;
        st.Single = true;
        st.Bringup = bringup;
        st.Node = node;
        CpuhpKickAp(st);
        return st.Result;
    }

    /// <summary>
    /// <c>cpuhp_kick_ap_work()</c>: the control CPU's half of walking the AP states, with the lockdep
    /// annotation that it depends on the thread's map.
    /// </summary>
    [RequiresLock(nameof(_cpuHotplugLock))]
    private int CpuhpKickApWork(int cpu, CpuhpCpuState st, bool bringup)
    {
        if (bringup)
        {
            _cpuhpStateUpMap.Acquire();
            _cpuhpStateUpMap.Release();
        }
        else
        {
            _cpuhpStateDownMap.Acquire();
            _cpuhpStateDownMap.Release();
        }

        st.Single = false;
        st.Bringup = bringup;
        st.Node = null;
        CpuhpKickAp(st);
        _log.Printk($"CPU{cpu}: {(bringup ? "online" : "offline")} (state {st.State})");
        return st.Result;
    }

    /// <summary><c>__cpuhp_kick_ap()</c>: wakes the CPU's hotplug thread and waits until it is done (<c>wait_for_ap_thread</c>).</summary>
    private static void CpuhpKickAp(CpuhpCpuState st)
    {
        st.Result = 0;
        st.ShouldRun = true;
        st.Kick.Release();
        st.Done.WaitForCompletion();
    }

    /// <summary>
    /// <c>smpboot_thread_fn()</c> for the <c>cpuhp/N</c> threads: sleeps until kicked, then runs
    /// <see cref="CpuhpThreadFun"/> while it has work.
    /// </summary>
    private void SmpbootThreadFn(object? arg)
    {
        var st = (CpuhpCpuState)arg!;
        CpuhpCpuState.Bound = st.Cpu;
        while (true)
        {
            st.Kick.Wait();
            if (st.ShouldStop)
            {
                return;
            }

            while (st.ShouldRun)
            {
                CpuhpThreadFun(st);
            }

            st.Done.Complete();
        }
    }

    /// <summary>
    /// <c>cpuhp_thread_fun()</c>: runs one AP state's callback (or the single callback it was given)
    /// holding the lockdep map <c>cpuhp_state-up</c> (bring-up) or <c>cpuhp_state-down</c> (teardown).
    /// The control CPU holds <c>cpu_hotplug_lock</c> meanwhile, so a callback that adds a device, whose
    /// bus notifier takes <c>cpu_hotplug_lock</c> in turn, closes a cycle (the fourth seed).
    /// </summary>
    private void CpuhpThreadFun(CpuhpCpuState st)
    {
        if (st.Bringup)
        {
            _cpuhpStateUpMap.Acquire();
            CpuhpThreadStep(st);
            _cpuhpStateUpMap.Release();
        }
        else
        {
            _cpuhpStateDownMap.Acquire();
            CpuhpThreadStep(st);
            _cpuhpStateDownMap.Release();
        }
    }

    /// <summary>The body of <c>cpuhp_thread_fun()</c> between the map's acquire and release.</summary>
    private void CpuhpThreadStep(CpuhpCpuState st)
    {
        if (st.Single)
        {
            st.ShouldRun = false;
            st.Result = CpuhpInvokeCallback(st.Cpu, st.CbState, st.Bringup, st.Node);
            return;
        }

        if (!CpuhpNextApState(st, out CpuhpState state))
        {
            st.ShouldRun = false;
            return;
        }

        st.Result = CpuhpInvokeCallback(st.Cpu, state, st.Bringup, null);
        if (st.Result != 0)
        {
            st.ShouldRun = false;
        }
    }

    /// <summary><c>cpuhp_next_state()</c> over the AP states: moves <c>st-&gt;state</c> one step towards the target.</summary>
    private static bool CpuhpNextApState(CpuhpCpuState st, out CpuhpState state)
    {
        if (st.Bringup)
        {
            if (st.State >= st.Target)
            {
                state = st.State;
                return false;
            }

            state = st.State + 1;
            st.State = state;
            return true;
        }

        if (st.State <= CpuhpState.BringupCpu)
        {
            state = st.State;
            return false;
        }

        state = st.State;
        st.State = st.State - 1;
        return true;
    }

    /// <summary>
    /// <c>cpuhp_invoke_callback_range()</c> over the BP states, on the control CPU: up to
    /// <paramref name="target"/> calling startup callbacks, or down to it calling teardown ones.
    /// </summary>
    [RequiresLock(nameof(_cpuHotplugLock))]
    private int CpuhpInvokeCallbackRange(bool bringup, int cpu, CpuhpCpuState st, CpuhpState target)
    {
        while (bringup ? st.State < target : st.State > target)
        {
            CpuhpState state = bringup ? st.State + 1 : st.State;
            int ret = CpuhpInvokeCallback(cpu, state, bringup, null);
            if (ret != 0)
            {
                return ret;
            }

            st.State = bringup ? state : state - 1;
        }

        return 0;
    }

    /// <summary>
    /// <c>cpuhp_invoke_callback()</c>: the state's single callback, or its multi-instance callback on one
    /// instance or on each in turn. <c>CPUHP_BRINGUP_CPU</c>'s own work is the CPU's online bit.
    /// </summary>
    private int CpuhpInvokeCallback(int cpu, CpuhpState state, bool bringup, object? node)
    {
        if (state == CpuhpState.BringupCpu)
        {
            _log.Printk(bringup ? $"smpboot: Booting Node 0 Processor {cpu}" : $"smpboot: CPU {cpu} is now offline");
            return 0;
        }

        // The callback is read from one array or the other in separate branches: the analyzer cannot
        // tell which slot a delegate chosen by ?: comes from, and would lose both.
        if (!_multiInstance[(int)state])
        {
            if (bringup)
            {
                CpuhpSingleFn? startup = _startupSingle[(int)state];
                return startup is null ? 0 : startup(cpu);
            }

            CpuhpSingleFn? teardown = _teardownSingle[(int)state];
            return teardown is null ? 0 : teardown(cpu);
        }

        CpuhpMultiFn? cbm;
        if (bringup)
        {
            cbm = _startupMulti[(int)state];
        }
        else
        {
            cbm = _teardownMulti[(int)state];
        }

        if (cbm is null)
        {
            return 0;
        }

        if (node is not null)
        {
            return cbm(cpu, node);
        }

        foreach (object instance in _instances[(int)state])
        {
            int ret = cbm(cpu, instance);
            if (ret != 0)
            {
                return ret;
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>struct cpuhp_cpu_state</c>: one CPU's place in the state machine and its hotplug thread's work.
    /// Written by the control CPU with <c>cpu_hotplug_lock</c> held, or by the hotplug thread while the
    /// control CPU waits for it; the kick and the completion order the two.
    /// </summary>
    private sealed class CpuhpCpuState
    {
        [ThreadStatic]
        private static int? t_bound;

        public CpuhpCpuState(int cpu)
        {
            Cpu = cpu;
        }

        /// <summary>The CPU a hotplug thread is bound to (<c>kthread_bind</c>), for <see cref="SmpProcessorId"/>.</summary>
        public static int? Bound
        {
            get => t_bound;
            set => t_bound = value;
        }

        public int Cpu { get; }

        public CpuhpState State { get; set; } = CpuhpState.Offline;

        public CpuhpState Target { get; set; }

        public Thread? Thread { get; set; }

        public bool ShouldRun { get; set; }

        public bool ShouldStop { get; set; }

        public bool Single { get; set; }

        public bool Bringup { get; set; }

        public CpuhpState CbState { get; set; }

        public object? Node { get; set; }

        public int Result { get; set; }

        /// <summary>Wakes the hotplug thread (<c>wake_up_process</c>).</summary>
        public SemaphoreSlim Kick { get; } = new(0, int.MaxValue);

        /// <summary><c>done_up</c>/<c>done_down</c>.</summary>
        public Completion Done { get; } = new();
    }
}
