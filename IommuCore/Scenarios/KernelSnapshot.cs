using System.Collections.Generic;
using System.Linq;

namespace IommuCore.Scenarios;

/// <summary>What one device looks like at a moment.</summary>
/// <param name="Name">The device's name.</param>
/// <param name="Bus">Its bus.</param>
/// <param name="Driver">The bound driver, if any.</param>
/// <param name="GroupId">Its IOMMU group, if any.</param>
/// <param name="HasDevIommu">Whether <c>dev-&gt;iommu</c> is allocated.</param>
/// <param name="IommuDmaOps">Whether its DMA goes through <c>iommu_dma_ops</c>.</param>
/// <param name="DmaOwnerClaims">Its DMA ownership claims (1 while a kernel driver is bound).</param>
public sealed record DeviceSnapshot(string Name, string Bus, string? Driver, int? GroupId, bool HasDevIommu, bool IommuDmaOps, int DmaOwnerClaims);

/// <summary>What a kernel looks like at a moment, read under the locks that guard each part.</summary>
/// <param name="Iommus">The registered IOMMU instances.</param>
/// <param name="Devices">Every device on the IOMMU buses, in bus order.</param>
/// <param name="Groups">Every IOMMU group.</param>
/// <param name="CpusOnline">Each CPU's online state.</param>
/// <param name="IovaDeadInstances">IOVA domains registered with the <c>CPUHP_IOMMU_IOVA_DEAD</c> state.</param>
/// <param name="Warnings">How many <c>WARN_ON</c>s fired.</param>
public sealed record KernelSnapshot(
    IReadOnlyList<string> Iommus,
    IReadOnlyList<DeviceSnapshot> Devices,
    IReadOnlyList<GroupSnapshot> Groups,
    IReadOnlyList<bool> CpusOnline,
    int IovaDeadInstances,
    int Warnings)
{
    /// <summary>Takes a snapshot of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <returns>The snapshot.</returns>
    public static KernelSnapshot Take(Kernel kernel)
    {
        var devices = new List<DeviceSnapshot>();
        foreach (BusType bus in kernel.IommuBuses())
        {
            foreach (Device dev in BusDevices(kernel, bus))
            {
                devices.Add(new DeviceSnapshot(
                    dev.Name,
                    bus.Name,
                    DriverCore.BoundDriverName(dev),
                    dev.IommuGroup()?.Id,
                    kernel.Iommu().HasDevIommu(dev),
                    dev.DmaOps() is not null,
                    dev.DmaOwnerClaimCount()));
            }
        }

        var cpus = new List<bool>();
        for (int cpu = 0; cpu < kernel.Cpu.NrCpuIds; cpu++)
        {
            cpus.Add(kernel.Cpu.CpuOnline(cpu));
        }

        return new KernelSnapshot(
            kernel.Iommu().RegisteredIommus(),
            devices,
            kernel.Iommu().SnapshotGroups(),
            cpus,
            kernel.Cpu.CpuhpInstanceCount(CpuhpState.IommuIovaDead),
            kernel.Log.Warnings);
    }

    /// <summary>The group <paramref name="device"/> is in.</summary>
    /// <param name="device">A device name.</param>
    /// <returns>Its group, or <see langword="null"/>.</returns>
    public GroupSnapshot? GroupOf(string device)
    {
        foreach (GroupSnapshot group in Groups)
        {
            if (group.Devices.Contains(device))
            {
                return group;
            }
        }

        return null;
    }

    /// <summary>The snapshot of <paramref name="name"/>.</summary>
    /// <param name="name">A device name.</param>
    /// <returns>The device, or <see langword="null"/>.</returns>
    public DeviceSnapshot? Device(string name)
    {
        foreach (DeviceSnapshot dev in Devices)
        {
            if (dev.Name == name)
            {
                return dev;
            }
        }

        return null;
    }

    /// <summary>The devices on the bus, walking its klist (<c>bus_for_each_dev</c> without a callback).</summary>
    private static List<Device> BusDevices(Kernel kernel, BusType bus)
    {
        var devices = new List<Device>();
        Klist<Device> klist = bus.P.KlistDevices;
        KlistIter<Device> i = klist.KlistIterInit();
        Device? dev;
        while ((dev = klist.KlistNext(i)) is not null)
        {
            devices.Add(dev);
        }

        klist.KlistIterExit(i);
        return devices;
    }
}
