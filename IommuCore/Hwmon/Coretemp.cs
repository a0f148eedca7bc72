using System.Collections.Generic;

namespace IommuCore;

/// <summary><c>struct platform_data</c> of coretemp: one package's hwmon device and the cores reported.</summary>
public sealed class CoretempPlatformData
{
    internal CoretempPlatformData(int pkgId)
    {
        PkgId = pkgId;
    }

    /// <summary><c>pdata-&gt;pkg_id</c>.</summary>
    public int PkgId { get; }

    /// <summary><c>pdata-&gt;hwmon_dev</c>: registered when the package's first CPU comes online.</summary>
    public Device? HwmonDev { get; internal set; }

    /// <summary><c>pdata-&gt;cpumask</c>: the package's online CPUs with a core reported.</summary>
    internal SortedSet<int> Cpumask { get; } = new();

    /// <summary>The online CPUs reported, in order.</summary>
    public IReadOnlyCollection<int> Cpus => Cpumask;
}

/// <summary>
/// The coretemp driver (<c>drivers/hwmon/coretemp.c</c>) as "hwmon: (coretemp) Simplify platform device
/// handling" left it: one platform device per package, created at module init; the CPU hotplug
/// callbacks only register the package's hwmon device and its cores. (Creating the platform device from
/// the online callback put <c>device_add()</c>, and with it the bus notifier chain, under
/// <c>cpuhp_state-up</c>: the fourth seed.)
/// </summary>
public sealed class Coretemp
{
    private readonly Kernel _kernel;
    private readonly Hwmon _hwmon;
    private readonly PlatformDevice?[] _zoneDevices;
    private readonly int _nrCpusPerPackage;

    /// <summary>Creates the driver for a machine with <paramref name="nrPackages"/> packages.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="hwmon">The hwmon core the driver registers its devices with.</param>
    /// <param name="nrPackages">Physical packages (<c>topology_max_packages()</c>).</param>
    public Coretemp(Kernel kernel, Hwmon hwmon, int nrPackages)
    {
        _kernel = kernel;
        _hwmon = hwmon;
        _zoneDevices = new PlatformDevice?[nrPackages];
        _nrCpusPerPackage = (kernel.Cpu.NrCpuIds + nrPackages - 1) / nrPackages;
        Driver = new CoretempDriver(kernel.Platform, hwmon);
    }

    /// <summary><c>coretemp_driver</c>.</summary>
    public CoretempDriver Driver { get; }

    /// <summary>The packages' platform devices (<c>zone_devices</c>).</summary>
    public IReadOnlyList<PlatformDevice?> ZoneDevices => _zoneDevices;

    /// <summary>
    /// <c>coretemp_init()</c>: registers the driver, adds each package's platform device, then installs
    /// the CPU hotplug callbacks, which run at once for every online CPU.
    /// </summary>
    /// <returns>0, or a negative error.</returns>
    public int CoretempInit()
    {
        _kernel.Base.DriverRegister(Driver);
        for (int pkg = 0; pkg < _zoneDevices.Length; pkg++)
        {
            var pdev = new PlatformDevice(_kernel.Platform, "coretemp", pkg, null);
            _kernel.Base.DeviceAdd(pdev);
            _zoneDevices[pkg] = pdev;
        }

        int state = _kernel.Cpu.CpuhpSetupState("hwmon/coretemp:online", CoretempCpuOnline, CoretempCpuOffline);
        return state < 0 ? state : 0;
    }

    /// <summary><c>topology_logical_die_id()</c>: the package of a CPU.</summary>
    /// <param name="cpu">A CPU.</param>
    /// <returns>The package.</returns>
    public int TopologyLogicalPackageId(int cpu) => cpu / _nrCpusPerPackage;

    /// <summary>
    /// <c>coretemp_cpu_online()</c>: the package's first online CPU registers its hwmon device; every CPU
    /// adds its core. No platform device is created here any more.
    /// </summary>
    private int CoretempCpuOnline(int cpu)
    {
        PlatformDevice? pdev = _zoneDevices[TopologyLogicalPackageId(cpu)];
        if (pdev?.DriverData is not CoretempPlatformData pdata)
        {
            return -Errno.ENODEV;
        }

        pdata.HwmonDev ??= _hwmon.HwmonDeviceRegisterWithGroups(pdev, "coretemp");
        pdata.Cpumask.Add(cpu);
        return 0;
    }

    /// <summary><c>coretemp_cpu_offline()</c>: removes the core; the package's last CPU takes its hwmon device away.</summary>
    private int CoretempCpuOffline(int cpu)
    {
        PlatformDevice? pdev = _zoneDevices[TopologyLogicalPackageId(cpu)];
        if (pdev?.DriverData is not CoretempPlatformData pdata)
        {
            return 0;
        }

        pdata.Cpumask.Remove(cpu);
        if (pdata.Cpumask.Count == 0 && pdata.HwmonDev is { } hwmon)
        {
            _hwmon.HwmonDeviceUnregister(hwmon);
            pdata.HwmonDev = null;
        }

        return 0;
    }
}

/// <summary><c>coretemp_driver</c>: binds each package's platform device.</summary>
public sealed class CoretempDriver : PlatformDriver
{
    private readonly Hwmon _hwmon;

    internal CoretempDriver(PlatformBusType bus, Hwmon hwmon)
        : base("coretemp", bus, ProbeType.DefaultStrategy)
    {
        _hwmon = hwmon;
    }

    /// <summary><c>coretemp_probe()</c>: the package's platform data.</summary>
    /// <param name="dev">A coretemp platform device.</param>
    /// <returns>0.</returns>
    public override int Probe(Device dev)
    {
        dev.DriverData = new CoretempPlatformData(((PlatformDevice)dev).Id);
        return 0;
    }

    /// <summary><c>coretemp_remove()</c>: takes away the package's hwmon device if a CPU of the package is still online.</summary>
    /// <param name="dev">A coretemp platform device.</param>
    public override void Remove(Device dev)
    {
        if (dev.DriverData is CoretempPlatformData { HwmonDev: { } hwmon } pdata)
        {
            _hwmon.HwmonDeviceUnregister(hwmon);
            pdata.HwmonDev = null;
        }
    }
}
