using System;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// What the kernel keeps per CPU (and per task), here per thread: the simulated IRQ state of
    /// <see cref="Irq"/> and the lock validator's state, in one object so that the validator reaches both
    /// with a single thread-static access on every lock operation.
    /// </summary>
    internal sealed class CpuState
    {
        /// <summary>Bit 0 of <see cref="IrqState"/>: hard IRQs disabled.</summary>
        public const int HardIrqsOff = 1;

        /// <summary>One level of soft-IRQ disabling in <see cref="IrqState"/>, above the hard-IRQ bit.</summary>
        public const int BhUnit = 2;

        [ThreadStatic]
        private static CpuState? t_current;

        /// <summary>
        /// Bit 0: hard IRQs disabled; the rest: how deeply soft IRQs are disabled (local_bh_disable nests, like
        /// the softirq part of the kernel's preempt count). 0 when both are enabled.
        /// </summary>
        public int IrqState;

        /// <summary>The validator's state for this thread, created by its first validated lock operation.</summary>
        public ThreadState? Validator;

        /// <summary>The calling thread's state, created on first use.</summary>
        public static CpuState Current => t_current ?? Create();

        // Out of line: the validator's common path reads Current, and the allocation would cost it registers.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static CpuState Create()
        {
            var state = new CpuState();
            t_current = state;
            return state;
        }
    }
}
