using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// A firmware description of a device (<c>struct fwnode_handle</c>: a device-tree node or an ACPI
/// companion): its name and the IOMMUs its <c>iommus</c> property points at.
/// </summary>
public sealed class FwNode
{
    /// <summary>Creates a node.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="isOf">Whether it is a device-tree node (<c>dev-&gt;of_node</c>) rather than ACPI.</param>
    /// <param name="iommus">The IOMMU nodes translating the device's DMA (<c>iommus = &lt;&amp;...&gt;</c>).</param>
    public FwNode(string name, bool isOf, params FwNode[] iommus)
    {
        Name = name;
        IsOf = isOf;
        Iommus = iommus;
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>Whether this is a device-tree node.</summary>
    public bool IsOf { get; }

    /// <summary>The <c>iommus</c> property: the IOMMUs in front of the device.</summary>
    public IReadOnlyList<FwNode> Iommus { get; }
}

/// <summary><c>struct device</c> (<c>include/linux/device.h</c>), with an opaque slot for the IOMMU core's data.</summary>
public class Device
{
    private object? _iommuData;
    private object? _driverData;

    /// <summary>Creates a device, not yet added (<c>device_initialize</c>).</summary>
    /// <param name="name">The device's name (<c>dev_name</c>).</param>
    /// <param name="bus">Its bus, or <see langword="null"/> for a class device.</param>
    /// <param name="fwnode">Its firmware node, if any.</param>
    public Device(string name, BusType? bus, FwNode? fwnode)
    {
        Name = name;
        Bus = bus;
        Fwnode = fwnode;
        KnodeBus = new KlistNode<Device>(this);
        KnodeClass = new KlistNode<Device>(this);
    }

    /// <summary><c>dev_name()</c>.</summary>
    public string Name { get; }

    /// <summary><c>dev-&gt;bus</c>.</summary>
    public BusType? Bus { get; }

    /// <summary><c>dev-&gt;fwnode</c>.</summary>
    public FwNode? Fwnode { get; }

    /// <summary><c>dev-&gt;mutex</c>, taken by <c>device_lock()</c>: serialises binding and unbinding the device's driver.</summary>
    [LockClass("&dev->mutex")]
    public readonly KMutex Mutex = new();

    /// <summary><c>dev-&gt;driver</c>: the bound driver.</summary>
    [GuardedBy(nameof(Mutex))]
    internal DeviceDriver? Driver;

    /// <summary><c>dev-&gt;p-&gt;async_driver</c>: the driver an asynchronous probe will try.</summary>
    [GuardedBy(nameof(Mutex))]
    internal DeviceDriver? AsyncDriver;

    /// <summary><c>dev-&gt;p-&gt;knode_bus</c>: the device's node on its bus's device klist.</summary>
    internal KlistNode<Device> KnodeBus { get; }

    /// <summary>
    /// <c>dev-&gt;p-&gt;knode_driver</c>: the device's node on its driver's device klist while bound. A new node
    /// per binding: the kernel reuses one and makes <c>klist_remove()</c> wait until no iterator holds it.
    /// </summary>
    [GuardedBy(nameof(Mutex))]
    internal KlistNode<Device>? KnodeDriver;

    /// <summary><c>dev-&gt;p-&gt;knode_class</c>: the device's node on its class's device klist.</summary>
    internal KlistNode<Device> KnodeClass { get; }

    /// <summary>
    /// <c>dev-&gt;iommu</c>, <c>dev-&gt;iommu_group</c> and <c>dev-&gt;dma_ops</c>: the IOMMU core's per-device
    /// data, which the driver core carries without knowing its type, as <c>struct device</c> points at
    /// types it only forward-declares. The IOMMU core owns the type and the locks that guard it.
    /// </summary>
    public object? IommuData => Volatile.Read(ref _iommuData);

    /// <summary>Sets <see cref="IommuData"/> unless it is already set; the first caller wins.</summary>
    /// <param name="data">The IOMMU core's per-device data.</param>
    /// <returns>The data the device now carries: <paramref name="data"/>, or what another caller set first.</returns>
    public object AttachIommuData(object data) => Interlocked.CompareExchange(ref _iommuData, data, null) ?? data;

    /// <summary><c>dev_get_drvdata()</c>/<c>dev_set_drvdata()</c>: the bound driver's data.</summary>
    public object? DriverData
    {
        get => Volatile.Read(ref _driverData);
        set => Volatile.Write(ref _driverData, value);
    }

    /// <summary>
    /// The bound driver's claim on the device's DMA, from a successful
    /// <c>iommu_device_use_default_domain()</c> until <c>iommu_device_unuse_default_domain()</c>.
    /// </summary>
    /// <remarks>
    /// The kernel has no lock here, only <c>group-&gt;owner_cnt</c>. The model makes the claim a lock class
    /// (a lockdep map) so that the analyzer checks the pairing: use is a try-acquire that must hold the
    /// claim whenever it reports success, unuse releases it. No code acquires the map at run time, because
    /// the claim outlives the thread that took it (a driver bound by an async probe worker is unbound from
    /// another thread); the IOMMU core keeps the run-time count.
    /// </remarks>
    [LockClass("&dev->dma_owner", Kind = LockKind.LockMap)]
    public readonly KLockMap DmaOwner = new();

    /// <summary><c>dev-&gt;devres_lock</c>: guards the device's managed resources.</summary>
    [LockClass("&dev->devres_lock")]
    private readonly KSpinLock _devresLock = new();

    [GuardedBy(nameof(_devresLock))]
    private readonly List<object> _devresHead = new();

    /// <summary>
    /// <c>devm_kzalloc()</c>: records <paramref name="resource"/> as owned by this device, so that it lives as
    /// long as the device's driver binding.
    /// </summary>
    /// <typeparam name="T">The resource's type.</typeparam>
    /// <param name="resource">The new resource.</param>
    /// <returns><paramref name="resource"/>.</returns>
    public T DevmAdd<T>(T resource)
        where T : class
    {
        IrqFlags flags = _devresLock.LockIrqSave();
        _devresHead.Add(resource);
        _devresLock.UnlockIrqRestore(flags);
        return resource;
    }

    /// <summary>How many managed resources the device owns.</summary>
    /// <returns>The count.</returns>
    public int DevresCount()
    {
        IrqFlags flags = _devresLock.LockIrqSave();
        int count = _devresHead.Count;
        _devresLock.UnlockIrqRestore(flags);
        return count;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary><c>struct pci_dev</c>: a PCI function, named <c>dddd:bb:dd.f</c>.</summary>
public sealed class PciDev : Device
{
    /// <summary>Creates a PCI function on <paramref name="bus"/>.</summary>
    /// <param name="bus">The PCI bus type.</param>
    /// <param name="busNr">The bus number.</param>
    /// <param name="slot">The slot (device number).</param>
    /// <param name="function">The function number.</param>
    /// <param name="vendor">The vendor id.</param>
    /// <param name="device">The device id.</param>
    public PciDev(PciBusType bus, int busNr, int slot, int function, int vendor, int device)
        : base($"0000:{busNr:x2}:{slot:x2}.{function:x}", bus, new FwNode($"PCI{busNr:x2}{slot:x2}{function:x}", isOf: false))
    {
        BusNr = busNr;
        Devfn = (slot << 3) | function;
        Vendor = vendor;
        DeviceId = device;
    }

    /// <summary><c>pdev-&gt;bus-&gt;number</c>.</summary>
    public int BusNr { get; }

    /// <summary><c>pdev-&gt;devfn</c>.</summary>
    public int Devfn { get; }

    /// <summary><c>PCI_SLOT(devfn)</c>.</summary>
    public int Slot => Devfn >> 3;

    /// <summary><c>PCI_FUNC(devfn)</c>.</summary>
    public int Function => Devfn & 7;

    /// <summary><c>pdev-&gt;vendor</c>.</summary>
    public int Vendor { get; }

    /// <summary><c>pdev-&gt;device</c>.</summary>
    public int DeviceId { get; }

    /// <summary><c>PCI_DEVID(bus, devfn)</c>: the requester id the IOMMU sees.</summary>
    public int SourceId => (BusNr << 8) | Devfn;
}

/// <summary><c>struct platform_device</c>.</summary>
public sealed class PlatformDevice : Device
{
    /// <summary>Creates a platform device (<c>platform_device_alloc</c>).</summary>
    /// <param name="bus">The platform bus type.</param>
    /// <param name="name">The device's name, which is also what drivers match.</param>
    /// <param name="id">The instance number, or -1 for none.</param>
    /// <param name="fwnode">Its firmware node, if any.</param>
    public PlatformDevice(PlatformBusType bus, string name, int id, FwNode? fwnode)
        : base(id < 0 ? name : $"{name}.{id}", bus, fwnode)
    {
        DriverName = name;
        Id = id;
    }

    /// <summary><c>pdev-&gt;name</c>: what platform drivers match.</summary>
    public string DriverName { get; }

    /// <summary><c>pdev-&gt;id</c>.</summary>
    public int Id { get; }
}
