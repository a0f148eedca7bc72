using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary>A PCI function as the ACPI DMAR table names it in a device scope.</summary>
/// <param name="Bus">The bus number.</param>
/// <param name="Devfn">The device and function (<c>PCI_DEVFN</c>).</param>
public readonly record struct DmarScopeEntry(int Bus, int Devfn);

/// <summary>One DRHD (remapping hardware unit) entry of the ACPI DMAR table.</summary>
/// <param name="Name">The unit's name (<c>dmar0</c>).</param>
/// <param name="IncludeAll">Whether it handles every PCI device no other unit names (<c>INCLUDE_PCI_ALL</c>).</param>
/// <param name="Scope">The devices it handles.</param>
/// <param name="Irq">The fault interrupt the platform routes for it.</param>
public sealed record DmarDrhdEntry(string Name, bool IncludeAll, IReadOnlyList<DmarScopeEntry> Scope, int Irq);

/// <summary>One RMRR (reserved memory region) entry: memory the firmware keeps using for DMA.</summary>
/// <param name="BaseAddress">The first byte.</param>
/// <param name="EndAddress">The last byte.</param>
/// <param name="Scope">The devices using it.</param>
public sealed record DmarRmrrEntry(ulong BaseAddress, ulong EndAddress, IReadOnlyList<DmarScopeEntry> Scope);

/// <summary>The ACPI DMAR table the firmware hands the kernel.</summary>
/// <param name="Drhds">The remapping units.</param>
/// <param name="Rmrrs">The reserved memory regions.</param>
public sealed record DmarTable(IReadOnlyList<DmarDrhdEntry> Drhds, IReadOnlyList<DmarRmrrEntry> Rmrrs);

/// <summary>A DMA remapping fault as the hardware records it in a fault recording register.</summary>
/// <param name="SourceId">The requester id (<c>PCI_DEVID</c>).</param>
/// <param name="Addr">The faulting address.</param>
/// <param name="Write">Whether the access was a write.</param>
/// <param name="Reason">The fault reason code.</param>
public sealed record DmarFaultRecord(int SourceId, ulong Addr, bool Write, int Reason);

/// <summary>
/// A context entry: where the unit looks up a device's translation. The model keeps the domain it
/// points at, whose page table the fault handler walks.
/// </summary>
internal sealed class DmarContextEntry
{
    public DmarContextEntry(DmarDomain domain, int domainId)
    {
        Domain = domain;
        DomainId = domainId;
    }

    public DmarDomain Domain { get; }

    public int DomainId { get; }

    /// <summary>The low quadword as <c>dmar_fault_dump_ptes()</c> prints it: page table address and present bit.</summary>
    public ulong Lo => ((ulong)Domain.Id << 12) | 1;

    /// <summary>The high quadword: domain id and address width.</summary>
    public ulong Hi => ((ulong)DomainId << 8) | 2;
}

/// <summary><c>struct dmar_domain</c>: an Intel domain and the devices attached to it.</summary>
public sealed class DmarDomain : IommuDomain
{
    private static int s_lastDomainId;

    /// <summary>Creates a domain for <paramref name="owner"/>.</summary>
    /// <param name="type">The domain type.</param>
    /// <param name="owner">The Intel ops.</param>
    public DmarDomain(IommuDomainType type, IIommuOps owner)
        : base(type, owner)
    {
        Id = Interlocked.Increment(ref s_lastDomainId);
    }

    /// <summary>The domain id programmed into context entries.</summary>
    public int Id { get; }

    /// <summary><c>domain-&gt;lock</c>: guards the attached devices.</summary>
    [LockClass("&domain->lock")]
    internal readonly KSpinLock Lock = new();

    /// <summary><c>domain-&gt;devices</c>.</summary>
    [GuardedBy(nameof(Lock))]
    internal readonly List<Device> Devices = new();
}

/// <summary><c>struct device_domain_info</c>: the Intel driver's per-device data (<c>dev_iommu_priv</c>).</summary>
internal sealed class DeviceDomainInfo
{
    public DeviceDomainInfo(IntelIommuUnit iommu, int bus, int devfn)
    {
        Iommu = iommu;
        Bus = bus;
        Devfn = devfn;
    }

    public IntelIommuUnit Iommu { get; }

    public int Bus { get; }

    public int Devfn { get; }
}

/// <summary>
/// <c>struct intel_iommu</c>: one VT-d remapping unit: its registers (fault recording included), its
/// root and context tables, and its <c>struct iommu_device</c>.
/// </summary>
public sealed class IntelIommuUnit
{
    private readonly ConcurrentQueue<DmarFaultRecord> _faultRegs = new();
    private readonly DmarContextEntry?[]?[] _rootEntry = new DmarContextEntry?[]?[256];

    internal IntelIommuUnit(DmarDrhdEntry drhd)
    {
        Name = drhd.Name;
        Iommu = new IommuDevice(drhd.Name, null);
    }

    /// <summary><c>iommu-&gt;name</c>.</summary>
    public string Name { get; }

    /// <summary><c>iommu-&gt;iommu</c>.</summary>
    public IommuDevice Iommu { get; }

    /// <summary>
    /// <c>iommu-&gt;register_lock</c>: a raw spinlock taken with interrupts saved everywhere, since the
    /// fault interrupt takes it.
    /// </summary>
    [LockClass("&iommu->register_lock")]
    internal readonly KSpinLock RegisterLock = new();

    /// <summary>The global command register's translation-enable bit (<c>DMA_GCMD_TE</c>).</summary>
    [GuardedBy(nameof(RegisterLock))]
    internal bool TranslationEnabled;

    /// <summary>How many faults the handler has processed.</summary>
    [GuardedBy(nameof(RegisterLock))]
    internal int FaultsHandled;

    /// <summary>
    /// The hardware recording a DMA fault in its fault registers. The hardware takes no lock: the
    /// registers are the hardware's own.
    /// </summary>
    /// <param name="record">The fault.</param>
    public void HardwareRecordFault(DmarFaultRecord record)
    {
        _faultRegs.Enqueue(record);
    }

    /// <summary>Faults processed by the interrupt handler so far, read under the register lock.</summary>
    /// <returns>The count.</returns>
    public int FaultsHandledCount()
    {
        IrqFlags flags = RegisterLock.LockIrqSave();
        int handled = FaultsHandled;
        RegisterLock.UnlockIrqRestore(flags);
        return handled;
    }

    /// <summary>Reads and clears the next fault record (<c>DMA_FRCD_F</c>), with the register lock held.</summary>
    [RequiresLock(nameof(RegisterLock))]
    internal DmarFaultRecord? ReadAndClearFaultRecord()
    {
        return _faultRegs.TryDequeue(out DmarFaultRecord? record) ? record : null;
    }

    /// <summary>
    /// <c>iommu_context_addr()</c>: the context entry slot of (<paramref name="bus"/>, <paramref name="devfn"/>),
    /// allocating the bus's context table when asked. Lock-free for readers, as the fault handler reads it.
    /// </summary>
    internal DmarContextEntry? ReadContext(int bus, int devfn)
    {
        DmarContextEntry?[]? table = Volatile.Read(ref _rootEntry[bus]);
        return table is null ? null : Volatile.Read(ref table[devfn]);
    }

    /// <summary>Whether the bus has a context table (the root entry's present bit).</summary>
    internal bool RootPresent(int bus) => Volatile.Read(ref _rootEntry[bus]) is not null;

    /// <summary>
    /// <c>domain_context_mapping_one()</c> / <c>domain_context_clear_one()</c>: publishes a device's context
    /// entry. Writers of one entry are serialised by the device's group mutex.
    /// </summary>
    internal DmarContextEntry? WriteContext(int bus, int devfn, DmarContextEntry? entry)
    {
        DmarContextEntry?[]? table = Volatile.Read(ref _rootEntry[bus]);
        if (table is null)
        {
            Interlocked.CompareExchange(ref _rootEntry[bus], new DmarContextEntry?[256], null);
            table = Volatile.Read(ref _rootEntry[bus])!;
        }

        return Interlocked.Exchange(ref table[devfn], entry);
    }
}

/// <summary>
/// <c>struct dmar_drhd_unit</c>: a DRHD entry, its unit, and the devices of its scope present now. The
/// device array is replaced whole under <c>dmar_global_lock</c> held for writing and read under
/// <c>rcu_read_lock()</c>; [GuardedBy] has no form for "writers hold it, readers use RCU".
/// </summary>
internal sealed class DmarDrhdUnit
{
    private Device[] _devices = [];

    public DmarDrhdUnit(DmarDrhdEntry entry, IntelIommuUnit iommu)
    {
        Entry = entry;
        Iommu = iommu;
    }

    public DmarDrhdEntry Entry { get; }

    public IntelIommuUnit Iommu { get; }

    /// <summary><c>drhd-&gt;devices</c>, for <c>rcu_dereference()</c>.</summary>
    public Device[] Devices
    {
        get => Volatile.Read(ref _devices);
        set => Volatile.Write(ref _devices, value);
    }
}

/// <summary><c>struct dmar_rmrr_unit</c>: an RMRR entry and the devices of its scope present now (RCU, as <see cref="DmarDrhdUnit"/>).</summary>
internal sealed class DmarRmrrUnit
{
    private Device[] _devices = [];

    public DmarRmrrUnit(DmarRmrrEntry entry)
    {
        Entry = entry;
    }

    public DmarRmrrEntry Entry { get; }

    /// <summary><c>rmrr-&gt;devices</c>, for <c>rcu_dereference()</c>.</summary>
    public Device[] Devices
    {
        get => Volatile.Read(ref _devices);
        set => Volatile.Write(ref _devices, value);
    }
}
