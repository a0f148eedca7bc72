namespace IommuCore;

/// <summary>
/// Firmware-driven DMA configuration (<c>drivers/acpi/scan.c</c>, <c>drivers/of/device.c</c>, and the
/// architectures' <c>arch_setup_dma_ops</c>): what a bus's <c>dma_configure</c> runs before taking the
/// driver's DMA ownership.
/// </summary>
public sealed class FirmwareDma
{
    private readonly Kernel _kernel;

    /// <summary>Creates the firmware DMA helpers of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public FirmwareDma(Kernel kernel)
    {
        _kernel = kernel;
    }

    /// <summary>
    /// <c>acpi_dma_configure()</c> → <c>acpi_iommu_configure_id()</c>: replays the IOMMU probe for a device
    /// the IOMMU driver missed; a device no IOMMU handles keeps direct DMA.
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <returns>0, or <c>-EPROBE_DEFER</c>.</returns>
    public int AcpiDmaConfigure(Device dev)
    {
        if (dev.IommuGroup() is null && _kernel.Iommu().IommuProbeDevice(dev) == -Errno.EPROBE_DEFER)
        {
            return -Errno.EPROBE_DEFER;
        }

        return 0;
    }

    /// <summary>
    /// <c>of_dma_configure()</c>: <c>of_iommu_configure()</c>, then <c>arch_setup_dma_ops()</c>, which on
    /// arm64 sets the IOMMU DMA ops up for a device behind an IOMMU.
    /// </summary>
    /// <param name="dev">A device-tree device.</param>
    /// <returns>0, or <c>-EPROBE_DEFER</c> while its IOMMU has not registered.</returns>
    public int OfDmaConfigure(Device dev)
    {
        int ret = _kernel.Iommu().OfIommuConfigure(dev);
        if (ret == -Errno.EPROBE_DEFER)
        {
            return ret;
        }

        if (ret == 0 && dev.IommuGroup() is not null && _kernel.Arch == Arch.Arm64)
        {
            _kernel.IommuDma().IommuSetupDmaOps(dev);
        }

        return 0;
    }

    /// <summary><c>arch_teardown_dma_ops()</c>: back to direct DMA.</summary>
    /// <param name="dev">The device.</param>
    public void ArchTeardownDmaOps(Device dev)
    {
        DeviceIommuData.Of(dev).DmaOps = null;
    }
}
