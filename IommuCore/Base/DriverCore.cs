using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// The driver core (<c>drivers/base/core.c</c>, <c>bus.c</c>, <c>dd.c</c>): adding devices to buses,
/// registering drivers, binding and unbinding them, and async probing.
/// </summary>
public sealed class DriverCore
{
    private readonly Kernel _kernel;

    /// <summary><c>async_lock</c> (<c>kernel/async.c</c>): guards the pending async work.</summary>
    [LockClass("async_lock")]
    private readonly KSpinLock _asyncLock = new();

    [GuardedBy(nameof(_asyncLock))]
    private readonly List<Task> _asyncPending = new();

    /// <summary>Creates the driver core of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="asyncProbeDrivers">The <c>driver_async_probe=</c> command line: drivers to probe asynchronously.</param>
    public DriverCore(Kernel kernel, IReadOnlyCollection<string> asyncProbeDrivers)
    {
        _kernel = kernel;
        DriverAsyncProbe = new HashSet<string>(asyncProbeDrivers, StringComparer.Ordinal);
    }

    /// <summary>The <c>driver_async_probe=</c> command line.</summary>
    public IReadOnlySet<string> DriverAsyncProbe { get; }

    /// <summary>
    /// <c>device_add()</c>: puts <paramref name="dev"/> on its bus, tells the bus notifier chain (the IOMMU
    /// core probes the device from there), and binds a matching driver.
    /// </summary>
    /// <param name="dev">A device on a bus, not yet added.</param>
    public void DeviceAdd(Device dev)
    {
        BusType? bus = dev.Bus;
        if (bus is null)
        {
            return;
        }

        BusAddDevice(bus, dev);
        bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.AddDevice, dev);
        BusProbeDevice(bus, dev);
    }

    /// <summary><c>device_del()</c>: unbinds the driver, tells the notifier chain, takes the device off its bus.</summary>
    /// <param name="dev">An added device.</param>
    public void DeviceDel(Device dev)
    {
        BusType? bus = dev.Bus;
        if (bus is null)
        {
            return;
        }

        bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.DelDevice, dev);
        DeviceReleaseDriver(dev);
        bus.P.KlistDevices.KlistDel(dev.KnodeBus);
        bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.RemovedDevice, dev);
    }

    /// <summary><c>driver_register()</c> → <c>bus_add_driver()</c>: puts the driver on its bus and binds it to matching devices.</summary>
    /// <param name="drv">The driver.</param>
    public void DriverRegister(DeviceDriver drv)
    {
        drv.Bus.P.KlistDrivers.KlistAddTail(drv.KnodeBus);
        if (drv.Bus.P.DriversAutoprobe)
        {
            DriverAttach(drv);
        }
    }

    /// <summary><c>driver_unregister()</c> → <c>bus_remove_driver()</c>: unbinds the driver from every device and takes it off its bus.</summary>
    /// <param name="drv">A registered driver.</param>
    public void DriverUnregister(DeviceDriver drv)
    {
        DriverDetach(drv);
        drv.Bus.P.KlistDrivers.KlistDel(drv.KnodeBus);
    }

    /// <summary><c>device_driver_attach()</c> (what writing the sysfs <c>bind</c> file does): binds <paramref name="drv"/> to <paramref name="dev"/>.</summary>
    /// <param name="drv">A driver matching the device.</param>
    /// <param name="dev">An unbound device.</param>
    /// <returns>0, or a negative error.</returns>
    public int DeviceDriverAttach(DeviceDriver drv, Device dev)
    {
        dev.Mutex.Lock();
        int ret = dev.Driver is null ? DriverProbeDevice(drv, dev) : -Errno.EBUSY;
        dev.Mutex.Unlock();
        return ret;
    }

    /// <summary><c>device_release_driver()</c> (what writing the sysfs <c>unbind</c> file does).</summary>
    /// <param name="dev">A device, bound or not.</param>
    public void DeviceReleaseDriver(Device dev)
    {
        dev.Mutex.Lock();
        DeviceReleaseDriverLocked(dev);
        dev.Mutex.Unlock();
    }

    /// <summary><c>wait_for_device_probe()</c> → <c>async_synchronize_full()</c>: waits for every async probe scheduled so far.</summary>
    public void WaitForDeviceProbe()
    {
        while (true)
        {
            IrqFlags flags = _asyncLock.LockIrqSave();
            Task[] pending = _asyncPending.ToArray();
            _asyncPending.Clear();
            _asyncLock.UnlockIrqRestore(flags);
            if (pending.Length == 0)
            {
                return;
            }

            Task.WaitAll(pending);
        }
    }

    /// <summary><c>bus_for_each_dev()</c>: calls <paramref name="fn"/> on each device of the bus until it returns non-zero.</summary>
    /// <typeparam name="TData">What the callback is given besides the device.</typeparam>
    /// <param name="bus">The bus.</param>
    /// <param name="data">The callback's data.</param>
    /// <param name="fn">The callback.</param>
    /// <returns>The first non-zero callback result, or 0.</returns>
    public int BusForEachDev<TData>(BusType bus, TData data, Func<Device, TData, int> fn)
    {
        Klist<Device> klist = bus.P.KlistDevices;
        KlistIter<Device> i = klist.KlistIterInit();
        int error = 0;
        Device? dev;
        while (error == 0 && (dev = klist.KlistNext(i)) is not null)
        {
            error = fn(dev, data);
        }

        klist.KlistIterExit(i);
        return error;
    }

    /// <summary><c>bus_find_device()</c>: the first device of the bus after <paramref name="start"/> that <paramref name="match"/> accepts.</summary>
    /// <typeparam name="TData">What the match is given besides the device.</typeparam>
    /// <param name="bus">The bus.</param>
    /// <param name="start">The device to start after, or <see langword="null"/> for the first.</param>
    /// <param name="data">The match's data.</param>
    /// <param name="match">The predicate.</param>
    /// <returns>The device, or <see langword="null"/>.</returns>
    public Device? BusFindDevice<TData>(BusType bus, Device? start, TData data, Func<Device, TData, bool> match)
    {
        Klist<Device> klist = bus.P.KlistDevices;
        KlistIter<Device> i = klist.KlistIterInitNode(start?.KnodeBus);
        Device? dev;
        while ((dev = klist.KlistNext(i)) is not null)
        {
            if (match(dev, data))
            {
                break;
            }
        }

        klist.KlistIterExit(i);
        return dev;
    }

    /// <summary><c>bus_for_each_drv()</c>: calls <paramref name="fn"/> on each driver of the bus until it returns non-zero.</summary>
    /// <param name="bus">The bus.</param>
    /// <param name="dev">The device the callback is about.</param>
    /// <param name="fn">The callback.</param>
    /// <returns>The first non-zero callback result, or 0.</returns>
    public int BusForEachDrv(BusType bus, Device dev, Func<DeviceDriver, Device, int> fn)
    {
        Klist<DeviceDriver> klist = bus.P.KlistDrivers;
        KlistIter<DeviceDriver> i = klist.KlistIterInit();
        int error = 0;
        DeviceDriver? drv;
        while (error == 0 && (drv = klist.KlistNext(i)) is not null)
        {
            error = fn(drv, dev);
        }

        klist.KlistIterExit(i);
        return error;
    }

    /// <summary><c>bus_add_device()</c>: <c>klist_add_tail(&amp;dev-&gt;p-&gt;knode_bus, &amp;bus-&gt;p-&gt;klist_devices)</c>.</summary>
    private static void BusAddDevice(BusType bus, Device dev)
    {
        bus.P.KlistDevices.KlistAddTail(dev.KnodeBus);
    }

    /// <summary><c>bus_probe_device()</c> → <c>device_initial_probe()</c> → <c>__device_attach()</c>.</summary>
    private void BusProbeDevice(BusType bus, Device dev)
    {
        if (!bus.P.DriversAutoprobe)
        {
            return;
        }

        dev.Mutex.Lock();
        if (dev.Driver is null)
        {
            BusForEachDrv(bus, dev, DeviceAttachDriver);
        }

        dev.Mutex.Unlock();
    }

    /// <summary><c>__device_attach_driver()</c>: probes a matching driver; a bound device stops the walk.</summary>
    [RequiresLock("dev.Mutex")]
    private int DeviceAttachDriver(DeviceDriver drv, Device dev)
    {
        if (!drv.Bus.Match(dev, drv))
        {
            return 0;
        }

        return DriverProbeDevice(drv, dev) == 0 ? 1 : 0;
    }

    /// <summary>
    /// <c>driver_attach()</c>: <c>bus_for_each_dev(drv-&gt;bus, NULL, drv, __driver_attach)</c>, with the walk
    /// written out. The analyzer binds a delegate parameter to every argument any caller passes, so
    /// handing <c>__driver_attach</c> to <see cref="BusForEachDev"/> would make every other walker of the
    /// bus (<c>bus_iommu_probe()</c>, under <c>dmar_global_lock</c> or under an IOMMU's <c>device_lock</c>)
    /// appear to take <c>device_lock</c> as <c>__driver_attach</c> does.
    /// </summary>
    private void DriverAttach(DeviceDriver drv)
    {
        Klist<Device> klist = drv.Bus.P.KlistDevices;
        KlistIter<Device> i = klist.KlistIterInit();
        Device? dev;
        while ((dev = klist.KlistNext(i)) is not null)
        {
            DriverAttachOne(dev, drv);
        }

        klist.KlistIterExit(i);
    }

    /// <summary>
    /// <c>__driver_attach()</c>: binds <paramref name="drv"/> to a matching unbound device, on an async
    /// worker when the driver allows async probing.
    /// </summary>
    private void DriverAttachOne(Device dev, DeviceDriver drv)
    {
        if (!drv.Bus.Match(dev, drv))
        {
            return;
        }

        if (DriverAllowsAsyncProbing(drv))
        {
            dev.Mutex.Lock();
            if (dev.Driver is null)
            {
                dev.AsyncDriver = drv;
                AsyncScheduleDev(DriverAttachAsyncHelper, dev);
            }

            dev.Mutex.Unlock();
            return;
        }

        DeviceDriverAttach(drv, dev);
    }

    /// <summary><c>__driver_attach_async_helper()</c>: the async worker's half of <c>__driver_attach()</c>.</summary>
    private void DriverAttachAsyncHelper(Device dev)
    {
        dev.Mutex.Lock();
        DeviceDriver? drv = dev.AsyncDriver;
        dev.AsyncDriver = null;
        if (drv is not null && dev.Driver is null)
        {
            DriverProbeDevice(drv, dev);
        }

        dev.Mutex.Unlock();
    }

    /// <summary><c>driver_allows_async_probing()</c>.</summary>
    private bool DriverAllowsAsyncProbing(DeviceDriver drv)
    {
        return drv.ProbeType switch
        {
            ProbeType.PreferAsynchronous => true,
            ProbeType.ForceSynchronous => false,
            _ => DriverAsyncProbe.Contains(drv.Name),
        };
    }

    /// <summary>
    /// <c>async_schedule_dev()</c>: runs <paramref name="fn"/> on a worker thread (the kernel's
    /// <c>async_run_entry_fn</c> on an unbound workqueue), tracked for <see cref="WaitForDeviceProbe"/>.
    /// </summary>
    private void AsyncScheduleDev(Action<Device> fn, Device dev)
    {
        var entry = new Task(() => fn(dev), TaskCreationOptions.LongRunning);
        IrqFlags flags = _asyncLock.LockIrqSave();
        _asyncPending.Add(entry);
        _asyncLock.UnlockIrqRestore(flags);
        entry.Start();
    }

    /// <summary>
    /// <c>driver_detach()</c>: unbinds <paramref name="drv"/> from every device bound to it. The devices are
    /// collected first and released after the walk, as the kernel takes them one at a time from the
    /// list's tail: releasing removes the device from the very klist being walked.
    /// </summary>
    private static void DriverDetach(DeviceDriver drv)
    {
        var bound = new List<Device>();
        KlistIter<Device> i = drv.KlistDevices.KlistIterInit();
        Device? dev;
        while ((dev = drv.KlistDevices.KlistNext(i)) is not null)
        {
            bound.Add(dev);
        }

        drv.KlistDevices.KlistIterExit(i);
        foreach (Device boundDev in bound)
        {
            boundDev.Mutex.Lock();
            if (boundDev.Driver == drv)
            {
                DeviceReleaseDriverLocked(boundDev);
            }

            boundDev.Mutex.Unlock();
        }
    }

    /// <summary><c>driver_probe_device()</c> → <c>really_probe()</c>.</summary>
    [RequiresLock("dev.Mutex")]
    private int DriverProbeDevice(DeviceDriver drv, Device dev)
    {
        return ReallyProbe(dev, drv);
    }

    /// <summary>
    /// <c>really_probe()</c>: DMA configuration (which claims the device's DMA ownership), the bus
    /// notifier, the driver's probe, and on failure the DMA cleanup.
    /// </summary>
    [RequiresLock("dev.Mutex")]
    private int ReallyProbe(Device dev, DeviceDriver drv)
    {
        BusType bus = drv.Bus;
        dev.Driver = drv;
        int ret = bus.DmaConfigure(dev);
        if (ret != 0)
        {
            dev.Driver = null;
            return ret;
        }

        bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.BindDriver, dev);
        ret = drv.Probe(dev);
        if (ret != 0)
        {
            bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.DriverNotBound, dev);
            bus.DmaCleanup(dev);
            dev.Driver = null;
            dev.DriverData = null;
            return ret;
        }

        DriverBound(dev, drv);
        return 0;
    }

    /// <summary><c>driver_bound()</c>: the device joins its driver's klist, and the notifier chain hears of it.</summary>
    [RequiresLock("dev.Mutex")]
    private static void DriverBound(Device dev, DeviceDriver drv)
    {
        var knode = new KlistNode<Device>(dev);
        dev.KnodeDriver = knode;
        drv.KlistDevices.KlistAddTail(knode);
        drv.Bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.BoundDriver, dev);
    }

    /// <summary>
    /// <c>__device_release_driver()</c>: the driver's remove, then the bus's DMA cleanup (which releases
    /// the device's DMA ownership claim), then the device leaves the driver's klist.
    /// </summary>
    [RequiresLock("dev.Mutex")]
    private static void DeviceReleaseDriverLocked(Device dev)
    {
        DeviceDriver? drv = dev.Driver;
        if (drv is null)
        {
            return;
        }

        BusType bus = drv.Bus;
        bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.UnbindDriver, dev);
        drv.Remove(dev);
        bus.DmaCleanup(dev);
        if (dev.KnodeDriver is { } knode)
        {
            drv.KlistDevices.KlistDel(knode);
            dev.KnodeDriver = null;
        }

        dev.Driver = null;
        dev.DriverData = null;
        bus.P.BusNotifier.BlockingNotifierCallChain(BusNotifyAction.UnboundDriver, dev);
    }

    /// <summary>The name of the driver bound to <paramref name="dev"/>, read under <c>device_lock</c> (for snapshots).</summary>
    /// <param name="dev">A device.</param>
    /// <returns>The driver's name, or <see langword="null"/> when unbound.</returns>
    public static string? BoundDriverName(Device dev)
    {
        dev.Mutex.Lock();
        string? name = dev.Driver?.Name;
        dev.Mutex.Unlock();
        return name;
    }
}
