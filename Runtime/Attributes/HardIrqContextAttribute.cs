using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this method runs in hard-IRQ context: it is an interrupt handler, entered with hard
    /// IRQs disabled, and may not sleep.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every lock the handler takes, directly or through calls, becomes hard-IRQ-safe-required: taking it
    /// anywhere else with hard IRQs enabled (plain <see cref="KSpinLock.Lock"/> rather than
    /// <see cref="KSpinLock.LockIrqSave"/>) is LD0004, since the interrupt can arrive while that holder
    /// has it and spin forever on the same CPU. Sleeping in the handler is LD0006.
    /// </para>
    /// <example>
    /// <code>
    /// [HardIrqContext]
    /// static void DmarFault(DmarUnit iommu) { DumpPtes(iommu); }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class HardIrqContextAttribute : Attribute
    {
    }
}
