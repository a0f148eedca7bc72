using System;
using System.Threading;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// What the validator knows about one thread (the lockdep fields of <c>struct task_struct</c>): the
    /// locks it holds, its chain key, its IRQ context and its counters.
    /// </summary>
    internal sealed class ThreadState
    {
        public const byte SoftIrqContext = 1;
        public const byte HardIrqContext = 2;

        public ThreadState(EngineState state, int maxDepth)
        {
            State = state;
            Held = new HeldLock[maxDepth];
            Thread = System.Threading.Thread.CurrentThread;
        }

        /// <summary>The validator state this belongs to; after a reset the thread starts afresh.</summary>
        public EngineState State { get; }

        public Thread Thread { get; }

        /// <summary>The locks held, outermost first.</summary>
        public readonly HeldLock[] Held;

        public int Depth;

        /// <summary>The chain key of the held locks (lockdep's <c>curr_chain_key</c>).</summary>
        public ulong ChainKey;

        /// <summary>Spinlocks held: the lock part of the kernel's preempt count.</summary>
        public int SpinDepth;

        /// <summary>Nesting of hard- and soft-IRQ handlers on this thread.</summary>
        public int HardIrqDepth;

        public int SoftIrqDepth;

        /// <summary>For each hard-IRQ handler entered, whether hard IRQs were disabled before, to put back at exit.</summary>
        public bool[] HardIrqSaved = new bool[4];

        /// <summary>Where the innermost IRQ handler was entered.</summary>
        public LockSite IrqEntrySite;

        /// <summary>
        /// The instance an intercepted release has just popped, so that the primitive's own release path,
        /// which runs next, does not pop a second hold of the same instance.
        /// </summary>
        public object? ReleasedByHook;

        /// <summary>The same, when the intercepted release popped the top of the stack: the instance is still in the slot above <see cref="Depth"/>.</summary>
        public bool PoppedTop;

        /// <summary>
        /// Chain lookups that found the chain and that did not: counters written only by this thread and summed
        /// by <see cref="Lockdep.Statistics"/>. The common path counts its hit with one increment.
        /// </summary>
        public long ChainHits;

        public long ChainMisses;

        public int MaxDepth;

        /// <summary>
        /// The IRQ context new acquisitions are in: <see cref="HardIrqContext"/>, <see cref="SoftIrqContext"/>,
        /// both or neither; kept up to date by <see cref="UpdateContext"/>.
        /// </summary>
        public byte Context;

        public void UpdateContext() => Context = (byte)((HardIrqDepth != 0 ? HardIrqContext : 0) | (SoftIrqDepth != 0 ? SoftIrqContext : 0));

        /// <summary>The thread as reports name it: <c>name/id</c>, lockdep's <c>comm/pid</c>.</summary>
        public static string CurrentName => (System.Threading.Thread.CurrentThread.Name ?? "thread") + "/" + Environment.CurrentManagedThreadId;
    }
}
