// Seed: 004_3684cd5eade811ca
// Subject: Re: [PATCH v7 01/11] iommu: Add DMA ownership management interfaces
//
// v7 of the DMA ownership series called iommu_device_use_default_domain() at the start of
// pci_dma_configure(), before the firmware configuration. A device whose IOMMU driver had ignored its
// first probe (no firmware data yet) had no group then: use_default_domain returned 0 without taking
// ownership (owner_cnt unchanged), acpi/of_dma_configure then replayed the probe and created the
// group, and unbinding the driver made iommu_device_unuse_default_domain() hit WARN_ON(owner_cnt == 0).
// Fixed in v8 (v5.19): the call moved to the end of each bus's dma_configure. The driver's DMA claim
// is a pseudo-lock here, so the success path that claims nothing is reported.
//
// Run time: samples/RuntimeLockdep compiles this file as it is. The contract of
// iommu_device_use_default_domain() (it must hold the claim whenever it returns 0) is checked at compile
// time only; at run time nothing happens on the path that returns 0 without claiming. What the runtime can
// see is the consequence at unbind, because here the claim is a real acquisition (unlike IommuCore, where
// the claim outlives the thread that took it): the claim acquires and the unuse releases the
// &dev->dma_owner map, and the sample binds and unbinds on one thread, as writes to the driver's bind and
// unbind files do. The release of a claim never taken is then a bad unlock balance, next to the model's
// WARN_ON(owner_cnt == 0) as in the seed; the release itself throws, as it does without checks, and the
// run-time build (RUNTIME_LOCKDEP) catches it at the unuse. `runtime:` markers name the lines its report cites.
using System.Collections.Generic;
using LockDiscipline;

namespace Regressions.Seed004;

/// <summary><c>struct iommu_group</c>.</summary>
public sealed class IommuGroup
{
    [LockClass("&group->mutex")]
    public readonly KMutex Mutex = new();

    [GuardedBy(nameof(Mutex))]
    internal int OwnerCnt;

    [GuardedBy(nameof(Mutex))]
    internal object? Owner;

    [GuardedBy(nameof(Mutex))]
    internal readonly List<Device> Devices = new();
}

/// <summary><c>struct device</c>.</summary>
public sealed class Device
{
    public Device(string name) => Name = name;

    public string Name { get; }

    public IommuGroup? IommuGroup { get; set; }

    /// <summary>The bound driver's claim on the device's DMA (a pseudo-lock, as in IommuCore).</summary>
    [LockClass("&dev->dma_owner", Kind = LockKind.LockMap)]
    public readonly KLockMap DmaOwner = new();
}

/// <summary><c>drivers/iommu/iommu.c</c> with v7 of the series.</summary>
public sealed class Iommu
{
    /// <summary><c>iommu_group_claim_dma_owner()</c>: user space takes a group no kernel driver uses.</summary>
    public static int IommuGroupClaimDmaOwner(IommuGroup group, object owner)
    {
        group.Mutex.Lock();
        if (group.OwnerCnt != 0)
        {
            group.Mutex.Unlock();
            return -1;
        }

        group.Owner = owner;
        group.OwnerCnt++;
        group.Mutex.Unlock();
        return 0;
    }

    /// <summary><c>iommu_probe_device()</c>, replayed by the firmware configuration: the device joins its group.</summary>
    public static int IommuProbeDevice(Device dev, IommuGroup group)
    {
        dev.IommuGroup = group;
        group.Mutex.Lock();
        group.Devices.Add(dev);
        group.Mutex.Unlock();
        return 0;
    }

    /// <summary><c>iommu_device_use_default_domain()</c>.</summary>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    public static int IommuDeviceUseDefaultDomain(Device dev)
    {
        IommuGroup? group = dev.IommuGroup;
        if (group is null)
        {
            return 0; // expect LD0010 '&dev->dma_owner'
        }

        group.Mutex.Lock();
        if (group.OwnerCnt != 0 && group.Owner is not null)
        {
            group.Mutex.Unlock();
            return -16;
        }

        group.OwnerCnt++;
        group.Mutex.Unlock();
        DevDmaOwnerClaim(dev);
        return 0;
    }

    /// <summary><c>iommu_device_unuse_default_domain()</c>.</summary>
    [ReleasesLock("dev.DmaOwner")]
    public static void IommuDeviceUnuseDefaultDomain(Device dev)
    {
#if RUNTIME_LOCKDEP
        // The release of a claim never taken throws after its report, with the checks as without them (the
        // KLockMap refuses it), where the kernel's lock release only warns: caught here so the run goes on to
        // the owner_cnt warning, as the seed's did.
        try
        {
            DevDmaOwnerRelease(dev);
        }
        catch (System.Threading.SynchronizationLockException e)
        {
            System.Console.WriteLine($"{dev.Name}: releasing the DMA claim threw {e.GetType().Name}: {e.Message}");
        }
#else
        DevDmaOwnerRelease(dev);
#endif
        IommuGroup? group = dev.IommuGroup;
        if (group is null)
        {
            return;
        }

        group.Mutex.Lock();
        if (group.OwnerCnt == 0)
        {
            System.Console.WriteLine($"WARNING: iommu_device_unuse_default_domain: {dev.Name}: owner_cnt is 0");
        }
        else
        {
            group.OwnerCnt--;
        }

        group.Mutex.Unlock();
    }

    [AcquiresLock("dev.DmaOwner")]
    private static void DevDmaOwnerClaim(Device dev)
    {
        dev.DmaOwner.Acquire(); // a real acquisition, so that at run time the unbind shows a claim never taken
        System.Console.WriteLine($"{dev.Name}: DMA owned by its driver");
    }

    [ReleasesLock("dev.DmaOwner")]
    private static void DevDmaOwnerRelease(Device dev)
    {
        dev.DmaOwner.Release(); // runtime: WARNING: bad unlock balance detected!
        System.Console.WriteLine($"{dev.Name}: DMA given back");
    }
}

/// <summary><c>drivers/pci/pci-driver.c</c> with v7 of the series.</summary>
public sealed class PciBus
{
    private readonly IommuGroup _firmwareGroup = new();

    /// <summary><c>pci_dma_configure()</c>: the ownership first, the firmware configuration (which creates the group) after.</summary>
    /// <remarks>Returns 0 with the driver's claim taken, which <see cref="PciDmaCleanup"/> gives back.</remarks>
    [TryAcquiresLock(0, "dev.DmaOwner")]
    public int PciDmaConfigure(Device dev)
    {
        int ret = Iommu.IommuDeviceUseDefaultDomain(dev);
        if (ret != 0)
        {
            return ret;
        }

        return AcpiDmaConfigure(dev);
    }

    /// <summary><c>pci_dma_cleanup()</c>.</summary>
    [ReleasesLock("dev.DmaOwner")]
    public void PciDmaCleanup(Device dev) => Iommu.IommuDeviceUnuseDefaultDomain(dev);

    /// <summary><c>acpi_dma_configure()</c>: replays the IOMMU probe the driver ignored.</summary>
    private int AcpiDmaConfigure(Device dev) => dev.IommuGroup is null ? Iommu.IommuProbeDevice(dev, _firmwareGroup) : 0;
}
