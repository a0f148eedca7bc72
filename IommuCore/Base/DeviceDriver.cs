using System.Collections.Generic;

namespace IommuCore;

/// <summary><c>enum probe_type</c>: whether a driver's probe may run on an async worker.</summary>
public enum ProbeType
{
    /// <summary><c>PROBE_DEFAULT_STRATEGY</c>: synchronous unless <c>driver_async_probe=</c> names the driver.</summary>
    DefaultStrategy,

    /// <summary><c>PROBE_PREFER_ASYNCHRONOUS</c>.</summary>
    PreferAsynchronous,

    /// <summary><c>PROBE_FORCE_SYNCHRONOUS</c>.</summary>
    ForceSynchronous,
}

/// <summary><c>struct device_driver</c>: a driver, its bus, and the devices bound to it.</summary>
public abstract class DeviceDriver
{
    /// <summary>Creates a driver for <paramref name="bus"/>.</summary>
    /// <param name="name">The driver's name.</param>
    /// <param name="bus">The bus its devices are on.</param>
    /// <param name="probeType">Its probe strategy.</param>
    protected DeviceDriver(string name, BusType bus, ProbeType probeType)
    {
        Name = name;
        Bus = bus;
        ProbeType = probeType;
        KnodeBus = new KlistNode<DeviceDriver>(this);
    }

    /// <summary><c>drv-&gt;name</c>.</summary>
    public string Name { get; }

    /// <summary><c>drv-&gt;bus</c>.</summary>
    public BusType Bus { get; }

    /// <summary><c>drv-&gt;probe_type</c>.</summary>
    public ProbeType ProbeType { get; }

    /// <summary><c>drv-&gt;p-&gt;klist_devices</c>: the devices bound to the driver.</summary>
    internal Klist<Device> KlistDevices { get; } = new();

    /// <summary><c>drv-&gt;p-&gt;knode_bus</c>: the driver's node on its bus's driver klist.</summary>
    internal KlistNode<DeviceDriver> KnodeBus { get; }

    /// <summary><c>drv-&gt;probe()</c>: binds the driver to <paramref name="dev"/>; called with <c>device_lock</c> held.</summary>
    /// <param name="dev">The device.</param>
    /// <returns>0, or a negative error.</returns>
    public abstract int Probe(Device dev);

    /// <summary>
    /// <c>drv-&gt;remove()</c>: unbinds the driver from <paramref name="dev"/>; called with <c>device_lock</c>
    /// held. The callback is optional in the kernel; a driver without one inherits this empty one.
    /// </summary>
    /// <param name="dev">The device.</param>
    public virtual void Remove(Device dev)
    {
        // A NULL remove callback: the driver keeps nothing it must give back.
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary><c>struct pci_driver</c>: matches devices by vendor and device id.</summary>
public abstract class PciDriver : DeviceDriver
{
    /// <summary>Creates a PCI driver.</summary>
    /// <param name="name">The driver's name.</param>
    /// <param name="bus">The PCI bus type.</param>
    /// <param name="idTable">The (vendor, device) pairs it drives (<c>id_table</c>).</param>
    protected PciDriver(string name, PciBusType bus, IReadOnlyList<(int Vendor, int Device)> idTable)
        : base(name, bus, ProbeType.DefaultStrategy)
    {
        IdTable = idTable;
    }

    /// <summary><c>pdrv-&gt;id_table</c>.</summary>
    public IReadOnlyList<(int Vendor, int Device)> IdTable { get; }
}

/// <summary><c>struct platform_driver</c>: matches devices by name.</summary>
public abstract class PlatformDriver : DeviceDriver
{
    /// <summary>Creates a platform driver.</summary>
    /// <param name="name">The driver's name, which is what it matches.</param>
    /// <param name="bus">The platform bus type.</param>
    /// <param name="probeType">Its probe strategy.</param>
    protected PlatformDriver(string name, PlatformBusType bus, ProbeType probeType)
        : base(name, bus, probeType)
    {
    }
}
