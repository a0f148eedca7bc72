using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this member may sleep (block the thread), like a kernel function that calls
    /// <c>might_sleep()</c>: allocating with <c>GFP_KERNEL</c>, waiting for I/O, taking a mutex.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A call in atomic context (a <see cref="KSpinLock"/> held, IRQs disabled, an IRQ handler), directly
    /// or through calls, is LD0006. Sleeping locks such as <see cref="KMutex"/> need no attribute; use it
    /// for members that block in other ways.
    /// </para>
    /// <example>
    /// <code>
    /// [MightSleep]
    /// static PageTable AllocatePageTable() { return new PageTable(); }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class MightSleepAttribute : Attribute
    {
    }
}
