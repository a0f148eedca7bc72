using LockDiscipline;

namespace IommuCore;

/// <summary>
/// What the driver core needs from the IOMMU core, which registers it with the kernel at init
/// (<see cref="Kernel.RegisterIommuHooks"/>): the firmware half of a bus's <c>dma_configure</c>, the
/// driver's DMA ownership, and the IOMMU core's initcalls. The kernel's buses call <c>acpi_dma_configure()</c>,
/// <c>of_dma_configure()</c> and <c>iommu_device_use_default_domain()</c> directly, all built in; here the
/// driver core is an assembly below the IOMMU core and reaches it only through this interface, whose
/// contracts bind the implementation.
/// </summary>
public interface IDeviceIommuHooks
{
    /// <summary>
    /// The IOMMU core's initcalls: <c>iommu_subsys_init()</c> (the bus notifiers) and <c>iommu_dma_init()</c>
    /// (the IOVA cache).
    /// </summary>
    void SubsysInit();

    /// <summary>
    /// <c>acpi_dma_configure()</c>: replays the IOMMU probe for a device the IOMMU driver missed; a device
    /// no IOMMU handles keeps direct DMA.
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <returns>0, or <c>-EPROBE_DEFER</c>.</returns>
    int AcpiDmaConfigure(Device dev);

    /// <summary><c>of_dma_configure()</c>: the device tree's IOMMU configuration, then the DMA ops.</summary>
    /// <param name="dev">A device-tree device.</param>
    /// <returns>0, or <c>-EPROBE_DEFER</c> while its IOMMU has not registered.</returns>
    int OfDmaConfigure(Device dev);

    /// <summary><c>arch_teardown_dma_ops()</c>: back to direct DMA.</summary>
    /// <param name="dev">The device.</param>
    void ArchTeardownDmaOps(Device dev);

    /// <summary><c>iommu_device_use_default_domain()</c>: the bound driver's claim on the device's DMA.</summary>
    /// <param name="dev">The device.</param>
    /// <returns>0 with the claim taken, or a negative error without it.</returns>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    int IommuDeviceUseDefaultDomain(Device dev);

    /// <summary><c>iommu_device_unuse_default_domain()</c>: releases the claim.</summary>
    /// <param name="dev">The device.</param>
    [ReleasesLock("dev.DmaOwner")]
    void IommuDeviceUnuseDefaultDomain(Device dev);
}
