// Seed: 001_63d1b2f7394d89e4
// Subject: lockdep splat due to klist iteration from atomic context in Intel IOMMU driver
//
// klist_add_tail() takes &k->k_lock with a plain spin_lock (interrupts on), klist_next() with
// spin_lock_irqsave. 8ac0b64b9735 made the DMAR fault interrupt's debug dump look the faulting device
// up with pci_get_domain_bus_and_slot(), which walks the PCI bus's klist: &k->k_lock taken in
// hard-IRQ context, and elsewhere with interrupts on, so the interrupt can spin on a lock its own CPU
// holds. Fixed in v6.0-rc4 by "iommu/vt-d: Fix lockdep splat due to klist iteration in atomic context":
// the dump reads the page table from the context entry; klist was left as it is.
//
// Run time: samples/RuntimeLockdep compiles this file as it is. A boot thread adds a memory block
// (k_lock with interrupts on), then the DMAR fault interrupt runs on another thread; the generated
// wrapper of the [HardIrqContext] call enters hard-IRQ context around it, as the interrupt entry would.
// `runtime:` markers name the lines its report cites.
using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed001;

/// <summary><c>struct klist</c> (<c>lib/klist.c</c>).</summary>
public sealed class Klist
{
    [LockClass("&k->k_lock")]
    private readonly KSpinLock _kLock = new();

    [GuardedBy(nameof(_kLock))]
    private readonly List<Device> _kList = new();

    /// <summary><c>klist_add_tail()</c>: spin_lock(&amp;k-&gt;k_lock), interrupts stay on.</summary>
    public void KlistAddTail(Device n)
    {
        _kLock.Lock(); // runtime: {HARDIRQ-ON-W}, taken with hard IRQs on
        _kList.Add(n);
        _kLock.Unlock();
    }

    /// <summary><c>klist_next()</c>: spin_lock_irqsave(&amp;k-&gt;k_lock).</summary>
    public Device? KlistNext(int position)
    {
        IrqFlags flags = _kLock.LockIrqSave(); // expect LD0004 '&k->k_lock'; runtime: WARNING: inconsistent lock state
        Device? next = position < _kList.Count ? _kList[position] : null;
        _kLock.UnlockIrqRestore(flags);
        return next;
    }
}

/// <summary><c>struct pci_dev</c>.</summary>
public sealed class Device
{
    public Device(int bus, int devfn)
    {
        Bus = bus;
        Devfn = devfn;
    }

    public int Bus { get; }

    public int Devfn { get; }
}

/// <summary><c>drivers/base</c> and <c>drivers/pci/search.c</c>.</summary>
public sealed class DriverCore
{
    /// <summary><c>pci_bus_type.p-&gt;klist_devices</c>.</summary>
    private readonly Klist _klistDevices = new();

    /// <summary><c>memory_dev_init()</c> → <c>add_memory_block()</c> at boot: the splat's {HARDIRQ-ON-W} site.</summary>
    public void MemoryDevInit()
    {
        AddMemoryBlock(new Device(0, 0));
    }

    /// <summary><c>pci_get_domain_bus_and_slot()</c>.</summary>
    public Device? PciGetDomainBusAndSlot(int bus, int devfn) => BusFindDevice(bus, devfn);

    /// <summary><c>add_memory_block()</c>.</summary>
    private void AddMemoryBlock(Device dev) => DeviceAdd(dev);

    /// <summary><c>device_add()</c>.</summary>
    private void DeviceAdd(Device dev) => BusAddDevice(dev);

    /// <summary><c>bus_add_device()</c>.</summary>
    private void BusAddDevice(Device dev) => _klistDevices.KlistAddTail(dev);

    /// <summary><c>bus_find_device()</c>: walks the bus's klist.</summary>
    private Device? BusFindDevice(int bus, int devfn)
    {
        Device? dev;
        for (int i = 0; (dev = _klistDevices.KlistNext(i)) is not null; i++)
        {
            if (dev.Bus == bus && dev.Devfn == devfn)
            {
                return dev;
            }
        }

        return null;
    }
}

/// <summary><c>drivers/iommu/intel/dmar.c</c> between 8ac0b64b9735 and the fix.</summary>
public sealed class IntelIommu
{
    private readonly DriverCore _base;

    public IntelIommu(DriverCore driverCore) => _base = driverCore;

    /// <summary><c>dmar_fault()</c>: the DMAR fault interrupt.</summary>
    [HardIrqContext]
    public void DmarFault(int sourceId, ulong addr)
    {
        DmarFaultDoOne(sourceId, addr);
    }

    /// <summary><c>dmar_fault_do_one()</c>.</summary>
    private void DmarFaultDoOne(int sourceId, ulong addr) => DmarFaultDumpPtes(sourceId, addr);

    /// <summary><c>dmar_fault_dump_ptes()</c> → <c>pgtable_walk()</c>: looks the device up on the PCI bus.</summary>
    private void DmarFaultDumpPtes(int sourceId, ulong addr)
    {
        Device? pdev = _base.PciGetDomainBusAndSlot(sourceId >> 8, sourceId & 0xff);
        System.Console.WriteLine(pdev is null ? $"no device for fault at 0x{addr:x}" : $"fault at 0x{addr:x}");
    }
}
