// Seed: 003_ba5013d5ce36ceb8
// The coretemp module (drivers/hwmon/coretemp.c) before the fix, which registers its hotplug callback
// with the CPU hotplug module; the seed mail and the modules it crosses are described in
// ../Base/003_ba5013d5ce36ceb8_CpuhpVsBusNotifier.Base.cs.

namespace Regressions.Seed003;

/// <summary><c>drivers/hwmon/coretemp.c</c> before the fix.</summary>
public sealed class Coretemp
{
    private readonly Kernel _kernel;
    private readonly Device?[] _pkgDevices = new Device?[2];

    public Coretemp(Kernel kernel) => _kernel = kernel;

    /// <summary><c>coretemp_init()</c>.</summary>
    public int CoretempInit() => _kernel.Cpu.CpuhpSetupState(CoretempCpuOnline);

    /// <summary><c>coretemp_cpu_online()</c>: the package's first CPU creates its platform device.</summary>
    private int CoretempCpuOnline(int cpu)
    {
        int pkg = cpu / 2;
        if (_pkgDevices[pkg] is null)
        {
            var pdev = new Device($"coretemp.{pkg}");
            _kernel.PlatformDeviceAdd(pdev); // expect LD0001 'cpuhp_state-up' 'cpu_hotplug_lock' '&(&priv->bus_notifier)->rwsem'; expect LD0001 'cpuhp_state-up' 'cpu_hotplug_lock'
            _pkgDevices[pkg] = pdev;
        }

        return 0;
    }
}
