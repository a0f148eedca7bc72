// LD0010, the DMA ownership regression: success (0) returned without taking the ownership when the
// device has no group yet.
using LockDiscipline;

namespace Kernel
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
                return 0; // expect LD0010 'OwnedGroup.Ownership'
            }

            Group.Ownership.Lock();
            Group.OwnerCount++;
            return 0;
        }
    }
}
