using LockDiscipline;

// VFIO_GROUP_SET_CONTAINER and VFIO_SET_IOMMU nest the group, the container, the backend list and the
// type1 container in this order (the first seed's list of held locks); the IOMMU group's mutex comes
// last, an order across modules declared in ../WholeProgram/LockOrders.cs.
[assembly: LockOrder("&group->group_rwsem", "&container->group_lock", "&vfio.iommu_drivers_lock", "&iommu->lock")]
