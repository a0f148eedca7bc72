namespace LockDiscipline.Validation
{
    /// <summary>The interrupt context a handler runs in.</summary>
    public enum IrqContext
    {
        /// <summary>A hard-IRQ handler (<see cref="HardIrqContextAttribute"/>): hard IRQs are disabled while it runs.</summary>
        HardIrq,

        /// <summary>A soft-IRQ handler (<see cref="SoftIrqContextAttribute"/>): soft IRQs are disabled while it runs.</summary>
        SoftIrq,
    }
}
