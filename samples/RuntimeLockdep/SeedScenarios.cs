// How this sample runs each seed's broken code. The code itself is samples/Regressions/MODULE/NNN_*.cs,
// compiled as it is into one assembly per module (Modules/); only these drivers are this sample's own. Each
// scenario runs its pieces on real threads named like the kernel tasks of the seed's splat, one after
// the other, so nothing deadlocks and lockdep reports from the orders it has seen.
using System.Collections.Generic;
using RuntimeLockdep;

namespace Regressions.Seed000
{
    /// <summary>Boot, then a VFIO attach of the USB controller's group, each on a thread of its own.</summary>
    internal static class Scenario
    {
        public static void Run()
        {
            var devices = new List<Device> { new("0000:00:02.0"), new("0000:00:14.0") };
            var iommu = new Iommu(devices);
            var intel = new IntelIommu(iommu);
            KernelThread.Run("swapper/0", () => intel.IntelIommuInit());
            var vfio = new Vfio(iommu);
            IommuGroup group = devices[1].IommuGroup!;
            KernelThread.Run("qemu-system-x86", () => vfio.VfioFopsUnlIoctl(new VfioContainer(), new VfioIommu(), group));
        }
    }
}

namespace Regressions.Seed001
{
    /// <summary>Boot adds a device to the bus; later a DMAR fault interrupt looks a device up on that bus.</summary>
    internal static class Scenario
    {
        public static void Run()
        {
            var driverCore = new DriverCore();
            KernelThread.Run("swapper/0", driverCore.MemoryDevInit);
            var intel = new IntelIommu(driverCore);
            KernelThread.Run("rngd", () => intel.DmarFault(0x00d0, 0x0));
        }
    }
}

namespace Regressions.Seed002
{
    /// <summary>Four Rockchip IOMMUs probed by async-probe workers, one after the other.</summary>
    internal static class Scenario
    {
        public static void Run()
        {
            var clients = new List<Device> { new("rockchip-vop.0"), new("rockchip-vop.1"), new("rkisp1") };
            var iommu = new Iommu(clients);
            var rk = new RkIommu(iommu);
            for (int i = 0; i < 4; i++)
            {
                var pdev = new Device("rk_iommu." + i);
                KernelThread.Run("kworker/u12:" + (i + 1), () => rk.RkIommuProbe(pdev));
            }
        }
    }
}

namespace Regressions.Seed003
{
    /// <summary>coretemp loads, a driver adds a PCI device, then CPU 0's bring-up runs coretemp's callback.</summary>
    internal static class Scenario
    {
        public static void Run()
        {
            var kernel = new Kernel();
            var coretemp = new Coretemp(kernel);
            KernelThread.Run("modprobe", () => coretemp.CoretempInit());
            KernelThread.Run("modprobe", () => kernel.PlatformDeviceAdd(new Device("iTCO_wdt")));
            KernelThread.Run("cpuhp/0-ctl", () => kernel.Cpu.CpuUp(0));
            KernelThread.Run("cpuhp/0", () => kernel.Cpu.CpuhpThreadFun(0, 1));
        }
    }
}

namespace Regressions.Seed004
{
    /// <summary>The e1000e driver bound to a device whose group the firmware creates late, then unbound.</summary>
    internal static class Scenario
    {
        public static void Run()
        {
            var pci = new PciBus();
            var dev = new Device("0004:01:00.0");
            KernelThread.Run("tee", () =>
            {
                pci.PciDmaConfigure(dev); // bind: use_default_domain finds no group and returns 0 without a claim
                pci.PciDmaCleanup(dev); // unbind
            });
        }
    }
}
