using System;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// The simulated interrupt state of the calling thread, which stands for a CPU: whether hard IRQs are
    /// disabled, and how deeply soft IRQs (bottom halves) are disabled.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Nothing interrupts a .NET thread, so disabling IRQs here excludes nothing; it records the state
    /// the kernel would be in, which is what lockdep validates (a lock taken in an IRQ handler must never
    /// be taken with IRQs enabled). <see cref="KSpinLock"/>'s IRQ variants change it the way
    /// <c>spin_lock_irqsave</c> and friends do.
    /// </para>
    /// <para>
    /// The state is per thread (<see cref="ThreadStaticAttribute"/>), as the kernel's is per CPU: it does
    /// not follow an <see langword="await"/> to another thread, which is fine because atomic context must
    /// not be held across one.
    /// </para>
    /// </remarks>
    public static class Irq
    {
        // The state lives in CpuState, beside the lock validator's, so that the validator reads both with one
        // thread-static access.
        private static int State
        {
            get => CpuState.Current.IrqState;
            set => CpuState.Current.IrqState = value;
        }

        private const int HardIrqsOff = CpuState.HardIrqsOff;
        private const int BhUnit = CpuState.BhUnit;

        private static bool HardOff
        {
            get => (State & HardIrqsOff) != 0;
            set => State = value ? State | HardIrqsOff : State & ~HardIrqsOff;
        }

        private static int BhDepth => State >> 1;

        /// <summary>Whether hard IRQs are disabled on this thread (the kernel's <c>irqs_disabled()</c>).</summary>
        public static bool HardIrqsDisabled => HardOff;

        /// <summary>
        /// Whether soft IRQs are disabled on this thread by <see cref="LocalBhDisable"/>, at any nesting depth
        /// (the kernel's <c>softirq_count() != 0</c>). Disabling hard IRQs does not change it.
        /// </summary>
        public static bool SoftIrqsDisabled => BhDepth != 0;

        /// <summary>
        /// Saves whether hard IRQs are enabled, then disables them (<c>local_irq_save</c>). Pass the result to
        /// <see cref="LocalIrqRestore"/> to put the saved state back, which makes save/restore pairs nest.
        /// </summary>
        /// <returns>The state before the call.</returns>
        public static IrqFlags LocalIrqSave()
        {
            var flags = new IrqFlags(hardIrqsWereEnabled: !HardOff);
            HardOff = true;
            return flags;
        }

        /// <summary>
        /// Puts back the hard-IRQ state saved by <see cref="LocalIrqSave"/> (<c>local_irq_restore</c>):
        /// enabled only if it was enabled when saved.
        /// </summary>
        /// <param name="flags">The state returned by the matching save.</param>
        /// <exception cref="ArgumentException"><paramref name="flags"/> is <c>default(IrqFlags)</c>, not a saved state.</exception>
        public static void LocalIrqRestore(IrqFlags flags)
        {
            CheckSaved(flags, nameof(flags));
            bool wereDisabled = HardOff;
            HardOff = !flags.HardIrqsWereEnabled;
            if (wereDisabled && flags.HardIrqsWereEnabled)
            {
                Enabled();
            }
        }

        /// <summary>Disables hard IRQs on this thread (<c>local_irq_disable</c>); disabling them again is harmless.</summary>
        public static void LocalIrqDisable()
        {
            HardOff = true;
        }

        /// <summary>
        /// Enables hard IRQs on this thread (<c>local_irq_enable</c>), whatever the state before: unlike
        /// <see cref="LocalIrqRestore"/> it does not nest.
        /// </summary>
        public static void LocalIrqEnable()
        {
            bool wereDisabled = HardOff;
            HardOff = false;
            if (wereDisabled)
            {
                Enabled();
            }
        }

        /// <summary>Disables soft IRQs on this thread, one level deeper (<c>local_bh_disable</c>).</summary>
        public static void LocalBhDisable()
        {
            State += BhUnit;
        }

        /// <summary>
        /// Undoes one <see cref="LocalBhDisable"/> (<c>local_bh_enable</c>); soft IRQs are enabled again when
        /// every disable has been undone.
        /// </summary>
        /// <exception cref="InvalidOperationException">Soft IRQs are not disabled on this thread (the kernel's preempt count would underflow).</exception>
        public static void LocalBhEnable()
        {
            if (BhDepth == 0)
            {
                throw new InvalidOperationException("local_bh_enable without a matching local_bh_disable on this thread.");
            }

            State -= BhUnit;
            if (BhDepth == 0)
            {
                Enabled();
            }
        }

        /// <summary>How many <see cref="LocalBhDisable"/> calls (and soft-IRQ handlers) are in force, for the kernel's preempt count.</summary>
        internal static int BhDisableDepth => BhDepth;

        /// <summary>Entering a hard-IRQ handler, which runs with hard IRQs disabled; returns the state to put back at exit.</summary>
        internal static bool EnterHardIrqHandler()
        {
            bool wereDisabled = HardOff;
            HardOff = true;
            return wereDisabled;
        }

        /// <summary>Leaving a hard-IRQ handler. Not a <see cref="LocalIrqEnable"/>: the interrupted code's locks did not change state.</summary>
        internal static void ExitHardIrqHandler(bool wereDisabled)
        {
            HardOff = wereDisabled;
        }

        /// <summary>Entering a soft-IRQ handler, which runs with soft IRQs disabled.</summary>
        internal static void EnterSoftIrqHandler()
        {
            State += BhUnit;
        }

        /// <summary>Leaving a soft-IRQ handler, silently as <see cref="ExitHardIrqHandler"/> does.</summary>
        internal static void ExitSoftIrqHandler()
        {
            if (BhDepth != 0)
            {
                State -= BhUnit;
            }
        }

        // IRQs were just enabled: the locks this thread holds are now held with them enabled, which the
        // lock validator records (lockdep's trace_hardirqs_on). A flag check when it is not running.
        private static void Enabled()
        {
            if (Engine.Active)
            {
                Engine.OnIrqsEnabled();
            }
        }

        /// <summary>Rejects flags that no save produced, before anything is unlocked or changed.</summary>
        internal static void CheckSaved(IrqFlags flags, string paramName)
        {
            if (!flags.IsSaved)
            {
                throw new ArgumentException("These IrqFlags were not returned by LocalIrqSave or LockIrqSave.", paramName);
            }
        }
    }
}
