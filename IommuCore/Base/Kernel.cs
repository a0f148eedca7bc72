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
    /// <summary><c>PAGE_SHIFT</c>.</summary>
    public const int PageShift = 12;

    /// <summary><c>PAGE_SIZE</c>.</summary>
    public const ulong PageSize = 1UL << PageShift;

    private ulong _nextPhysPage = 0x100000;
    private IDeviceIommuHooks? _iommuHooks;

    /// <summary>Creates a kernel for <paramref name="arch"/> with <paramref name="nrCpuIds"/> CPUs.</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="nrCpuIds">The number of CPUs.</param>
    /// <param name="driverAsyncProbe">The <c>driver_async_probe=</c> command line.</param>
    public Kernel(Arch arch, int nrCpuIds, IReadOnlyCollection<string> driverAsyncProbe)
    {
        Arch = arch;
        Cpu = new CpuHotplug(Log, nrCpuIds);
        Base = new DriverCore(this, driverAsyncProbe);
        Pci = new PciBusType(this);
        Platform = new PlatformBusType(this);
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

    /// <summary>
    /// The IOMMU core's hooks, registered by the IOMMU core (<see cref="RegisterIommuHooks"/>) before the
    /// kernel starts: the driver core is built below the IOMMU core and calls it only through them.
    /// </summary>
    public IDeviceIommuHooks IommuHooks
        => Volatile.Read(ref _iommuHooks) ?? throw new InvalidOperationException("no IOMMU core is registered with this kernel");

    /// <summary><c>pci_bus_type</c>.</summary>
    public PciBusType Pci { get; }

    /// <summary><c>platform_bus_type</c>.</summary>
    public PlatformBusType Platform { get; }

    /// <summary>Registers the IOMMU core's hooks; a kernel has one IOMMU core.</summary>
    /// <param name="hooks">The IOMMU core's hooks.</param>
    public void RegisterIommuHooks(IDeviceIommuHooks hooks)
    {
        if (Interlocked.CompareExchange(ref _iommuHooks, hooks, null) is not null)
        {
            throw new InvalidOperationException("an IOMMU core is already registered with this kernel");
        }
    }

    /// <summary>
    /// The early boot steps every machine shares: the CPU hotplug threads, the IOMMU core's bus
    /// notifiers (<c>iommu_subsys_init</c>) and the IOVA cache (<c>iommu_dma_init</c>).
    /// </summary>
    public void StartKernel()
    {
        Cpu.CpuhpThreadsInit();
        IommuHooks.SubsysInit();
    }

    /// <summary><c>alloc_pages()</c>: physical memory for a buffer, page aligned.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The physical address.</returns>
    public ulong AllocPages(ulong size)
    {
        ulong pages = Math.Max(1UL, (size + PageSize - 1) >> PageShift);
        return (Interlocked.Add(ref _nextPhysPage, pages) - pages) << PageShift;
    }

    /// <summary>Waits for async probes and stops the CPU hotplug threads.</summary>
    public void Dispose()
    {
        Base.WaitForDeviceProbe();
        Cpu.CpuhpThreadsStop();
    }
}
