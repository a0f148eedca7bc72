namespace IommuCore;

/// <summary>
/// <c>struct class</c>: a class of devices that sit on no bus (<c>hwmon</c>, <c>iommu</c>), listed in the
/// class's klist.
/// </summary>
public sealed class DeviceClass
{
    /// <summary>Creates a class.</summary>
    /// <param name="name">The class's name.</param>
    public DeviceClass(string name)
    {
        Name = name;
    }

    /// <summary><c>class-&gt;name</c>.</summary>
    public string Name { get; }

    /// <summary><c>class-&gt;p-&gt;klist_devices</c>.</summary>
    public Klist<Device> KlistDevices { get; } = new();

    /// <summary>
    /// <c>device_add()</c> for a class device: the device joins its class's klist
    /// (<c>klist_add_tail(&amp;dev-&gt;p-&gt;knode_class, ...)</c>). A device without a bus has no bus notifier
    /// and no driver to probe, so this is all of <c>device_add()</c> that runs for it; the model keeps it
    /// apart from <see cref="DriverCore.DeviceAdd"/> because the analyzer does not follow values, and would
    /// otherwise see the bus notifier chain called from a CPU hotplug callback that registers a hwmon device.
    /// </summary>
    /// <param name="dev">A device with no bus.</param>
    public void ClassDeviceAdd(Device dev)
    {
        KlistDevices.KlistAddTail(dev.KnodeClass);
    }

    /// <summary><c>device_del()</c> for a class device.</summary>
    /// <param name="dev">A device added by <see cref="ClassDeviceAdd"/>.</param>
    public void ClassDeviceDel(Device dev)
    {
        KlistDevices.KlistDel(dev.KnodeClass);
    }
}
