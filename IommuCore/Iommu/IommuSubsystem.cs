using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// The IOMMU core as a kernel loads it: <c>iommu.c</c>, <c>dma-iommu.c</c>, the firmware DMA configuration
/// and what the IOMMU core keeps in globals (<c>iommu_class</c>, <c>iommu_buses[]</c>), registered with the
/// driver core as its <see cref="IDeviceIommuHooks"/>.
/// </summary>
public sealed class IommuSubsystem : IDeviceIommuHooks
{
    private IommuSubsystem(Kernel kernel)
    {
        Iommu = new Iommu(kernel);
        Dma = new IommuDma(kernel);
        Firmware = new FirmwareDma(kernel);
        Buses = kernel.Arch == Arch.X86_64 ? [kernel.Pci, kernel.Platform] : [kernel.Platform];
    }

    /// <summary>The IOMMU core proper.</summary>
    public Iommu Iommu { get; }

    /// <summary>The DMA API over IOMMUs.</summary>
    public IommuDma Dma { get; }

    /// <summary>ACPI and device-tree DMA configuration.</summary>
    public FirmwareDma Firmware { get; }

    /// <summary><c>iommu_class</c>: the IOMMU units' class devices (<c>/sys/class/iommu</c>).</summary>
    public DeviceClass Class { get; } = new("iommu");

    /// <summary><c>iommu_buses[]</c>: the buses IOMMU registration probes.</summary>
    public IReadOnlyList<BusType> Buses { get; }

    /// <summary>Creates the IOMMU core of <paramref name="kernel"/> and registers it with the driver core.</summary>
    /// <param name="kernel">A kernel not yet started.</param>
    /// <returns>The IOMMU core.</returns>
    public static IommuSubsystem Load(Kernel kernel)
    {
        var subsystem = new IommuSubsystem(kernel);
        kernel.RegisterIommuHooks(subsystem);
        return subsystem;
    }

    /// <summary>The IOMMU core registered with <paramref name="kernel"/>.</summary>
    /// <param name="kernel">A kernel the IOMMU core was loaded into.</param>
    /// <returns>Its IOMMU core.</returns>
    public static IommuSubsystem Of(Kernel kernel) => (IommuSubsystem)kernel.IommuHooks;

    /// <inheritdoc/>
    public void SubsysInit()
    {
        Iommu.IommuSubsysInit();
        Dma.IovaCacheGet();
    }

    /// <inheritdoc/>
    public int AcpiDmaConfigure(Device dev) => Firmware.AcpiDmaConfigure(dev);

    /// <inheritdoc/>
    public int OfDmaConfigure(Device dev) => Firmware.OfDmaConfigure(dev);

    /// <inheritdoc/>
    public void ArchTeardownDmaOps(Device dev) => Firmware.ArchTeardownDmaOps(dev);

    /// <inheritdoc/>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    public int IommuDeviceUseDefaultDomain(Device dev) => Iommu.IommuDeviceUseDefaultDomain(dev);

    /// <inheritdoc/>
    [ReleasesLock("dev.DmaOwner")]
    public void IommuDeviceUnuseDefaultDomain(Device dev) => Iommu.IommuDeviceUnuseDefaultDomain(dev);
}

/// <summary>How the IOMMU core's modules reach what the kernel keeps for the IOMMU core.</summary>
public static class KernelIommuExtensions
{
    /// <summary>The kernel's IOMMU core (<c>drivers/iommu/iommu.c</c>).</summary>
    /// <param name="kernel">A kernel the IOMMU core was loaded into.</param>
    /// <returns>Its IOMMU core.</returns>
    public static Iommu Iommu(this Kernel kernel) => IommuSubsystem.Of(kernel).Iommu;

    /// <summary>The kernel's DMA API over IOMMUs (<c>dma-iommu.c</c>).</summary>
    /// <param name="kernel">A kernel the IOMMU core was loaded into.</param>
    /// <returns>Its IOMMU DMA layer.</returns>
    public static IommuDma IommuDma(this Kernel kernel) => IommuSubsystem.Of(kernel).Dma;

    /// <summary><c>iommu_class</c>.</summary>
    /// <param name="kernel">A kernel the IOMMU core was loaded into.</param>
    /// <returns>Its IOMMU device class.</returns>
    public static DeviceClass IommuClass(this Kernel kernel) => IommuSubsystem.Of(kernel).Class;

    /// <summary><c>iommu_buses[]</c>.</summary>
    /// <param name="kernel">A kernel the IOMMU core was loaded into.</param>
    /// <returns>The buses IOMMU registration probes.</returns>
    public static IReadOnlyList<BusType> IommuBuses(this Kernel kernel) => IommuSubsystem.Of(kernel).Buses;
}
