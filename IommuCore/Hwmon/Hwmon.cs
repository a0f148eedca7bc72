using System.Threading;

namespace IommuCore;

/// <summary>The hwmon core (<c>drivers/hwmon/hwmon.c</c>): hardware-monitoring class devices.</summary>
public sealed class Hwmon
{
    private int _lastId = -1;

    /// <summary>Creates the hwmon core of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Hwmon(Kernel kernel)
    {
        Kernel = kernel;
    }

    /// <summary><c>hwmon_class</c>.</summary>
    public DeviceClass HwmonClass { get; } = new("hwmon");

    private Kernel Kernel { get; }

    /// <summary><c>hwmon_device_register_with_groups()</c>: a <c>hwmonN</c> class device under <paramref name="parent"/>.</summary>
    /// <param name="parent">The device being monitored.</param>
    /// <param name="name">The chip's name.</param>
    /// <returns>The hwmon device.</returns>
    public Device HwmonDeviceRegisterWithGroups(Device parent, string name)
    {
        var hdev = new Device($"hwmon{Interlocked.Increment(ref _lastId)}", null, null);
        HwmonClass.ClassDeviceAdd(hdev);
        Kernel.Log.Printk($"{parent}: hwmon device {hdev} registered for {name}");
        return hdev;
    }

    /// <summary><c>hwmon_device_unregister()</c>.</summary>
    /// <param name="hdev">A device from <see cref="HwmonDeviceRegisterWithGroups"/>.</param>
    public void HwmonDeviceUnregister(Device hdev)
    {
        HwmonClass.ClassDeviceDel(hdev);
    }
}
