using System;
using System.Collections.Generic;
using System.Threading;

namespace IommuCore.Scenarios;

/// <summary>What <see cref="IommuScenarios.Boot"/> saw.</summary>
/// <param name="Snapshot">The kernel after boot.</param>
/// <param name="ResvRegionsOfUsbGroup">The reserved regions of the USB controller's group, as VFIO would see them.</param>
/// <param name="Log">The kernel log.</param>
public sealed record BootResult(KernelSnapshot Snapshot, IReadOnlyList<IommuResvRegion> ResvRegionsOfUsbGroup, IReadOnlyList<string> Log);

/// <summary>What <see cref="IommuScenarios.VfioAttach"/> saw.</summary>
/// <param name="SetContainerWhileBound">VFIO_GROUP_SET_CONTAINER while the NIC driver was still bound (<c>-EPERM</c>).</param>
/// <param name="SetContainer">VFIO_GROUP_SET_CONTAINER after unbinding.</param>
/// <param name="SetIommu">VFIO_SET_IOMMU.</param>
/// <param name="MapDma">VFIO_IOMMU_MAP_DMA.</param>
/// <param name="BindWhileOwned">Binding the NIC driver while user space owned the group (<c>-EBUSY</c>).</param>
/// <param name="MappedIova">The physical address the NIC's domain translates the mapped IOVA to.</param>
/// <param name="WhileAttached">The kernel while the group was attached to the container.</param>
/// <param name="AfterRelease">The kernel after the group was given back and the driver rebound.</param>
/// <param name="UsbRebinds">How many times the other thread rebound the USB controller meanwhile.</param>
public sealed record VfioResult(
    int SetContainerWhileBound,
    int SetContainer,
    int SetIommu,
    int MapDma,
    int BindWhileOwned,
    ulong? MappedIova,
    KernelSnapshot WhileAttached,
    KernelSnapshot AfterRelease,
    int UsbRebinds);

/// <summary>What <see cref="IommuScenarios.DmaFaultDuringDeviceAdd"/> saw.</summary>
/// <param name="DevicesAdded">The hot-added functions.</param>
/// <param name="DevicesRemoved">The hot-added functions removed again.</param>
/// <param name="FaultsRaised">Faults the hardware recorded.</param>
/// <param name="FaultsHandled">Faults the interrupt handler processed.</param>
/// <param name="Snapshot">The kernel afterwards.</param>
/// <param name="Log">The kernel log.</param>
public sealed record FaultResult(IReadOnlyList<string> DevicesAdded, IReadOnlyList<string> DevicesRemoved, int FaultsRaised, int FaultsHandled, KernelSnapshot Snapshot, IReadOnlyList<string> Log);

/// <summary>What <see cref="IommuScenarios.CpuHotplugDuringDeviceAdd"/> saw.</summary>
/// <param name="DevicesAdded">The hot-added functions.</param>
/// <param name="CpuCycles">Offline/online cycles completed.</param>
/// <param name="CoretempCpus">The CPUs coretemp reports, per package.</param>
/// <param name="DmaDomainsWithCaches">DMA domains whose IOVA caches are set up.</param>
/// <param name="IovaLeaks">Per DMA domain: allocated IOVA ranges not in use and not cached (0 when consistent).</param>
/// <param name="Snapshot">The kernel afterwards.</param>
public sealed record HotplugResult(
    IReadOnlyList<string> DevicesAdded,
    int CpuCycles,
    IReadOnlyList<IReadOnlyCollection<int>> CoretempCpus,
    int DmaDomainsWithCaches,
    IReadOnlyList<int> IovaLeaks,
    KernelSnapshot Snapshot);

/// <summary>What <see cref="IommuScenarios.AsyncProbe"/> saw, over several boots.</summary>
/// <param name="Boots">One snapshot per boot.</param>
/// <param name="DmaDevs">The <c>dma_dev</c> each boot chose.</param>
/// <param name="ClientData">Per boot, the managed client data on <c>dma_dev</c>.</param>
public sealed record AsyncProbeResult(IReadOnlyList<KernelSnapshot> Boots, IReadOnlyList<string?> DmaDevs, IReadOnlyList<int> ClientData);

/// <summary>What <see cref="IommuScenarios.DriverBindUnbind"/> saw.</summary>
/// <param name="Cycles">Bind/unbind cycles completed per thread.</param>
/// <param name="Snapshot">The kernel afterwards, with every driver bound again.</param>
public sealed record BindResult(int Cycles, KernelSnapshot Snapshot);

/// <summary>
/// The scenarios: each builds a machine, boots it, runs its work on real threads, takes what it saw,
/// shuts the machine down and returns. The runtime validator runs them under its generated checks.
/// </summary>
public static class IommuScenarios
{
    /// <summary>Boots the x86 machine: IOMMU registration under <c>dmar_global_lock</c>, probing, driver binding, coretemp.</summary>
    /// <returns>What boot produced.</returns>
    public static BootResult Boot()
    {
        using var machine = new X86Machine();
        machine.Boot();
        KernelSnapshot snapshot = KernelSnapshot.Take(machine.Kernel);
        IommuGroup usbGroup = machine.Usb.IommuGroup() ?? throw new InvalidOperationException("the USB controller has no IOMMU group");
        List<IommuResvRegion> regions = machine.Kernel.Iommu().IommuGetGroupResvRegions(usbGroup);
        return new BootResult(snapshot, regions, machine.Kernel.Log.Lines);
    }

    /// <summary>
    /// The first seed's path, fixed: a VMM thread hands the NIC's group to VFIO (unbind, set container,
    /// <c>VFIO_SET_IOMMU</c> with <c>iommu_get_group_resv_regions()</c> under <c>&amp;group-&gt;mutex</c>, map),
    /// gives it back and rebinds, while another thread rebinds the USB controller over and over.
    /// </summary>
    /// <returns>What the VMM and the kernel saw.</returns>
    public static VfioResult VfioAttach()
    {
        using var machine = new X86Machine();
        machine.Boot();
        Kernel kernel = machine.Kernel;
        IommuGroup nicGroup = machine.Nic0.IommuGroup() ?? throw new InvalidOperationException("the NIC has no IOMMU group");
        int setContainerWhileBound = 0, setContainer = 0, setIommu = 0, mapDma = 0, bindWhileOwned = 0, usbRebinds = 0;
        ulong? mapped = null;
        KernelSnapshot? whileAttached = null;
        int vmmDone = 0;
        const ulong iova = 0x10000000;
        ulong guestRam = kernel.AllocPages(16 * Iommu.PageSize);

        KernelThreads.RunAll(
            ("qemu-system-x86", () =>
            {
                VfioContainer container = Vfio.VfioContainerOpen();
                VfioGroup group = Vfio.VfioGroupOpen(nicGroup);
                setContainerWhileBound = machine.Vfio.VfioGroupSetContainer(group, container);
                kernel.Base.DeviceReleaseDriver(machine.Nic0);
                kernel.Base.DeviceReleaseDriver(machine.Nic1);
                setContainer = machine.Vfio.VfioGroupSetContainer(group, container);
                setIommu = machine.Vfio.VfioIoctlSetIommu(container);
                mapDma = Vfio.VfioIommuMapDma(container, iova, guestRam, 16 * Iommu.PageSize);
                mapped = kernel.Iommu().IommuGetDomainForDev(machine.Nic0)?.IovaToPhys(iova + 0x123);
                bindWhileOwned = kernel.Base.DeviceDriverAttach(machine.E1000e, machine.Nic0);
                whileAttached = KernelSnapshot.Take(kernel);
                machine.Vfio.VfioGroupUnsetContainer(group);
                kernel.Base.DeviceDriverAttach(machine.E1000e, machine.Nic0);
                kernel.Base.DeviceDriverAttach(machine.E1000e, machine.Nic1);
                Volatile.Write(ref vmmDone, 1);
            }),
            ("usb-rebind", () =>
            {
                while (Volatile.Read(ref vmmDone) == 0 || usbRebinds < 3)
                {
                    kernel.Base.DeviceReleaseDriver(machine.Usb);
                    kernel.Base.DeviceDriverAttach(machine.Xhci, machine.Usb);
                    usbRebinds++;
                }
            }));

        return new VfioResult(
            setContainerWhileBound,
            setContainer,
            setIommu,
            mapDma,
            bindWhileOwned,
            mapped,
            whileAttached ?? throw new InvalidOperationException("the VMM thread took no snapshot"),
            KernelSnapshot.Take(kernel),
            usbRebinds);
    }

    /// <summary>
    /// The second seed's situation, fixed: DMA faults interrupt a CPU while another hot-adds NICs (whose
    /// <c>device_add()</c> takes the PCI bus's <c>k_lock</c> with interrupts on) and removes two of them
    /// again; the handler reads context entries and page tables without walking the bus.
    /// </summary>
    /// <returns>What the handler and the kernel saw.</returns>
    public static FaultResult DmaFaultDuringDeviceAdd()
    {
        using var machine = new X86Machine();
        machine.Boot();
        Kernel kernel = machine.Kernel;
        IntelIommuUnit dmar1 = machine.Intel.Units[1];
        var added = new List<string>();
        var removed = new List<string>();
        int addsDone = 0, raised = 0;

        KernelThreads.RunAll(
            ("pciehp", () =>
            {
                var devices = new List<PciDev>();
                for (int slot = 0; slot < 6; slot++)
                {
                    PciDev dev = machine.HotAddNic(2, slot, 0);
                    devices.Add(dev);
                    added.Add(dev.Name);
                }

                foreach (PciDev dev in devices.GetRange(4, 2))
                {
                    kernel.Base.DeviceDel(dev);
                    removed.Add(dev.Name);
                }

                Volatile.Write(ref addsDone, 1);
            }),
            ("irq/25-dmar1", () =>
            {
                var random = new Random(25);
                while (Volatile.Read(ref addsDone) == 0 || raised < 20)
                {
                    int sourceId = (2 << 8) | (random.Next(6) << 3);
                    dmar1.HardwareRecordFault(new DmarFaultRecord(sourceId, (ulong)random.Next(1, 1 << 20) << Iommu.PageShift, Write: true, Reason: 5));
                    raised++;
                    kernel.IrqChip.GenerateIrq(X86Machine.Dmar1Irq);
                }
            }));

        // One fault on a page the NIC's driver has mapped: the dump finds its PTE.
        if (machine.Nic0.DriverData is DmaBuffer ring)
        {
            dmar1.HardwareRecordFault(new DmarFaultRecord(machine.Nic0.SourceId, ring.DmaAddr, Write: false, Reason: 6));
            raised++;
            kernel.IrqChip.GenerateIrq(X86Machine.Dmar1Irq);
        }

        return new FaultResult(added, removed, raised, dmar1.FaultsHandledCount(), KernelSnapshot.Take(kernel), kernel.Log.Lines);
    }

    /// <summary>
    /// The fourth seed's situation, fixed: CPUs go offline and online (coretemp's callbacks on the
    /// hotplug threads, the IOVA caches flushed by the dead callback) while NICs are hot-added (each
    /// probe registering its IOVA domain's hotplug instance under the bus notifier) and the boot NIC is
    /// rebound (churning the IOVA caches).
    /// </summary>
    /// <returns>What hotplug and the kernel saw.</returns>
    public static HotplugResult CpuHotplugDuringDeviceAdd()
    {
        using var machine = new X86Machine();
        machine.Boot();
        Kernel kernel = machine.Kernel;
        var added = new List<string>();
        int cycles = 0, addsDone = 0;

        KernelThreads.RunAll(
            ("cpuhp-sysfs", () =>
            {
                while (Volatile.Read(ref addsDone) == 0 || cycles < 4)
                {
                    int cpu = 1 + (cycles % (X86Machine.NrCpus - 1));
                    if (kernel.Cpu.CpuDown(cpu) != 0 || kernel.Cpu.CpuUp(cpu) != 0)
                    {
                        throw new InvalidOperationException($"CPU{cpu} hotplug failed");
                    }

                    cycles++;
                }
            }),
            ("pciehp", () =>
            {
                for (int slot = 0; slot < 6; slot++)
                {
                    added.Add(machine.HotAddNic(3, slot, 0).Name);
                }

                Volatile.Write(ref addsDone, 1);
            }),
            ("nic-rebind", () =>
            {
                while (Volatile.Read(ref addsDone) == 0)
                {
                    kernel.Base.DeviceReleaseDriver(machine.Nic0);
                    kernel.Base.DeviceDriverAttach(machine.E1000e, machine.Nic0);
                }
            }));

        var coretempCpus = new List<IReadOnlyCollection<int>>();
        foreach (PlatformDevice? pdev in machine.Coretemp.ZoneDevices)
        {
            coretempCpus.Add(pdev?.DriverData is CoretempPlatformData pdata ? [.. pdata.Cpus] : []);
        }

        // Every DMA domain's IOVA ranges are in use by a bound driver's buffer, or cached free.
        var inUse = new Dictionary<IommuDmaCookie, int>();
        PciDev? dev = null;
        while ((dev = kernel.Pci.PciGetDevice(PciBusType.PciAnyId, PciBusType.PciAnyId, dev)) is not null)
        {
            if (kernel.Iommu().IommuGetDomainForDev(dev)?.IovaCookie is { } cookie)
            {
                inUse[cookie] = inUse.GetValueOrDefault(cookie) + (dev.DriverData is DmaBuffer ? 1 : 0);
            }
        }

        var leaks = new List<int>();
        int domains = 0;
        foreach ((IommuDmaCookie cookie, int buffers) in inUse)
        {
            if (!cookie.Iovad.HasCpuhpInstance)
            {
                continue;
            }

            domains++;
            int cached = cookie.Iovad.CachedRanges(-1);
            for (int cpu = 0; cpu < X86Machine.NrCpus; cpu++)
            {
                cached += cookie.Iovad.CachedRanges(cpu);
            }

            leaks.Add(cookie.Iovad.AllocatedRanges() - buffers - cached);
        }

        return new HotplugResult(added, cycles, coretempCpus, domains, leaks, KernelSnapshot.Take(kernel));
    }

    /// <summary>
    /// The third seed's situation, fixed: <c>driver_async_probe=rk_iommu</c> probes four IOMMU instances
    /// at once, each registering and probing every platform device, over several boots.
    /// </summary>
    /// <param name="boots">How many machines to boot.</param>
    /// <returns>What each boot produced.</returns>
    public static AsyncProbeResult AsyncProbe(int boots = 5)
    {
        var snapshots = new List<KernelSnapshot>();
        var dmaDevs = new List<string?>();
        var clientData = new List<int>();
        for (int i = 0; i < boots; i++)
        {
            using var machine = new Rk3399Machine();
            machine.Boot();
            snapshots.Add(KernelSnapshot.Take(machine.Kernel));
            dmaDevs.Add(machine.RkIommu.DmaDev?.Name);
            clientData.Add(machine.RkIommu.DmaDev?.DevresCount() ?? 0);
        }

        return new AsyncProbeResult(snapshots, dmaDevs, clientData);
    }

    /// <summary>
    /// The fifth seed's path, fixed: threads bind and unbind drivers through sysfs while the xHCI
    /// driver is unregistered and registered again; each bind claims DMA ownership after the firmware
    /// configuration, each unbind gives it back.
    /// </summary>
    /// <param name="cycles">Bind/unbind cycles per thread.</param>
    /// <returns>What the kernel looked like afterwards.</returns>
    public static BindResult DriverBindUnbind(int cycles = 25)
    {
        using var machine = new X86Machine();
        machine.Boot();
        Kernel kernel = machine.Kernel;
        KernelThreads.RunAll(
            ("sysfs-nic0", () => Rebind(kernel, machine.E1000e, machine.Nic0, cycles)),
            ("sysfs-nic1", () => Rebind(kernel, machine.E1000e, machine.Nic1, cycles)),
            ("modprobe-xhci", () =>
            {
                for (int i = 0; i < cycles; i++)
                {
                    kernel.Base.DriverUnregister(machine.Xhci);
                    kernel.Base.DriverRegister(machine.Xhci);
                }
            }));

        return new BindResult(cycles, KernelSnapshot.Take(kernel));
    }

    private static void Rebind(Kernel kernel, DeviceDriver drv, Device dev, int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            kernel.Base.DeviceReleaseDriver(dev);
            int ret = kernel.Base.DeviceDriverAttach(drv, dev);
            if (ret != 0)
            {
                throw new InvalidOperationException($"binding {drv} to {dev} failed: {ret}");
            }
        }
    }
}
