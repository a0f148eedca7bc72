using System;

namespace LockDiscipline.Validation
{
    /// <summary>How a lock is acquired, as far as the validator is concerned.</summary>
    [Flags]
    public enum AcquireFlags
    {
        /// <summary>An exclusive acquisition, with the interrupt state left as it is.</summary>
        None = 0,

        /// <summary>A shared (reader) acquisition.</summary>
        Read = 1,

        /// <summary>
        /// An upgradeable read of a <see cref="System.Threading.ReaderWriterLockSlim"/>; it excludes writers
        /// and other upgradeable readers, so it orders like an exclusive acquisition.
        /// </summary>
        Upgradeable = 2,

        /// <summary>The acquisition disables hard IRQs first (<see cref="KSpinLock.LockIrqSave"/>, <see cref="KSpinLock.LockIrq"/>).</summary>
        DisablesHardIrqs = 4,

        /// <summary>The acquisition disables soft IRQs first (<see cref="KSpinLock.LockBh"/>).</summary>
        DisablesSoftIrqs = 8,
    }
}
