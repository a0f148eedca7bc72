using System;
using LockDiscipline;

namespace IommuCore;

/// <summary><c>iommu_dma_ops</c>: what <c>dev-&gt;dma_ops</c> points at once the DMA API goes through the IOMMU.</summary>
public sealed class IommuDmaOps
{
    /// <summary>The ops' name.</summary>
    public string Name => "iommu_dma_ops";
}

/// <summary><c>struct iommu_dma_cookie</c>: a DMA domain's IOVA allocator, set up once under its mutex.</summary>
public sealed class IommuDmaCookie
{
    /// <summary><c>cookie-&gt;mutex</c>: serialises the domain's first <c>iommu_dma_init_domain()</c>.</summary>
    [LockClass("&cookie->mutex")]
    public readonly KMutex Mutex = new();

    /// <summary><c>cookie-&gt;iovad</c>.</summary>
    public IovaDomain Iovad { get; } = new();
}

/// <summary>
/// The DMA API over an IOMMU (<c>drivers/iommu/dma-iommu.c</c>, with <c>iova_cache_get()</c> from
/// <c>iova.c</c>): setting a device's DMA ops up, and mapping buffers through IOVA allocation.
/// </summary>
public sealed class IommuDma
{
    /// <summary>The IOVA space's lowest page frame (<c>iova_pfn(iovad, base)</c> for a non-zero base).</summary>
    public const ulong BasePfn = 1;

    /// <summary>One above the highest page frame handed out (a 32-bit DMA mask).</summary>
    public const ulong DmaLimitPfn = 1UL << (32 - Iommu.PageShift);

    private readonly Kernel _kernel;

    /// <summary><c>iova_cache_mutex</c>.</summary>
    [LockClass("iova_cache_mutex")]
    private readonly KMutex _iovaCacheMutex = new();

    [GuardedBy(nameof(_iovaCacheMutex))]
    private int _iovaCacheUsers;

    /// <summary>Creates the DMA-IOMMU layer of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public IommuDma(Kernel kernel)
    {
        _kernel = kernel;
    }

    /// <summary>The one <c>iommu_dma_ops</c>.</summary>
    public IommuDmaOps Ops { get; } = new();

    /// <summary>
    /// <c>iova_cache_get()</c>: the first user registers the multi-instance CPU hotplug state whose
    /// teardown flushes a dead CPU's IOVA caches (<c>iommu/iova:dead</c>).
    /// </summary>
    /// <returns>0, or a negative error.</returns>
    public int IovaCacheGet()
    {
        int ret = 0;
        _iovaCacheMutex.Lock();
        if (_iovaCacheUsers == 0)
        {
            ret = _kernel.Cpu.CpuhpSetupStateMulti(CpuhpState.IommuIovaDead, "iommu/iova:dead", null, IovaCpuhpDead);
        }

        if (ret == 0)
        {
            _iovaCacheUsers++;
        }

        _iovaCacheMutex.Unlock();
        return ret;
    }

    /// <summary>
    /// <c>iommu_setup_dma_ops()</c>: for a device attached to a DMA domain, sets the domain's IOVA
    /// allocator up and points <c>dev-&gt;dma_ops</c> at <c>iommu_dma_ops</c>.
    /// </summary>
    /// <param name="dev">A device in an IOMMU group.</param>
    public void IommuSetupDmaOps(Device dev)
    {
        IommuDomain? domain = _kernel.Iommu().IommuGetDomainForDev(dev);
        if (domain is null)
        {
            _kernel.Log.Printk($"{dev}: Failed to set up IOMMU for device; retaining platform DMA ops");
            return;
        }

        if (!domain.IsDmaDomain)
        {
            return;
        }

        if (IommuDmaInitDomain(domain) != 0)
        {
            _kernel.Log.Printk($"{dev}: Failed to set up IOMMU for device; retaining platform DMA ops");
            return;
        }

        DeviceIommuData.Of(dev).DmaOps = Ops;
    }

    /// <summary>
    /// <c>dma_map_single()</c> through <c>iommu_dma_map_page()</c>: an IOVA range from this CPU's cache,
    /// mapped in the device's domain.
    /// </summary>
    /// <param name="dev">A device with IOMMU DMA ops.</param>
    /// <param name="paddr">The buffer's physical address (page aligned).</param>
    /// <param name="size">The buffer's size in bytes.</param>
    /// <returns>The DMA address, or 0 (<c>DMA_MAPPING_ERROR</c>).</returns>
    public ulong IommuDmaMapPage(Device dev, ulong paddr, ulong size)
    {
        IommuDomain? domain = _kernel.Iommu().IommuGetDomainForDev(dev);
        IommuDmaCookie? cookie = domain?.IovaCookie;
        if (domain is null || cookie is null)
        {
            return 0;
        }

        ulong pages = PagesOf(size);
        ulong pfn = cookie.Iovad.AllocIovaFast(pages, _kernel.Cpu.SmpProcessorId());
        if (pfn == 0)
        {
            return 0;
        }

        ulong iova = pfn << Iommu.PageShift;
        if (Iommu.IommuMap(domain, iova, paddr, pages << Iommu.PageShift) != 0)
        {
            cookie.Iovad.FreeIovaFast(pfn, pages, _kernel.Cpu.SmpProcessorId());
            return 0;
        }

        return iova;
    }

    /// <summary><c>dma_unmap_single()</c> through <c>iommu_dma_unmap_page()</c>: unmaps, then frees the IOVA into this CPU's cache.</summary>
    /// <param name="dev">The device the buffer was mapped for.</param>
    /// <param name="dmaAddr">What <see cref="IommuDmaMapPage"/> returned.</param>
    /// <param name="size">The buffer's size in bytes.</param>
    public void IommuDmaUnmapPage(Device dev, ulong dmaAddr, ulong size)
    {
        IommuDomain? domain = _kernel.Iommu().IommuGetDomainForDev(dev);
        IommuDmaCookie? cookie = domain?.IovaCookie;
        if (domain is null || cookie is null)
        {
            return;
        }

        ulong pages = PagesOf(size);
        Iommu.IommuUnmap(domain, dmaAddr, pages << Iommu.PageShift);
        cookie.Iovad.FreeIovaFast(dmaAddr >> Iommu.PageShift, pages, _kernel.Cpu.SmpProcessorId());
    }

    /// <summary>
    /// <c>iommu_dma_init_domain()</c>: the first device of a domain initialises its IOVA domain and the
    /// per-CPU caches, under the cookie's mutex.
    /// </summary>
    private int IommuDmaInitDomain(IommuDomain domain)
    {
        IommuDmaCookie? cookie = domain.IovaCookie;
        if (cookie is null)
        {
            return -Errno.EINVAL;
        }

        int ret = 0;
        cookie.Mutex.Lock();
        IovaDomain iovad = cookie.Iovad;
        if (iovad.StartPfn == 0)
        {
            iovad.InitIovaDomain(BasePfn, DmaLimitPfn);
            ret = iovad.IovaDomainInitRcaches(_kernel.Cpu);
        }

        cookie.Mutex.Unlock();
        return ret;
    }

    /// <summary><c>iova_cpuhp_dead()</c>: the <c>CPUHP_IOMMU_IOVA_DEAD</c> teardown, once per IOVA domain.</summary>
    private static int IovaCpuhpDead(int cpu, object node)
    {
        if (node is IovaDomain iovad)
        {
            iovad.FreeCpuCachedIovas(cpu);
        }

        return 0;
    }

    private static ulong PagesOf(ulong size) => Math.Max(1UL, (size + Iommu.PageSize - 1) >> Iommu.PageShift);
}
