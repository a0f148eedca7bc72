using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// The IOMMU core's per-device data, hung off the device's opaque slot (<see cref="Device.IommuData"/>):
/// what <c>struct device</c> points at through <c>dev-&gt;iommu</c>, <c>dev-&gt;iommu_group</c> and
/// <c>dev-&gt;dma_ops</c>. It lives in the IOMMU core so that <c>dev-&gt;iommu</c> can be guarded by the IOMMU
/// core's own lock: a lock name resolves only in its own assembly.
/// </summary>
public sealed class DeviceIommuData
{
    private IommuGroup? _iommuGroup;
    private IommuDmaOps? _dmaOps;

    private DeviceIommuData()
    {
    }

    /// <summary>
    /// <c>dev-&gt;iommu</c> (<c>struct dev_iommu</c>): allocated and freed while probing. Async probe of
    /// several IOMMUs freed it twice until probing was serialised by <c>iommu_probe_device_lock</c>, which
    /// now guards it.
    /// </summary>
    [GuardedBy("iommu_probe_device_lock")]
    internal DevIommu? Iommu;

    /// <summary>
    /// <c>dev-&gt;iommu_group</c>: set once the device is in a group and read without a lock, as
    /// <c>iommu_group_get()</c> does; published with release/acquire semantics.
    /// </summary>
    public IommuGroup? IommuGroup
    {
        get => Volatile.Read(ref _iommuGroup);
        internal set => Volatile.Write(ref _iommuGroup, value);
    }

    /// <summary><c>dev-&gt;dma_ops</c>: the IOMMU DMA ops once set up, or <see langword="null"/> for direct mapping.</summary>
    public IommuDmaOps? DmaOps
    {
        get => Volatile.Read(ref _dmaOps);
        internal set => Volatile.Write(ref _dmaOps, value);
    }

    /// <summary>
    /// DMA ownership claims taken and not yet released (0 or 1 in a correct kernel): the run-time count
    /// behind the <see cref="Device.DmaOwner"/> pseudo-lock.
    /// </summary>
    internal int DmaOwnerClaims;

    /// <summary>The IOMMU core's data of <paramref name="dev"/>, attached on first use.</summary>
    /// <param name="dev">The device.</param>
    /// <returns>Its data.</returns>
    internal static DeviceIommuData Of(Device dev)
        => dev.IommuData as DeviceIommuData ?? (DeviceIommuData)dev.AttachIommuData(new DeviceIommuData());
}

/// <summary>The IOMMU core's fields of a device, as the kernel's code reads them from <c>struct device</c>.</summary>
public static class DeviceIommuExtensions
{
    /// <summary><c>dev-&gt;iommu_group</c>, read without a lock.</summary>
    /// <param name="dev">The device.</param>
    /// <returns>Its group, or <see langword="null"/>.</returns>
    public static IommuGroup? IommuGroup(this Device dev) => (dev.IommuData as DeviceIommuData)?.IommuGroup;

    /// <summary><c>dev-&gt;dma_ops</c>.</summary>
    /// <param name="dev">The device.</param>
    /// <returns>Its IOMMU DMA ops, or <see langword="null"/> for direct mapping.</returns>
    public static IommuDmaOps? DmaOps(this Device dev) => (dev.IommuData as DeviceIommuData)?.DmaOps;

    /// <summary>The run-time count of DMA ownership claims (see <see cref="Device.DmaOwner"/>).</summary>
    /// <param name="dev">The device.</param>
    /// <returns>The count.</returns>
    public static int DmaOwnerClaimCount(this Device dev)
        => dev.IommuData is DeviceIommuData data ? Volatile.Read(ref data.DmaOwnerClaims) : 0;

    /// <summary><c>bus-&gt;iommu_ops</c> as the IOMMU core set it.</summary>
    /// <param name="bus">The bus.</param>
    /// <returns>Its IOMMU ops, or <see langword="null"/>.</returns>
    public static IIommuOps? IommuOps(this BusType bus) => bus.IommuOps as IIommuOps;
}
