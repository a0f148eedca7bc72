using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// The Intel VT-d driver (<c>drivers/iommu/intel/iommu.c</c>, <c>dmar.c</c>) as upstream has it after the
/// fixes: <c>dmar_global_lock</c> around table setup and IOMMU registration, RCU for the reserved regions
/// callback, and a fault handler that reads the context entry instead of looking the device up.
/// </summary>
public sealed class IntelIommu
{
    /// <summary><c>IOAPIC_RANGE_START</c>: the interrupt window every device reserves.</summary>
    public const ulong IoapicRangeStart = 0xfee00000;

    /// <summary><c>IOAPIC_RANGE_END - IOAPIC_RANGE_START + 1</c>.</summary>
    public const ulong IoapicRangeSize = 0x100000;

    private readonly Kernel _kernel;
    private readonly DmarTable _table;

    /// <summary>
    /// <c>dmar_global_lock</c>: guards the DMAR units and their device scopes against hotplug. Held for
    /// reading by <c>intel_iommu_init()</c> around <c>iommu_device_register()</c>, so nothing called with
    /// <c>&amp;group-&gt;mutex</c> held may take it: the Intel <c>get_resv_regions</c> callback did, until it
    /// moved to RCU (the first seed).
    /// </summary>
    [LockClass("dmar_global_lock")]
    private readonly KRwSem _dmarGlobalLock = new();

    private DmarDrhdUnit[] _drhdUnits = [];
    private DmarRmrrUnit[] _rmrrUnits = [];

    /// <summary>Creates the driver for a machine with <paramref name="table"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="table">The ACPI DMAR table.</param>
    public IntelIommu(Kernel kernel, DmarTable table)
    {
        _kernel = kernel;
        _table = table;
        Ops = new IntelIommuOps(this, kernel);
    }

    /// <summary><c>intel_iommu_ops</c>.</summary>
    public IntelIommuOps Ops { get; }

    /// <summary>The remapping units, once <see cref="IntelIommuInit"/> has parsed the table.</summary>
    public IReadOnlyList<IntelIommuUnit> Units
    {
        get
        {
            var units = new List<IntelIommuUnit>();
            foreach (DmarDrhdUnit drhd in Volatile.Read(ref _drhdUnits))
            {
                units.Add(drhd.Iommu);
            }

            return units;
        }
    }

    /// <summary>
    /// <c>intel_iommu_init()</c>: parses the DMAR table and binds the present PCI devices to the units'
    /// scopes (<c>dmar_global_lock</c> held for writing), registers the PCI bus notifier with the lock
    /// dropped (the notifier takes it), sets the units up, and registers each with the IOMMU core
    /// holding <c>dmar_global_lock</c> for reading, which probes every device into its group.
    /// </summary>
    /// <returns>0, or a negative error.</returns>
    public int IntelIommuInit()
    {
        _dmarGlobalLock.DownWrite();
        DmarTableInit();
        DmarDevScopeInit();
        _dmarGlobalLock.UpWrite();

        // "The bus notifier takes the dmar_global_lock, so lockdep will complain later when we
        // register it under the lock."
        DmarRegisterBusNotifier();

        _dmarGlobalLock.DownWrite();
        InitDmars();
        _dmarGlobalLock.UpWrite();

        int ret = 0;
        _dmarGlobalLock.DownRead();
        foreach (DmarDrhdUnit drhd in Volatile.Read(ref _drhdUnits))
        {
            _kernel.IommuClass().ClassDeviceAdd(new Device(drhd.Iommu.Name, null, null));
            ret = _kernel.Iommu().IommuDeviceRegister(drhd.Iommu.Iommu, Ops);
            if (ret != 0)
            {
                break;
            }
        }

        _dmarGlobalLock.UpRead();
        _kernel.Log.Printk("DMAR: Intel(R) Virtualization Technology for Directed I/O");
        return ret;
    }

    /// <summary>
    /// <c>dmar_fault()</c>: the fault interrupt. Reads and clears each fault record under the register
    /// lock, and reports each with the lock dropped. Runs in hard-IRQ context, so everything it reaches
    /// must be IRQ-safe: it may not walk a klist, whose lock process context takes with interrupts on.
    /// </summary>
    /// <param name="irq">The interrupt.</param>
    /// <param name="devId">The unit, given to <c>request_irq()</c>.</param>
    /// <returns><see cref="IrqReturn.Handled"/>.</returns>
    [HardIrqContext]
    public IrqReturn DmarFault(int irq, object? devId)
    {
        if (devId is not IntelIommuUnit iommu)
        {
            return IrqReturn.None;
        }

        IrqFlags flag = iommu.RegisterLock.LockIrqSave();
        while (iommu.ReadAndClearFaultRecord() is { } record)
        {
            iommu.FaultsHandled++;
            iommu.RegisterLock.UnlockIrqRestore(flag);
            DmarFaultDoOne(iommu, record);
            flag = iommu.RegisterLock.LockIrqSave();
        }

        iommu.RegisterLock.UnlockIrqRestore(flag);
        return IrqReturn.Handled;
    }

    /// <summary>
    /// <c>device_to_iommu()</c>: the unit whose scope names the device, or the <c>INCLUDE_PCI_ALL</c> unit,
    /// under <c>rcu_read_lock()</c>.
    /// </summary>
    internal IntelIommuUnit? DeviceToIommu(Device dev, out int bus, out int devfn)
    {
        bus = 0;
        devfn = 0;
        if (dev is not PciDev pdev)
        {
            return null;
        }

        IntelIommuUnit? found = null;
        _kernel.Rcu.RcuReadLock();
        foreach (DmarDrhdUnit drhd in Volatile.Read(ref _drhdUnits))
        {
            if (System.Array.IndexOf(drhd.Devices, dev) >= 0 || drhd.Entry.IncludeAll)
            {
                found = drhd.Iommu;
                break;
            }
        }

        _kernel.Rcu.RcuReadUnlock();
        if (found is not null)
        {
            bus = pdev.BusNr;
            devfn = pdev.Devfn;
        }

        return found;
    }

    /// <summary>
    /// <c>intel_iommu_get_resv_regions()</c>, as "iommu/vt-d: Use rcu_lock in get_resv_regions" left it:
    /// the RMRRs naming the device are read under <c>rcu_read_lock()</c> (allocating with
    /// <c>GFP_ATOMIC</c>), not under <c>dmar_global_lock</c>, which <c>intel_iommu_init()</c> holds around
    /// the probe that calls this with <c>&amp;group-&gt;mutex</c> held.
    /// </summary>
    internal void IntelIommuGetResvRegions(Device device, List<IommuResvRegion> head)
    {
        _kernel.Rcu.RcuReadLock();
        foreach (DmarRmrrUnit rmrr in Volatile.Read(ref _rmrrUnits))
        {
            if (System.Array.IndexOf(rmrr.Devices, device) < 0)
            {
                continue;
            }

            ulong length = rmrr.Entry.EndAddress - rmrr.Entry.BaseAddress + 1;
            head.Add(new IommuResvRegion(rmrr.Entry.BaseAddress, length, IommuResvType.Direct));
        }

        _kernel.Rcu.RcuReadUnlock();
        head.Add(new IommuResvRegion(IoapicRangeStart, IoapicRangeSize, IommuResvType.Msi));
    }

    /// <summary><c>dmar_table_init()</c>: the units and RMRRs of the table, published for RCU readers.</summary>
    [RequiresLock(nameof(_dmarGlobalLock))]
    private void DmarTableInit()
    {
        var drhds = new List<DmarDrhdUnit>();
        foreach (DmarDrhdEntry entry in _table.Drhds)
        {
            drhds.Add(new DmarDrhdUnit(entry, new IntelIommuUnit(entry)));
        }

        var rmrrs = new List<DmarRmrrUnit>();
        foreach (DmarRmrrEntry entry in _table.Rmrrs)
        {
            rmrrs.Add(new DmarRmrrUnit(entry));
        }

        Volatile.Write(ref _drhdUnits, drhds.ToArray());
        Volatile.Write(ref _rmrrUnits, rmrrs.ToArray());
    }

    /// <summary><c>dmar_dev_scope_init()</c>: binds every present PCI device to the scopes that name it (<c>for_each_pci_dev</c>).</summary>
    [RequiresLock(nameof(_dmarGlobalLock))]
    private void DmarDevScopeInit()
    {
        PciDev? dev = null;
        while ((dev = _kernel.Pci.PciGetDevice(PciBusType.PciAnyId, PciBusType.PciAnyId, dev)) is not null)
        {
            DmarPciBusAddDev(dev);
        }
    }

    /// <summary><c>dmar_register_bus_notifier()</c>: runs before the IOMMU core's notifier, to bind a hot-added device to its scopes first.</summary>
    private void DmarRegisterBusNotifier()
    {
        _kernel.Pci.P.BusNotifier.BlockingNotifierChainRegister(DmarPciBusNotifier, 1);
    }

    /// <summary>
    /// <c>dmar_pci_bus_notifier()</c>: keeps the units' scopes current as PCI devices come and go, with
    /// <c>dmar_global_lock</c> held for writing.
    /// </summary>
    private int DmarPciBusNotifier(BusNotifyAction action, Device dev)
    {
        if (action != BusNotifyAction.AddDevice && action != BusNotifyAction.RemovedDevice)
        {
            return BlockingNotifierHead.NotifyDone;
        }

        _dmarGlobalLock.DownWrite();
        if (action == BusNotifyAction.AddDevice)
        {
            DmarPciBusAddDev(dev);
        }
        else
        {
            DmarPciBusDelDev(dev);
        }

        _dmarGlobalLock.UpWrite();
        return BlockingNotifierHead.NotifyOk;
    }

    /// <summary><c>dmar_pci_bus_add_dev()</c>: publishes the device in every scope naming it.</summary>
    [RequiresLock(nameof(_dmarGlobalLock))]
    private void DmarPciBusAddDev(Device dev)
    {
        if (dev is not PciDev pdev)
        {
            return;
        }

        var id = new DmarScopeEntry(pdev.BusNr, pdev.Devfn);
        foreach (DmarDrhdUnit drhd in Volatile.Read(ref _drhdUnits))
        {
            if (Contains(drhd.Entry.Scope, id))
            {
                drhd.Devices = [.. drhd.Devices, dev];
            }
        }

        foreach (DmarRmrrUnit rmrr in Volatile.Read(ref _rmrrUnits))
        {
            if (Contains(rmrr.Entry.Scope, id))
            {
                rmrr.Devices = [.. rmrr.Devices, dev];
            }
        }
    }

    /// <summary><c>dmar_pci_bus_del_dev()</c>: unpublishes the device from the scopes.</summary>
    [RequiresLock(nameof(_dmarGlobalLock))]
    private void DmarPciBusDelDev(Device dev)
    {
        foreach (DmarDrhdUnit drhd in Volatile.Read(ref _drhdUnits))
        {
            drhd.Devices = Without(drhd.Devices, dev);
        }

        foreach (DmarRmrrUnit rmrr in Volatile.Read(ref _rmrrUnits))
        {
            rmrr.Devices = Without(rmrr.Devices, dev);
        }
    }

    /// <summary>
    /// <c>init_dmars()</c>: turns translation on in each unit (<c>iommu_enable_translation</c>, under the
    /// register lock) and requests its fault interrupt (<c>dmar_set_interrupt</c>).
    /// </summary>
    [RequiresLock(nameof(_dmarGlobalLock))]
    private void InitDmars()
    {
        foreach (DmarDrhdUnit drhd in Volatile.Read(ref _drhdUnits))
        {
            IntelIommuUnit iommu = drhd.Iommu;
            IrqFlags flags = iommu.RegisterLock.LockIrqSave();
            iommu.TranslationEnabled = true;
            iommu.RegisterLock.UnlockIrqRestore(flags);
            _kernel.IrqChip.RequestIrq(drhd.Entry.Irq, DmarFault, iommu);
        }
    }

    /// <summary><c>dmar_fault_do_one()</c>: logs the fault and dumps the translation it hit.</summary>
    private void DmarFaultDoOne(IntelIommuUnit iommu, DmarFaultRecord record)
    {
        int bus = record.SourceId >> 8;
        int devfn = record.SourceId & 0xff;
        _kernel.Log.Printk(
            $"DMAR: [DMA {(record.Write ? "Write" : "Read")} NO_PASID] Request device [{bus:x2}:{devfn >> 3:x2}.{devfn & 7}] "
            + $"fault addr 0x{record.Addr:x} [fault reason 0x{record.Reason:x2}]");
        DmarFaultDumpPtes(iommu, record.SourceId, record.Addr);
    }

    /// <summary>
    /// <c>dmar_fault_dump_ptes()</c>, as "iommu/vt-d: Fix lockdep splat due to klist iteration in atomic
    /// context" left it: the page table comes from the context entry of the faulting requester id, read
    /// lock-free, rather than from <c>pci_get_domain_bus_and_slot()</c>, which walks the PCI bus's klist.
    /// </summary>
    private void DmarFaultDumpPtes(IntelIommuUnit iommu, int sourceId, ulong addr)
    {
        int bus = sourceId >> 8;
        int devfn = sourceId & 0xff;
        _kernel.Log.Printk($"DMAR: Dump {iommu.Name} table entries for IOVA 0x{addr:x}");
        if (!iommu.RootPresent(bus))
        {
            _kernel.Log.Printk("DMAR: root table entry is not present");
            return;
        }

        DmarContextEntry? ctx = iommu.ReadContext(bus, devfn);
        if (ctx is null)
        {
            _kernel.Log.Printk("DMAR: context table entry is not present");
            return;
        }

        _kernel.Log.Printk($"DMAR: context entry: hi 0x{ctx.Hi:x16}, low 0x{ctx.Lo:x16}");
        PgtableWalk(ctx.Domain, addr);
    }

    /// <summary><c>pgtable_walk()</c>: the leaf entry for the address, or where the walk stops.</summary>
    private void PgtableWalk(IommuDomain domain, ulong addr)
    {
        ulong? phys = domain.IovaToPhys(addr);
        _kernel.Log.Printk(phys is { } pa
            ? $"DMAR: pte level: 1, pte value: 0x{(pa & ~(Iommu.PageSize - 1)) | 3:x16}"
            : "DMAR: PTE not present at level 1");
    }

    private static bool Contains(IReadOnlyList<DmarScopeEntry> scope, DmarScopeEntry id)
    {
        foreach (DmarScopeEntry entry in scope)
        {
            if (entry == id)
            {
                return true;
            }
        }

        return false;
    }

    private static Device[] Without(Device[] devices, Device dev)
    {
        var kept = new List<Device>(devices.Length);
        foreach (Device d in devices)
        {
            if (d != dev)
            {
                kept.Add(d);
            }
        }

        return kept.ToArray();
    }
}

/// <summary><c>intel_iommu_ops</c>: the Intel driver's callbacks for the IOMMU core.</summary>
/// <remarks>The lock each callback runs under is the IOMMU core's contract on <see cref="IIommuOps"/>, which binds these implementations.</remarks>
public sealed class IntelIommuOps : IIommuOps
{
    private readonly IntelIommu _intel;
    private readonly Kernel _kernel;

    internal IntelIommuOps(IntelIommu intel, Kernel kernel)
    {
        _intel = intel;
        _kernel = kernel;
    }

    /// <summary><c>intel_iommu_probe_device()</c>: handles a PCI device some unit's scope covers.</summary>
    /// <param name="dev">The device.</param>
    /// <param name="iommuDev">The unit's <c>iommu_device</c>.</param>
    /// <returns>0, or <c>-ENODEV</c>.</returns>
    public int ProbeDevice(Device dev, out IommuDevice? iommuDev)
    {
        IntelIommuUnit? iommu = _intel.DeviceToIommu(dev, out int bus, out int devfn);
        if (iommu is null)
        {
            iommuDev = null;
            return -Errno.ENODEV;
        }

        Iommu.DevIommuPrivSet(dev, new DeviceDomainInfo(iommu, bus, devfn));
        iommuDev = iommu.Iommu;
        return 0;
    }

    /// <summary><c>intel_iommu_release_device()</c>: clears the device's context entry and drops its data.</summary>
    /// <param name="dev">A probed device.</param>
    public void ReleaseDevice(Device dev)
    {
        if (Iommu.DevIommuPrivGet(dev) is DeviceDomainInfo info)
        {
            DmarContextEntry? old = info.Iommu.WriteContext(info.Bus, info.Devfn, null);
            if (old is not null)
            {
                RemoveFromDomain(old.Domain, dev);
            }
        }

        Iommu.DevIommuPrivSet(dev, null);
    }

    /// <summary>
    /// <c>intel_iommu_device_group()</c> → <c>pci_device_group()</c>: the functions of a multi-function
    /// device without ACS share a group, found through their siblings' groups.
    /// </summary>
    /// <param name="dev">A probed device.</param>
    /// <returns>The group.</returns>
    public IommuGroup DeviceGroup(Device dev)
    {
        if (dev is PciDev pdev)
        {
            for (int function = 0; function < 8; function++)
            {
                if (function == pdev.Function)
                {
                    continue;
                }

                Device? sibling = _kernel.Pci.PciGetDomainBusAndSlot(0, pdev.BusNr, (pdev.Slot << 3) | function);
                if (sibling?.IommuGroup() is { } shared)
                {
                    return shared;
                }
            }
        }

        return _kernel.Iommu().IommuGroupAlloc();
    }

    /// <summary><c>intel_iommu_ops</c> has no <c>of_xlate</c>: VT-d units are described by ACPI, never by a device-tree <c>iommus</c> property.</summary>
    /// <param name="dev">The client device.</param>
    /// <param name="iommuNode">The IOMMU's node.</param>
    /// <returns><c>-ENODEV</c>.</returns>
    public int OfXlate(Device dev, FwNode iommuNode)
    {
        return -Errno.ENODEV;
    }

    /// <summary><c>intel_iommu_probe_finalize()</c>: <c>iommu_setup_dma_ops()</c>.</summary>
    /// <param name="dev">A device in its group.</param>
    public void ProbeFinalize(Device dev)
    {
        _kernel.IommuDma().IommuSetupDmaOps(dev);
    }

    /// <summary><c>intel_iommu_domain_alloc()</c>: DMA and unmanaged domains; no blocking domain in this version.</summary>
    /// <param name="type">The domain type.</param>
    /// <returns>The domain, or <see langword="null"/>.</returns>
    public IommuDomain? DomainAlloc(IommuDomainType type)
    {
        return type is IommuDomainType.Dma or IommuDomainType.Unmanaged ? new DmarDomain(type, this) : null;
    }

    /// <summary>
    /// <c>intel_iommu_attach_device()</c>: points the device's context entry at the domain and moves the
    /// device to the domain's list.
    /// </summary>
    /// <param name="domain">An Intel domain.</param>
    /// <param name="dev">A device of the group being attached.</param>
    /// <returns>0, or a negative error.</returns>
    public int AttachDev(IommuDomain domain, Device dev)
    {
        if (domain is not DmarDomain dmarDomain)
        {
            return -Errno.EINVAL;
        }

        IntelIommuUnit? iommu = _intel.DeviceToIommu(dev, out int bus, out int devfn);
        if (iommu is null)
        {
            return -Errno.ENODEV;
        }

        DmarContextEntry? old = iommu.WriteContext(bus, devfn, new DmarContextEntry(dmarDomain, dmarDomain.Id));
        if (old is not null && old.Domain != dmarDomain)
        {
            RemoveFromDomain(old.Domain, dev);
        }

        IrqFlags flags = dmarDomain.Lock.LockIrqSave();
        if (!dmarDomain.Devices.Contains(dev))
        {
            dmarDomain.Devices.Add(dev);
        }

        dmarDomain.Lock.UnlockIrqRestore(flags);
        return 0;
    }

    /// <summary><c>intel_iommu_get_resv_regions()</c>.</summary>
    /// <param name="dev">The device.</param>
    /// <param name="head">The list to append to.</param>
    public void GetResvRegions(Device dev, List<IommuResvRegion> head)
    {
        _intel.IntelIommuGetResvRegions(dev, head);
    }

    private static void RemoveFromDomain(DmarDomain domain, Device dev)
    {
        IrqFlags flags = domain.Lock.LockIrqSave();
        domain.Devices.Remove(dev);
        domain.Lock.UnlockIrqRestore(flags);
    }
}
