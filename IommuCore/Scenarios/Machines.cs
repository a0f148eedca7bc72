using System;
using System.Collections.Generic;
using System.Threading;

namespace IommuCore.Scenarios;

/// <summary>
/// An x86-64 machine with two VT-d units: the GPU behind <c>dmar0</c>, everything else behind the
/// <c>INCLUDE_PCI_ALL</c> unit <c>dmar1</c>, an RMRR for the USB controller, a dual-port 82574L NIC whose
/// functions share a group, four CPUs in two packages, and coretemp.
/// </summary>
public sealed class X86Machine : IDisposable
{
    /// <summary>CPUs.</summary>
    public const int NrCpus = 4;

    /// <summary>Packages.</summary>
    public const int NrPackages = 2;

    /// <summary>The fault interrupt of <c>dmar0</c>.</summary>
    public const int Dmar0Irq = 24;

    /// <summary>The fault interrupt of <c>dmar1</c>.</summary>
    public const int Dmar1Irq = 25;

    /// <summary>The USB controller's RMRR.</summary>
    public static readonly DmarRmrrEntry UsbRmrr = new(0x7c000000, 0x7c00ffff, [new DmarScopeEntry(0, 0x14 << 3)]);

    /// <summary>Creates the machine, powered off.</summary>
    public X86Machine()
    {
        Kernel = new Kernel(Arch.X86_64, NrCpus, []);
        IommuSubsystem.Load(Kernel);
        var table = new DmarTable(
            [
                new DmarDrhdEntry("dmar0", IncludeAll: false, [new DmarScopeEntry(0, 2 << 3)], Dmar0Irq),
                new DmarDrhdEntry("dmar1", IncludeAll: true, [], Dmar1Irq),
            ],
            [UsbRmrr]);
        Intel = new IntelIommu(Kernel, table);
        Vfio = new Vfio(Kernel);
        VfioType1 = new VfioIommuType1(Kernel);
        Coretemp = new Coretemp(Kernel, new Hwmon(Kernel), NrPackages);
        E1000e = new E1000eDriver(Kernel);
        Xhci = new XhciPciDriver(Kernel);
        Gpu = new PciDev(Kernel.Pci, 0, 2, 0, 0x8086, 0x3e92);
        Usb = new PciDev(Kernel.Pci, 0, 0x14, 0, 0x8086, 0xa36d);
        Nic0 = new PciDev(Kernel.Pci, 1, 0, 0, 0x8086, 0x10d3);
        Nic1 = new PciDev(Kernel.Pci, 1, 0, 1, 0x8086, 0x10d3);
    }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The VT-d driver.</summary>
    public IntelIommu Intel { get; }

    /// <summary>VFIO.</summary>
    public Vfio Vfio { get; }

    /// <summary>The type1 backend.</summary>
    public VfioIommuType1 VfioType1 { get; }

    /// <summary>coretemp.</summary>
    public Coretemp Coretemp { get; }

    /// <summary>The NIC driver.</summary>
    public E1000eDriver E1000e { get; }

    /// <summary>The USB controller driver.</summary>
    public XhciPciDriver Xhci { get; }

    /// <summary>00:02.0, the integrated GPU (no driver in the model).</summary>
    public PciDev Gpu { get; }

    /// <summary>00:14.0, the USB controller, with an RMRR.</summary>
    public PciDev Usb { get; }

    /// <summary>01:00.0, the NIC's first port.</summary>
    public PciDev Nic0 { get; }

    /// <summary>01:00.1, the NIC's second port.</summary>
    public PciDev Nic1 { get; }

    /// <summary>The PCI functions present at boot.</summary>
    public IReadOnlyList<PciDev> BootDevices => [Gpu, Usb, Nic0, Nic1];

    /// <summary>
    /// Boots in initcall order on a <c>kernel_init</c> thread: CPU hotplug threads and IOMMU notifiers,
    /// PCI enumeration, <c>intel_iommu_init()</c> (which probes every device into its group),
    /// the VFIO type1 backend, the PCI drivers (binding, which claims DMA ownership), then coretemp.
    /// </summary>
    public void Boot()
    {
        KernelThreads.Run("kernel_init", () =>
        {
            Kernel.StartKernel();
            foreach (PciDev dev in BootDevices)
            {
                Kernel.Base.DeviceAdd(dev);
            }

            Intel.IntelIommuInit();
            Vfio.VfioRegisterIommuDriver(VfioType1);
            Kernel.Base.DriverRegister(E1000e);
            Kernel.Base.DriverRegister(Xhci);
            Coretemp.CoretempInit();
        });
    }

    /// <summary><c>pci_bus_add_device()</c> of a hot-added function.</summary>
    /// <param name="bus">The bus number.</param>
    /// <param name="slot">The slot.</param>
    /// <param name="function">The function.</param>
    /// <returns>The new device, added.</returns>
    public PciDev HotAddNic(int bus, int slot, int function)
    {
        var dev = new PciDev(Kernel.Pci, bus, slot, function, 0x8086, 0x10d3);
        Kernel.Base.DeviceAdd(dev);
        return dev;
    }

    /// <summary>Shuts the kernel down.</summary>
    public void Dispose() => Kernel.Dispose();
}

/// <summary>
/// A Rockchip RK3399-like arm64 machine: four IOMMU instances on the platform bus probed asynchronously
/// (<c>driver_async_probe=rk_iommu</c>), two display controllers behind the first two, two ISPs behind
/// the others (no driver in the model), all described by the device tree.
/// </summary>
public sealed class Rk3399Machine : IDisposable
{
    /// <summary>CPUs.</summary>
    public const int NrCpus = 4;

    private readonly List<PlatformDevice> _iommus = new();
    private readonly List<PlatformDevice> _clients = new();

    /// <summary>Creates the machine, powered off.</summary>
    public Rk3399Machine()
    {
        Kernel = new Kernel(Arch.Arm64, NrCpus, ["rk_iommu"]);
        IommuSubsystem.Load(Kernel);
        RkIommu = new RkIommuDriver(Kernel);
        Vop = new RockchipVopDriver(Kernel);
        string[] iommuNodes = ["iommu@ff8f3f00", "iommu@ff903f00", "iommu@ff650800", "iommu@ff660480"];
        for (int i = 0; i < iommuNodes.Length; i++)
        {
            var node = new FwNode(iommuNodes[i], isOf: true);
            _iommus.Add(new PlatformDevice(Kernel.Platform, "rk_iommu", i, node));
            string client = i < 2 ? "rockchip-vop" : "rkisp1";
            _clients.Add(new PlatformDevice(Kernel.Platform, client, i % 2, new FwNode($"{client}@{i}", isOf: true, node)));
        }
    }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The IOMMU driver.</summary>
    public RkIommuDriver RkIommu { get; }

    /// <summary>The display controller driver.</summary>
    public RockchipVopDriver Vop { get; }

    /// <summary>
    /// Boots on a <c>kernel_init</c> thread: populates the platform bus from the device tree, registers
    /// <c>rk_iommu</c> (each instance probes on its own async worker, registering with the IOMMU core
    /// at the same time as the others), waits for the async probes, then registers the VOP driver.
    /// </summary>
    public void Boot()
    {
        KernelThreads.Run("kernel_init", () =>
        {
            Kernel.StartKernel();
            foreach (PlatformDevice dev in _iommus)
            {
                Kernel.Base.DeviceAdd(dev);
            }

            foreach (PlatformDevice dev in _clients)
            {
                Kernel.Base.DeviceAdd(dev);
            }

            Kernel.Base.DriverRegister(RkIommu);
            Kernel.Base.WaitForDeviceProbe();
            Kernel.Base.DriverRegister(Vop);
        });
    }

    /// <summary>Shuts the kernel down.</summary>
    public void Dispose() => Kernel.Dispose();
}

/// <summary>Runs scenario work on real threads, named like the kernel threads they stand for.</summary>
public static class KernelThreads
{
    /// <summary>Runs <paramref name="work"/> on a new thread and waits for it; rethrows what it threw.</summary>
    /// <param name="name">The thread's name.</param>
    /// <param name="work">The work.</param>
    public static void Run(string name, Action work)
    {
        RunAll((name, work));
    }

    /// <summary>Runs each piece of work on its own thread, all at once, and waits for all of them.</summary>
    /// <param name="works">Named pieces of work.</param>
    /// <exception cref="AggregateException">Some thread threw.</exception>
    public static void RunAll(params (string Name, Action Work)[] works)
    {
        var errors = new List<Exception>();
        var threads = new List<Thread>();
        foreach ((string name, Action work) in works)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    work();
                }
                catch (Exception e)
                {
                    lock (errors)
                    {
                        errors.Add(e);
                    }
                }
            })
            {
                Name = name,
                IsBackground = true,
            };
            threads.Add(thread);
        }

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.Count > 0)
        {
            throw new AggregateException($"{errors.Count} scenario thread(s) failed", errors);
        }
    }
}
