using System;

namespace LockDiscipline
{
    /// <summary>
    /// The interrupt state saved by <see cref="Irq.LocalIrqSave"/> or <see cref="KSpinLock.LockIrqSave"/>,
    /// to be put back by <see cref="Irq.LocalIrqRestore"/> or <see cref="KSpinLock.UnlockIrqRestore"/>
    /// (the kernel's <c>unsigned long flags</c>).
    /// </summary>
    /// <remarks>
    /// Only a saved value can be restored: <c>default(IrqFlags)</c> was never saved, and restoring it
    /// throws rather than guessing a state.
    /// </remarks>
    public readonly struct IrqFlags : IEquatable<IrqFlags>
    {
        // 0 is default(IrqFlags), which no save produces.
        private const byte Enabled = 1;
        private const byte Disabled = 2;

        private readonly byte _state;

        internal IrqFlags(bool hardIrqsWereEnabled)
        {
            _state = hardIrqsWereEnabled ? Enabled : Disabled;
        }

        /// <summary>Whether hard IRQs were enabled on the thread when these flags were saved.</summary>
        public bool HardIrqsWereEnabled => _state == Enabled;

        /// <summary>Whether this value came from a save (it is not <c>default(IrqFlags)</c>).</summary>
        internal bool IsSaved => _state != 0;

        /// <summary>Whether both values record the same state.</summary>
        /// <param name="other">The flags to compare with.</param>
        /// <returns><see langword="true"/> when both record the same state.</returns>
        public bool Equals(IrqFlags other) => _state == other._state;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is IrqFlags other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => _state;

        /// <summary>Describes the saved state, for example <c>IrqFlags(hard IRQs were enabled)</c>.</summary>
        /// <returns>The description.</returns>
        public override string ToString() => _state switch
        {
            Enabled => "IrqFlags(hard IRQs were enabled)",
            Disabled => "IrqFlags(hard IRQs were disabled)",
            _ => "IrqFlags(not saved)",
        };

        /// <summary>Whether both values record the same state.</summary>
        /// <param name="left">The first flags.</param>
        /// <param name="right">The second flags.</param>
        /// <returns><see langword="true"/> when both record the same state.</returns>
        public static bool operator ==(IrqFlags left, IrqFlags right) => left.Equals(right);

        /// <summary>Whether the values record different states.</summary>
        /// <param name="left">The first flags.</param>
        /// <param name="right">The second flags.</param>
        /// <returns><see langword="true"/> when the states differ.</returns>
        public static bool operator !=(IrqFlags left, IrqFlags right) => !left.Equals(right);
    }
}
