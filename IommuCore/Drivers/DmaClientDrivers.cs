namespace IommuCore;

/// <summary>What a DMA-capable driver keeps for a bound device: one streaming buffer it maps at probe.</summary>
/// <param name="Paddr">The buffer's physical address.</param>
/// <param name="DmaAddr">The address the device uses (an IOVA behind an IOMMU).</param>
/// <param name="Size">Bytes.</param>
public sealed record DmaBuffer(ulong Paddr, ulong DmaAddr, ulong Size);

/// <summary>
/// The DMA side of a driver's probe and remove: <c>dma_map_single()</c> of a buffer at probe, and
/// <c>dma_unmap_single()</c> at remove, through the IOMMU when the device has IOMMU DMA ops.
/// </summary>
public static class DmaMapping
{
    /// <summary><c>dma_map_single()</c>.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="dev">The device.</param>
    /// <param name="size">The buffer's size.</param>
    /// <returns>The mapped buffer, or <see langword="null"/> when mapping failed.</returns>
    public static DmaBuffer? DmaMapSingle(Kernel kernel, Device dev, ulong size)
    {
        ulong paddr = kernel.AllocPages(size);
        if (dev.DmaOps() is null)
        {
            return new DmaBuffer(paddr, paddr, size);
        }

        ulong dmaAddr = kernel.IommuDma().IommuDmaMapPage(dev, paddr, size);
        return dmaAddr == 0 ? null : new DmaBuffer(paddr, dmaAddr, size);
    }

    /// <summary><c>dma_unmap_single()</c>.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="dev">The device.</param>
    /// <param name="buffer">What <see cref="DmaMapSingle"/> returned.</param>
    public static void DmaUnmapSingle(Kernel kernel, Device dev, DmaBuffer buffer)
    {
        if (buffer.DmaAddr != buffer.Paddr)
        {
            kernel.IommuDma().IommuDmaUnmapPage(dev, buffer.DmaAddr, buffer.Size);
        }
    }
}

/// <summary>The e1000e network driver's DMA behaviour: a descriptor ring mapped at probe.</summary>
public sealed class E1000eDriver : PciDriver
{
    /// <summary>The descriptor ring's size.</summary>
    public const ulong RingSize = 4 * 4096;

    private readonly Kernel _kernel;

    /// <summary>Creates the driver.</summary>
    /// <param name="kernel">The kernel.</param>
    public E1000eDriver(Kernel kernel)
        : base("e1000e", kernel.Pci, [(0x8086, 0x10d3)])
    {
        _kernel = kernel;
    }

    /// <summary><c>e1000_probe()</c>: maps the descriptor ring.</summary>
    /// <param name="dev">An 82574L function.</param>
    /// <returns>0, or <c>-ENOMEM</c>.</returns>
    public override int Probe(Device dev)
    {
        DmaBuffer? ring = DmaMapping.DmaMapSingle(_kernel, dev, RingSize);
        if (ring is null)
        {
            return -Errno.ENOMEM;
        }

        dev.DriverData = ring;
        return 0;
    }

    /// <summary><c>e1000_remove()</c>: unmaps the ring.</summary>
    /// <param name="dev">A bound function.</param>
    public override void Remove(Device dev)
    {
        if (dev.DriverData is DmaBuffer ring)
        {
            DmaMapping.DmaUnmapSingle(_kernel, dev, ring);
        }
    }
}

/// <summary>The xHCI host controller driver's DMA behaviour: the device context array mapped at probe.</summary>
public sealed class XhciPciDriver : PciDriver
{
    private readonly Kernel _kernel;

    /// <summary>Creates the driver.</summary>
    /// <param name="kernel">The kernel.</param>
    public XhciPciDriver(Kernel kernel)
        : base("xhci_hcd", kernel.Pci, [(0x8086, 0xa36d)])
    {
        _kernel = kernel;
    }

    /// <summary><c>xhci_pci_probe()</c>: maps the device context base array.</summary>
    /// <param name="dev">The controller.</param>
    /// <returns>0, or <c>-ENOMEM</c>.</returns>
    public override int Probe(Device dev)
    {
        DmaBuffer? dcbaa = DmaMapping.DmaMapSingle(_kernel, dev, 4096);
        if (dcbaa is null)
        {
            return -Errno.ENOMEM;
        }

        dev.DriverData = dcbaa;
        return 0;
    }

    /// <summary><c>xhci_pci_remove()</c>.</summary>
    /// <param name="dev">The controller.</param>
    public override void Remove(Device dev)
    {
        if (dev.DriverData is DmaBuffer dcbaa)
        {
            DmaMapping.DmaUnmapSingle(_kernel, dev, dcbaa);
        }
    }
}

/// <summary>The Rockchip VOP (display controller) driver's DMA behaviour: a framebuffer mapped at probe.</summary>
public sealed class RockchipVopDriver : PlatformDriver
{
    private readonly Kernel _kernel;

    /// <summary>Creates the driver.</summary>
    /// <param name="kernel">The kernel.</param>
    public RockchipVopDriver(Kernel kernel)
        : base("rockchip-vop", kernel.Platform, ProbeType.DefaultStrategy)
    {
        _kernel = kernel;
    }

    /// <summary><c>vop_probe()</c>: maps a framebuffer.</summary>
    /// <param name="dev">A VOP.</param>
    /// <returns>0, or <c>-ENOMEM</c>.</returns>
    public override int Probe(Device dev)
    {
        DmaBuffer? fb = DmaMapping.DmaMapSingle(_kernel, dev, 8 * 4096);
        if (fb is null)
        {
            return -Errno.ENOMEM;
        }

        dev.DriverData = fb;
        return 0;
    }

    /// <summary><c>vop_remove()</c>.</summary>
    /// <param name="dev">A VOP.</param>
    public override void Remove(Device dev)
    {
        if (dev.DriverData is DmaBuffer fb)
        {
            DmaMapping.DmaUnmapSingle(_kernel, dev, fb);
        }
    }
}
