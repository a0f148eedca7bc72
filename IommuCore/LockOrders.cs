using LockDiscipline;

// The orders the kernel documents or the fixes established, declared so that an acquisition against
// them is an error (LD0002) even before the inverse path exists.

// "iommu: Avoid races around device probe": probing takes iommu_probe_device_lock, then the group's mutex.
[assembly: LockOrder("iommu_probe_device_lock", "&group->mutex")]

// intel_iommu_init() registers the IOMMUs under dmar_global_lock; since "iommu/vt-d: Use rcu_lock in
// get_resv_regions", nothing under a group's mutex takes dmar_global_lock.
[assembly: LockOrder("dmar_global_lock", "&group->mutex")]

// The chain the coretemp fix kept acyclic: a bus notifier may take cpu_hotplug_lock (an IOVA domain's
// hotplug instance), and the hotplug thread's map is taken under cpu_hotplug_lock; so no hotplug
// callback may reach a bus notifier.
[assembly: LockOrder("&(&priv->bus_notifier)->rwsem", "cpu_hotplug_lock", "cpuhp_state-up")]

// VFIO_GROUP_SET_CONTAINER and VFIO_SET_IOMMU nest the group, the container, the backend list, the
// type1 container and the IOMMU group in this order (the first seed's list of held locks).
[assembly: LockOrder("&group->group_rwsem", "&container->group_lock", "&vfio.iommu_drivers_lock", "&iommu->lock", "&group->mutex")]
