namespace IommuCore;

/// <summary>
/// The kernel's error numbers (<c>include/uapi/asm-generic/errno-base.h</c>, <c>errno.h</c>): model
/// functions return <c>0</c> or a negative one of these, as the kernel functions they stand for do.
/// </summary>
public static class Errno
{
    /// <summary><c>EPERM</c>: the group is owned by another user.</summary>
    public const int EPERM = 1;

    /// <summary><c>ENOMEM</c>.</summary>
    public const int ENOMEM = 12;

    /// <summary><c>EBUSY</c>: the device or group is in use in a way that excludes the request.</summary>
    public const int EBUSY = 16;

    /// <summary><c>ENODEV</c>: no IOMMU (or no driver) handles the device.</summary>
    public const int ENODEV = 19;

    /// <summary><c>EINVAL</c>.</summary>
    public const int EINVAL = 22;

    /// <summary><c>EPROBE_DEFER</c>: a resource the probe needs (the device's IOMMU) is not registered yet.</summary>
    public const int EPROBE_DEFER = 517;
}
