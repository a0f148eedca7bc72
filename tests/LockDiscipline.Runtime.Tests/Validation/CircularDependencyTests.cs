using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

public class CircularDependencyTests : LockdepTestBase
{
    [Fact]
    public void Two_class_cycle_is_reported_in_lockdeps_layout()
    {
        // The dmar_global_lock / group->mutex regression: boot takes the group mutex under the DMAR lock,
        // VFIO later takes the DMAR lock (for reading) under the group mutex.
        int dmar = Register("dmar_global_lock", LockClassKind.RwSemaphore);
        int group = Register("&group->mutex", LockClassKind.Mutex);
        var dmarLock = new KRwSem();
        var groupMutex = new KMutex();

        RunAs("swapper", () =>
        {
            LockdepHooks.Acquire(dmar, dmarLock, AcquireFlags.None, 0, At("IntelIommu.Init", "Intel.cs", 10));
            dmarLock.DownWrite();
            Lock(group, groupMutex, At("Iommu.GroupAddDevice", "Iommu.cs", 20));
            Unlock(group, groupMutex, At("Iommu.GroupAddDevice", "Iommu.cs", 21));
            Assert.True(LockdepHooks.Release(dmar, dmarLock, At("IntelIommu.Init", "Intel.cs", 11)));
            dmarLock.UpWrite();
        });
        Assert.Empty(Reports);

        RunAs("qemu-system-x86", () =>
        {
            Lock(group, groupMutex, At("Iommu.GetGroupResvRegions", "Iommu.cs", 30));
            LockdepHooks.Acquire(dmar, dmarLock, AcquireFlags.Read, 0, At("IntelIommu.GetResvRegions", "Intel.cs", 40));
            dmarLock.DownRead();
            Assert.True(LockdepHooks.Release(dmar, dmarLock, At("IntelIommu.GetResvRegions", "Intel.cs", 41)));
            dmarLock.UpRead();
            Unlock(group, groupMutex, At("Iommu.GetGroupResvRegions", "Iommu.cs", 31));
        });

        Assert.Equal(
            Expected("""
            ======================================================
            WARNING: possible circular locking dependency detected
            {ident}
            ------------------------------------------------------
            qemu-system-x86/N is trying to acquire lock:
            (dmar_global_lock){++++}-{3:3}, at: IntelIommu.GetResvRegions (Intel.cs:40)

            but task is already holding lock:
            (&group->mutex){+.+.}-{3:3}, at: Iommu.GetGroupResvRegions (Iommu.cs:30)

            which lock already depends on the new lock.


            the existing dependency chain (in reverse order) is:

            -> #1 (&group->mutex){+.+.}-{3:3}:
                   Iommu.GroupAddDevice (Iommu.cs:20)

            -> #0 (dmar_global_lock){++++}-{3:3}:
                   IntelIommu.GetResvRegions (Intel.cs:40)

            other info that might help us debug this:

             Possible unsafe locking scenario:

                   CPU0                    CPU1
                   ----                    ----
              lock(&group->mutex);
                                           lock(dmar_global_lock);
                                           lock(&group->mutex);
              rlock(dmar_global_lock);

             *** DEADLOCK ***

            1 lock held by qemu-system-x86/N:
             #0: (&group->mutex){+.+.}-{3:3}, at: Iommu.GetGroupResvRegions (Iommu.cs:30)

            """),
            SingleReportText());
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "dmar_global_lock", "&group->mutex" }, report.Classes);
        Assert.Equal("qemu-system-x86", report.ThreadName);
    }

    [Fact]
    public void Three_class_cycle_names_every_class_in_the_chain()
    {
        // The cpuhp regression's shape: up -> hotplug, hotplug -> notifier, then notifier held while taking up.
        int up = Register("cpuhp_state-up", LockClassKind.LockMap);
        int hotplug = Register("cpu_hotplug_lock", LockClassKind.PerCpuRwSemaphore);
        int notifier = Register("&(&priv->bus_notifier)->rwsem", LockClassKind.RwSemaphore);
        var upMap = new KMutex();
        var hotplugLock = new KMutex();
        var notifierLock = new KMutex();

        RunAs("cpuhp/0", () =>
        {
            Lock(up, upMap, At("CpuhpThreadFun", "Cpuhp.cs", 1));
            Lock(hotplug, hotplugLock, At("CpuhpStateAddInstance", "Cpuhp.cs", 2));
            Unlock(hotplug, hotplugLock, At("CpuhpStateAddInstance", "Cpuhp.cs", 3));
            Unlock(up, upMap, At("CpuhpThreadFun", "Cpuhp.cs", 4));
        });
        RunAs("modprobe", () =>
        {
            Lock(hotplug, hotplugLock, At("CpuUp", "Cpuhp.cs", 5));
            Lock(notifier, notifierLock, At("BlockingNotifierCallChain", "Notifier.cs", 6));
            Unlock(notifier, notifierLock, At("BlockingNotifierCallChain", "Notifier.cs", 7));
            Unlock(hotplug, hotplugLock, At("CpuUp", "Cpuhp.cs", 8));
        });
        Assert.Empty(Reports);

        RunAs("kworker", () =>
        {
            Lock(notifier, notifierLock, At("BlockingNotifierCallChain", "Notifier.cs", 9));
            Lock(up, upMap, At("CpuhpInvokeCallback", "Cpuhp.cs", 10));
            Unlock(up, upMap, At("CpuhpInvokeCallback", "Cpuhp.cs", 11));
            Unlock(notifier, notifierLock, At("BlockingNotifierCallChain", "Notifier.cs", 12));
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "cpuhp_state-up", "cpu_hotplug_lock", "&(&priv->bus_notifier)->rwsem" }, report.Classes);
    }
}
