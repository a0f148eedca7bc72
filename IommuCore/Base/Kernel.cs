using System;
using System.Collections.Generic;
using System.Threading;

namespace IommuCore;

/// <summary>The machine architecture, which decides how devices reach their IOMMU (ACPI or device tree).</summary>
public enum Arch
{
    /// <summary>x86-64 with ACPI: PCI devices behind Intel VT-d.</summary>
    X86_64,

    /// <summary>arm64 with a device tree: platform devices behind Rockchip IOMMUs.</summary>
    Arm64,
}

/// <summary>
/// One simulated machine's kernel: what the Linux kernel keeps in globals, as one object per scenario,
/// so that scenarios run side by side without sharing state. Lock classes are per member, so every
/// instance's locks share the kernel's lock classes.
/// </summary>
public sealed class Kernel : IDisposable
{
    private ulong _nextPhysPage = 0x100000;

    /// <summary>Creates a kernel for <paramref name="arch"/> with <paramref name="nrCpuIds"/> CPUs.</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="nrCpuIds">The number of CPUs.</param>
    /// <param name="driverAsyncProbe">The <c>driver_async_probe=</c> command line.</param>
    public Kernel(Arch arch, int nrCpuIds, IReadOnlyCollection<string> driverAsyncProbe)
    {
        Arch = arch;
        Cpu = new CpuHotplug(Log, nrCpuIds);
        Base = new DriverCore(this, driverAsyncProbe);
        Iommu = new Iommu(this);
        IommuDma = new IommuDma(this);
        Firmware = new FirmwareDma(this);
        Pci = new PciBusType(this);
        Platform = new PlatformBusType(this);
        IommuBuses = arch == Arch.X86_64 ? [Pci, Platform] : [Platform];
    }

    /// <summary>The architecture.</summary>
    public Arch Arch { get; }

    /// <summary>The kernel log.</summary>
    public KernelLog Log { get; } = new();

    /// <summary>RCU's read side.</summary>
    public Rcu Rcu { get; } = new();

    /// <summary>The interrupt controller.</summary>
    public IrqChip IrqChip { get; } = new();

    /// <summary>CPU hotplug.</summary>
    public CpuHotplug Cpu { get; }

    /// <summary>The driver core.</summary>
    public DriverCore Base { get; }

    /// <summary>The IOMMU core.</summary>
    public Iommu Iommu { get; }

    /// <summary>The DMA API over IOMMUs.</summary>
    public IommuDma IommuDma { get; }

    /// <summary>ACPI and device-tree DMA configuration.</summary>
    public FirmwareDma Firmware { get; }

    /// <summary><c>pci_bus_type</c>.</summary>
    public PciBusType Pci { get; }

    /// <summary><c>platform_bus_type</c>.</summary>
    public PlatformBusType Platform { get; }

    /// <summary><c>iommu_class</c>: the IOMMU units' class devices (<c>/sys/class/iommu</c>).</summary>
    public DeviceClass IommuClass { get; } = new("iommu");

    /// <summary><c>iommu_buses[]</c>: the buses IOMMU registration probes.</summary>
    public IReadOnlyList<BusType> IommuBuses { get; }

    /// <summary>
    /// The early boot steps every machine shares: the CPU hotplug threads, the IOMMU core's bus
    /// notifiers (<c>iommu_subsys_init</c>) and the IOVA cache (<c>iommu_dma_init</c>).
    /// </summary>
    public void StartKernel()
    {
        Cpu.CpuhpThreadsInit();
        Iommu.IommuSubsysInit();
        IommuDma.IovaCacheGet();
    }

    /// <summary><c>alloc_pages()</c>: physical memory for a buffer, page aligned.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The physical address.</returns>
    public ulong AllocPages(ulong size)
    {
        ulong pages = Math.Max(1UL, (size + IommuCore.Iommu.PageSize - 1) >> IommuCore.Iommu.PageShift);
        return (Interlocked.Add(ref _nextPhysPage, pages) - pages) << IommuCore.Iommu.PageShift;
    }

    /// <summary>Waits for async probes and stops the CPU hotplug threads.</summary>
    public void Dispose()
    {
        Base.WaitForDeviceProbe();
        Cpu.CpuhpThreadsStop();
    }
}
