using System.Collections.Generic;

namespace RuntimeLockdep
{
    /// <summary>The seeds' splats, trimmed, for when the seed files are not at hand.</summary>
    public static class Embedded
    {
        public static IReadOnlyList<string> Splat(string id) => id switch
        {
            "000" => new[]
            {
                "WARNING: possible circular locking dependency detected",
                "qemu-system-x86/1726 is trying to acquire lock:",
                "ffffffffacf8a7d0 (dmar_global_lock){++++}-{3:3}, at: intel_iommu_get_resv_regions+0x21/0x2a0",
                "but task is already holding lock:",
                "ffff981240efb0c0 (&group->mutex){+.+.}-{3:3}, at: iommu_get_group_resv_regions+0x2c/0x3b0",
                "-> #1 (&group->mutex){+.+.}-{3:3}: ... iommu_group_add_device ... iommu_device_register+0xc1/0x130 intel_iommu_init+0xfd9/0x120d",
                "-> #0 (dmar_global_lock){++++}-{3:3}: ... down_read intel_iommu_get_resv_regions iommu_get_group_resv_regions vfio_iommu_type1_attach_group",
                "*** DEADLOCK ***",
            },
            "001" => new[]
            {
                "WARNING: inconsistent lock state",
                "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.",
                "rngd/1006 [HC1[1]:SC0[0]:HE0:SE1] takes:",
                "ff177021416f2d78 (&k->k_lock){?.+.}-{2:2}, at: klist_next+0x1b/0x160",
                "{HARDIRQ-ON-W} state was registered at: ... _raw_spin_lock klist_add_tail bus_add_device device_add add_memory_block memory_dev_init",
                "*** DEADLOCK ***",
            },
            "002" => new[]
            {
                "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000030",
                "pc : dev_iommu_free+0x24/0x54",
                "lr : __iommu_probe_device+0x110/0x180",
                "Call trace: dev_iommu_free __iommu_probe_device probe_iommu_group bus_for_each_dev bus_iommu_probe iommu_device_register rk_iommu_probe ...",
                "__driver_attach_async_helper+0x3c/0x60",
            },
            "003" => new[]
            {
                "WARNING: possible circular locking dependency detected",
                "cpuhp/0/15 is trying to acquire lock:",
                "ffff888100e02a78 (&(&priv->bus_notifier)->rwsem){++++}-{3:3}, at: blocking_notifier_call_chain+0x20/0x50",
                "but task is already holding lock:",
                "ffffffff826490c0 (cpuhp_state-up){+.+.}-{0:0}, at: cpuhp_thread_fun+0x48/0x1f0",
                "Chain exists of:",
                "&(&priv->bus_notifier)->rwsem --> cpu_hotplug_lock --> cpuhp_state-up",
                "*** DEADLOCK ***",
            },
            "004" => new[]
            {
                "------------[ cut here ]------------",
                "WARNING: CPU: 42 PID: 5589 at",
                "drivers/iommu/iommu.c:3123",
                "iommu_device_unuse_default_domain+0x68/0x100",
            },
            _ => new string[0],
        };
    }
}
