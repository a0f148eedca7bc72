using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this method runs in soft-IRQ (bottom-half) context, such as a tasklet or a timer
    /// callback: atomic, and not allowed to sleep.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every lock the method takes, directly or through calls, becomes soft-IRQ-safe-required: taking it
    /// anywhere else with soft IRQs enabled (plain <see cref="KSpinLock.Lock"/> rather than
    /// <see cref="KSpinLock.LockBh"/>) is LD0004. Sleeping in it is LD0006.
    /// </para>
    /// <example>
    /// <code>
    /// [SoftIrqContext]
    /// void FlushIotlbTimer() { using (_flushLock.Guard()) { FlushQueue(); } }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class SoftIrqContextAttribute : Attribute
    {
    }
}
