using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>struct rk_iommu</c>: one Rockchip IOMMU instance, with the one group all its clients share.</summary>
public sealed class RkIommu
{
    internal RkIommu(PlatformDevice dev, IommuGroup group)
    {
        Dev = dev;
        Group = group;
        Iommu = new IommuDevice(dev.Name, dev.Fwnode);
    }

    /// <summary><c>iommu-&gt;dev</c>.</summary>
    public PlatformDevice Dev { get; }

    /// <summary><c>iommu-&gt;group</c>.</summary>
    public IommuGroup Group { get; }

    /// <summary><c>iommu-&gt;iommu</c>.</summary>
    public IommuDevice Iommu { get; }
}

/// <summary><c>struct rk_iommudata</c>: a client device's link to its IOMMU (<c>dev_iommu_priv</c>).</summary>
internal sealed class RkIommuData
{
    public RkIommuData(RkIommu iommu)
    {
        Iommu = iommu;
    }

    public RkIommu Iommu { get; }
}

/// <summary><c>struct rk_iommu_domain</c>: a domain and the IOMMU instances it is programmed into.</summary>
public sealed class RkIommuDomain : IommuDomain
{
    /// <summary>Creates a domain.</summary>
    /// <param name="type">The domain type.</param>
    /// <param name="owner">The Rockchip ops.</param>
    public RkIommuDomain(IommuDomainType type, IIommuOps owner)
        : base(type, owner)
    {
    }

    /// <summary><c>rk_domain-&gt;iommus_lock</c>.</summary>
    [LockClass("&rk_domain->iommus_lock")]
    internal readonly KSpinLock IommusLock = new();

    /// <summary><c>rk_domain-&gt;iommus</c>.</summary>
    [GuardedBy(nameof(IommusLock))]
    internal readonly List<RkIommu> Iommus = new();
}

/// <summary>
/// The Rockchip IOMMU driver (<c>drivers/iommu/rockchip-iommu.c</c>): a platform driver whose instances
/// probe asynchronously with <c>driver_async_probe=rk_iommu</c>, each registering with the IOMMU core
/// (which probes every platform device). It sets <c>suppress_bind_attrs</c> and has no remove callback. As fixed, the global <c>dma_dev</c> is set before the instance
/// registers, since <c>of_xlate</c> allocates client data against it as soon as it has.
/// </summary>
public sealed class RkIommuDriver : PlatformDriver
{
    private readonly Kernel _kernel;
    private Device? _dmaDev;

    /// <summary>Creates the driver.</summary>
    /// <param name="kernel">The kernel.</param>
    public RkIommuDriver(Kernel kernel)
        : base("rk_iommu", kernel.Platform, ProbeType.DefaultStrategy)
    {
        _kernel = kernel;
        Ops = new RkIommuOps(this, kernel);
    }

    /// <summary><c>rk_iommu_ops</c>.</summary>
/// <remarks>The lock each callback runs under is the IOMMU core's contract on <see cref="IIommuOps"/>, which binds these implementations.</remarks>
    public RkIommuOps Ops { get; }

    /// <summary>
    /// <c>dma_dev</c>: the first registered instance's device, which the DMA API's domains and the clients'
    /// managed data belong to.
    /// </summary>
    public Device? DmaDev => Volatile.Read(ref _dmaDev);

    /// <summary>
    /// <c>rk_iommu_probe()</c>: the instance and its group, <c>dma_dev</c> (first instance wins), then
    /// <c>iommu_device_register()</c>, which probes every platform device against the new instance.
    /// </summary>
    /// <param name="dev">An IOMMU platform device.</param>
    /// <returns>0, or a negative error.</returns>
    public override int Probe(Device dev)
    {
        var pdev = (PlatformDevice)dev;
        var iommu = new RkIommu(pdev, _kernel.Iommu().IommuGroupAlloc());
        pdev.DriverData = iommu;

        // Use the first registered IOMMU device for domain to use with DMA API, since a domain might
        // not physically correspond to a single IOMMU device. Set before registration: of_xlate needs it.
        Interlocked.CompareExchange(ref _dmaDev, pdev, null);

        _kernel.IommuClass().ClassDeviceAdd(new Device(pdev.Name + "-iommu", null, null));
        return _kernel.Iommu().IommuDeviceRegister(iommu.Iommu, Ops);
    }

    /// <summary>
    /// <c>rk_iommu_from_dev()</c> by firmware: the instance the client's <c>iommus</c> property names
    /// (<c>of_find_device_by_node()</c>, then its driver data).
    /// </summary>
    internal RkIommu? RkIommuFromFwnode(FwNode iommuNode)
    {
        Device? iommuDev = _kernel.Base.BusFindDevice(_kernel.Platform, null, iommuNode, DeviceMatchOfNode);
        return iommuDev?.DriverData as RkIommu;
    }

    /// <summary><c>device_match_of_node()</c>.</summary>
    private static bool DeviceMatchOfNode(Device dev, FwNode node) => dev.Fwnode == node;
}

/// <summary><c>rk_iommu_ops</c>.</summary>
/// <remarks>The lock each callback runs under is the IOMMU core's contract on <see cref="IIommuOps"/>, which binds these implementations.</remarks>
public sealed class RkIommuOps : IIommuOps
{
    private readonly RkIommuDriver _driver;
    private readonly Kernel _kernel;

    internal RkIommuOps(RkIommuDriver driver, Kernel kernel)
    {
        _driver = driver;
        _kernel = kernel;
    }

    /// <summary>
    /// <c>rk_iommu_probe_device()</c>: handles only clients whose <c>of_xlate</c> has run; at IOMMU
    /// registration a client has no firmware data yet and is declined with <c>-ENODEV</c>, which frees
    /// its <c>dev-&gt;iommu</c> (the path the double free took).
    /// </summary>
    /// <param name="dev">The device.</param>
    /// <param name="iommuDev">Its instance's <c>iommu_device</c>.</param>
    /// <returns>0, or <c>-ENODEV</c>.</returns>
    public int ProbeDevice(Device dev, out IommuDevice? iommuDev)
    {
        if (Iommu.DevIommuPrivGet(dev) is not RkIommuData data)
        {
            iommuDev = null;
            return -Errno.ENODEV;
        }

        iommuDev = data.Iommu.Iommu;
        return 0;
    }

    /// <summary><c>rk_iommu_release_device()</c>: drops the link to the instance with the client data.</summary>
    /// <param name="dev">A probed device.</param>
    public void ReleaseDevice(Device dev)
    {
        Iommu.DevIommuPrivSet(dev, null);
    }

    /// <summary><c>rk_iommu_device_group()</c>: the instance's group.</summary>
    /// <param name="dev">A probed device.</param>
    /// <returns>The group.</returns>
    public IommuGroup DeviceGroup(Device dev)
    {
        return Iommu.DevIommuPrivGet(dev) is RkIommuData data ? data.Iommu.Group : _kernel.Iommu().IommuGroupAlloc();
    }

    /// <summary>
    /// <c>rk_iommu_of_xlate()</c>: client data allocated against <c>dma_dev</c> (<c>devm_kzalloc</c>), linking
    /// the client to the instance its property names.
    /// </summary>
    /// <param name="dev">The client.</param>
    /// <param name="iommuNode">The instance's node.</param>
    /// <returns>0, or <c>-ENODEV</c>.</returns>
    public int OfXlate(Device dev, FwNode iommuNode)
    {
        RkIommu? iommu = _driver.RkIommuFromFwnode(iommuNode);
        if (iommu is null)
        {
            return -Errno.ENODEV;
        }

        RkIommuData data = _driver.DmaDev!.DevmAdd(new RkIommuData(iommu));
        Iommu.DevIommuPrivSet(dev, data);
        return 0;
    }

    /// <summary>
    /// <c>rk_iommu_ops</c> has no <c>probe_finalize</c>: on arm64, <c>of_dma_configure()</c> sets the DMA ops
    /// up (<c>arch_setup_dma_ops</c>), so there is nothing left to do here.
    /// </summary>
    /// <param name="dev">A device in its group.</param>
    public void ProbeFinalize(Device dev)
    {
        // A NULL callback in the kernel's ops table.
    }

    /// <summary><c>rk_iommu_domain_alloc()</c>: DMA and unmanaged domains.</summary>
    /// <param name="type">The domain type.</param>
    /// <returns>The domain, or <see langword="null"/>.</returns>
    public IommuDomain? DomainAlloc(IommuDomainType type)
    {
        return type is IommuDomainType.Dma or IommuDomainType.Unmanaged ? new RkIommuDomain(type, this) : null;
    }

    /// <summary><c>rk_iommu_attach_device()</c>: programs the domain into the client's instance.</summary>
    /// <param name="domain">A Rockchip domain.</param>
    /// <param name="dev">A client of the group being attached.</param>
    /// <returns>0, or a negative error.</returns>
    public int AttachDev(IommuDomain domain, Device dev)
    {
        if (domain is not RkIommuDomain rkDomain)
        {
            return -Errno.EINVAL;
        }

        if (dev.Fwnode is not { Iommus.Count: > 0 } node || _driver.RkIommuFromFwnode(node.Iommus[0]) is not { } iommu)
        {
            return 0;
        }

        IrqFlags flags = rkDomain.IommusLock.LockIrqSave();
        if (!rkDomain.Iommus.Contains(iommu))
        {
            rkDomain.Iommus.Add(iommu);
        }

        rkDomain.IommusLock.UnlockIrqRestore(flags);
        return 0;
    }

    /// <summary><c>rk_iommu_ops</c> has no <c>get_resv_regions</c>: a Rockchip IOMMU reserves nothing.</summary>
    /// <param name="dev">The device.</param>
    /// <param name="head">The list, left as it is.</param>
    public void GetResvRegions(Device dev, List<IommuResvRegion> head)
    {
        // A NULL callback in the kernel's ops table.
    }
}
