using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>struct subsys_private</c>: a bus's klists of devices and drivers, and its notifier chain.</summary>
public sealed class SubsysPrivate
{
    /// <summary><c>klist_devices</c>.</summary>
    public Klist<Device> KlistDevices { get; } = new();

    /// <summary><c>klist_drivers</c>.</summary>
    public Klist<DeviceDriver> KlistDrivers { get; } = new();

    /// <summary><c>bus_notifier</c>.</summary>
    public BlockingNotifierHead BusNotifier { get; } = new();

    /// <summary><c>drivers_autoprobe</c>: whether adding a device or driver binds matching pairs.</summary>
    public bool DriversAutoprobe { get; init; } = true;
}

/// <summary><c>struct bus_type</c>: a bus's callbacks and private state.</summary>
public abstract class BusType
{
    private object? _iommuOps;

    /// <summary>Creates a bus type of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel the bus belongs to.</param>
    /// <param name="name">The bus's name.</param>
    protected BusType(Kernel kernel, string name)
    {
        Kernel = kernel;
        Name = name;
    }

    /// <summary>The kernel the bus belongs to.</summary>
    protected Kernel Kernel { get; }

    /// <summary><c>bus-&gt;name</c>.</summary>
    public string Name { get; }

    /// <summary><c>bus-&gt;p</c>.</summary>
    public SubsysPrivate P { get; } = new();

    /// <summary>
    /// <c>bus-&gt;iommu_ops</c>: set by <c>iommu_device_register()</c> and read without a lock, as the kernel
    /// does (every IOMMU instance of one driver writes the same ops). Opaque to the driver core, as the
    /// kernel's <c>struct iommu_ops</c> is only forward-declared there; the IOMMU core owns the type.
    /// </summary>
    public object? IommuOps
    {
        get => Volatile.Read(ref _iommuOps);
        set => Volatile.Write(ref _iommuOps, value);
    }

    /// <summary><c>bus-&gt;match()</c>: whether <paramref name="drv"/> drives <paramref name="dev"/>.</summary>
    /// <param name="dev">A device on this bus.</param>
    /// <param name="drv">A driver for this bus.</param>
    /// <returns>Whether they match.</returns>
    public abstract bool Match(Device dev, DeviceDriver drv);

    /// <summary>
    /// <c>bus-&gt;dma_configure()</c>: sets up the device's DMA before its driver probes, ending with the
    /// driver's claim on the device's DMA ownership.
    /// </summary>
    /// <param name="dev">The device, with <c>device_lock</c> held.</param>
    /// <returns>0, or a negative error.</returns>
    public abstract int DmaConfigure(Device dev);

    /// <summary><c>bus-&gt;dma_cleanup()</c>: releases what <see cref="DmaConfigure"/> claimed, after the driver is gone.</summary>
    /// <param name="dev">The device, with <c>device_lock</c> held.</param>
    public abstract void DmaCleanup(Device dev);

    /// <summary>
    /// The tail shared by the buses' <c>dma_configure</c>: after the firmware configuration has probed
    /// the device with its IOMMU, take the driver's DMA ownership (the order the DMA ownership fix
    /// established), and undo the DMA ops if that fails.
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <param name="firmwareResult">What the firmware configuration returned.</param>
    /// <returns>0 with the claim taken, or a negative error without it.</returns>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    protected int UseDefaultDomainAfterFirmware(Device dev, int firmwareResult)
    {
        if (firmwareResult != 0)
        {
            return firmwareResult;
        }

        int ret = Kernel.IommuHooks.IommuDeviceUseDefaultDomain(dev);
        if (ret != 0)
        {
            Kernel.IommuHooks.ArchTeardownDmaOps(dev);
        }

        return ret;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary><c>pci_bus_type</c>.</summary>
public sealed class PciBusType : BusType
{
    /// <summary>Creates the PCI bus type.</summary>
    /// <param name="kernel">The kernel.</param>
    public PciBusType(Kernel kernel)
        : base(kernel, "pci")
    {
    }

    /// <summary><c>pci_bus_match()</c>: the driver's id table names the device's vendor and device id.</summary>
    /// <param name="dev">A PCI device.</param>
    /// <param name="drv">A PCI driver.</param>
    /// <returns>Whether they match.</returns>
    public override bool Match(Device dev, DeviceDriver drv)
    {
        if (dev is not PciDev pdev || drv is not PciDriver pdrv)
        {
            return false;
        }

        foreach ((int vendor, int device) in pdrv.IdTable)
        {
            if (vendor == pdev.Vendor && device == pdev.DeviceId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>pci_get_domain_bus_and_slot()</c>: the PCI function at (<paramref name="bus"/>, <paramref name="devfn"/>),
    /// found by walking the bus's klist (<c>bus_find_device</c>): process context only.
    /// </summary>
    /// <param name="domain">The PCI segment (the model has only 0).</param>
    /// <param name="bus">The bus number.</param>
    /// <param name="devfn">The device and function.</param>
    /// <returns>The function, or <see langword="null"/>.</returns>
    public PciDev? PciGetDomainBusAndSlot(int domain, int bus, int devfn)
    {
        return domain == 0 ? Kernel.Base.BusFindDevice(this, null, (bus << 8) | devfn, MatchPciDevBySourceId) as PciDev : null;
    }

    /// <summary><c>PCI_ANY_ID</c>.</summary>
    public const int PciAnyId = -1;

    /// <summary><c>pci_get_device()</c>: the next PCI function after <paramref name="from"/> with these ids (<c>for_each_pci_dev</c> passes <see cref="PciAnyId"/>).</summary>
    /// <param name="vendor">The vendor id, or <see cref="PciAnyId"/>.</param>
    /// <param name="device">The device id, or <see cref="PciAnyId"/>.</param>
    /// <param name="from">The previous function, or <see langword="null"/> for the first.</param>
    /// <returns>The next function, or <see langword="null"/> at the end.</returns>
    public PciDev? PciGetDevice(int vendor, int device, PciDev? from)
    {
        return Kernel.Base.BusFindDevice(this, from, (vendor, device), MatchPciDevById) as PciDev;
    }

    /// <summary>
    /// <c>pci_dma_configure()</c>: ACPI configuration (which replays the IOMMU probe), then
    /// <c>iommu_device_use_default_domain()</c> last, as the v8 DMA ownership series ordered it.
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <returns>0 with the DMA claim taken, or a negative error.</returns>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    public override int DmaConfigure(Device dev)
    {
        return UseDefaultDomainAfterFirmware(dev, Kernel.IommuHooks.AcpiDmaConfigure(dev));
    }

    private static bool MatchPciDevBySourceId(Device dev, int sourceId) => dev is PciDev pdev && pdev.SourceId == sourceId;

    /// <summary><c>match_pci_dev_by_id()</c>.</summary>
    private static bool MatchPciDevById(Device dev, (int Vendor, int Device) id)
        => dev is PciDev pdev && (id.Vendor == PciAnyId || id.Vendor == pdev.Vendor) && (id.Device == PciAnyId || id.Device == pdev.DeviceId);

    /// <summary><c>pci_dma_cleanup()</c>.</summary>
    /// <param name="dev">The device.</param>
    [ReleasesLock("dev.DmaOwner")]
    public override void DmaCleanup(Device dev)
    {
        Kernel.IommuHooks.IommuDeviceUnuseDefaultDomain(dev);
    }
}

/// <summary><c>platform_bus_type</c>.</summary>
public sealed class PlatformBusType : BusType
{
    /// <summary>Creates the platform bus type.</summary>
    /// <param name="kernel">The kernel.</param>
    public PlatformBusType(Kernel kernel)
        : base(kernel, "platform")
    {
    }

    /// <summary><c>platform_match()</c>: by name.</summary>
    /// <param name="dev">A platform device.</param>
    /// <param name="drv">A platform driver.</param>
    /// <returns>Whether they match.</returns>
    public override bool Match(Device dev, DeviceDriver drv)
    {
        return dev is PlatformDevice pdev && drv is PlatformDriver && pdev.DriverName == drv.Name;
    }

    /// <summary>
    /// <c>platform_dma_configure()</c>: device-tree or ACPI configuration (either probes the device with
    /// its IOMMU), then <c>iommu_device_use_default_domain()</c> last.
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <returns>0 with the DMA claim taken, or a negative error.</returns>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    public override int DmaConfigure(Device dev)
    {
        int ret = dev.Fwnode is { IsOf: true }
            ? Kernel.IommuHooks.OfDmaConfigure(dev)
            : Kernel.IommuHooks.AcpiDmaConfigure(dev);
        return UseDefaultDomainAfterFirmware(dev, ret);
    }

    /// <summary><c>platform_dma_cleanup()</c>.</summary>
    /// <param name="dev">The device.</param>
    [ReleasesLock("dev.DmaOwner")]
    public override void DmaCleanup(Device dev)
    {
        Kernel.IommuHooks.IommuDeviceUnuseDefaultDomain(dev);
    }
}
