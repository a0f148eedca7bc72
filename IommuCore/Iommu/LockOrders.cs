using LockDiscipline;

// The orders the kernel documents or the fixes established, declared so that an acquisition against
// them is an error (LD0002) even before the inverse path exists. Orders between this module's classes
// and another module's are in ../WholeProgram/LockOrders.cs.

// "iommu: Avoid races around device probe": probing takes iommu_probe_device_lock, then the group's mutex.
[assembly: LockOrder("iommu_probe_device_lock", "&group->mutex")]
