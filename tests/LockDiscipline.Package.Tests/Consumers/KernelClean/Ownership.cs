// Consumers/Kernel/Ownership.cs fixed: a device without a group reports failure, taking nothing.
using LockDiscipline;

namespace KernelClean
{
    public sealed class OwnedGroup
    {
        public readonly KMutex Ownership = new KMutex();
        public int OwnerCount;
    }

    public sealed class DmaDevice
    {
        public OwnedGroup? Group;

        [TryAcquiresLock(0, "Group.Ownership")]
        public int UseDefaultDomain()
        {
            if (Group is null)
            {
                return -19;
            }

            Group.Ownership.Lock();
            Group.OwnerCount++;
            return 0;
        }
    }
}
