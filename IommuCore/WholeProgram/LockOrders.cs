using LockDiscipline;

// Declared orders between lock classes of different modules. A module's build resolves lock names in
// its own assembly only, so none of the module projects compiles this file: tests/IommuCore.Tests reads
// it with every module's sources in one whole-program compilation (IommuCoreAnalysisTests), where an
// acquisition against these orders is an error (LD0002). Orders within one module are in that module's
// LockOrders.cs.

// intel_iommu_init() (Intel) registers the IOMMUs under dmar_global_lock; since "iommu/vt-d: Use
// rcu_lock in get_resv_regions", nothing under a group's mutex (IOMMU core) takes dmar_global_lock.
[assembly: LockOrder("dmar_global_lock", "&group->mutex")]

// The chain the coretemp fix kept acyclic: a bus notifier (driver core) may take cpu_hotplug_lock (an
// IOVA domain's hotplug instance), and the hotplug thread's map is taken under cpu_hotplug_lock; so no
// hotplug callback may reach a bus notifier.
[assembly: LockOrder("&(&priv->bus_notifier)->rwsem", "cpu_hotplug_lock")]

// VFIO (Vfio) takes the IOMMU group's mutex (IOMMU core) last, under the type1 container's lock.
[assembly: LockOrder("&iommu->lock", "&group->mutex")]
