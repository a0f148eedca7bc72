namespace LockDiscipline.Validation
{
    /// <summary>
    /// The <see cref="System.Threading.SemaphoreSlim"/> holds of a logical flow, innermost first: an
    /// immutable list carried by an <see cref="System.Threading.AsyncLocal{T}"/>, so that a hold follows
    /// its flow across <see langword="await"/> to whatever thread runs the continuation.
    /// </summary>
    /// <remarks>
    /// Being immutable, a list seen by one flow never changes under it: acquiring or releasing sets a new
    /// list in the current flow, and flows forked earlier (tasks started before) keep theirs. A task
    /// started while a semaphore is held inherits the hold, which is right when the holder waits for it.
    /// </remarks>
    internal sealed class FlowHolds
    {
        public FlowHolds(HeldLock entry, FlowHolds? next, ulong key, EngineState state)
        {
            Entry = entry;
            Next = next;
            Key = key;
            Count = next is null ? 1 : next.Count + 1;
            State = state;
        }

        public HeldLock Entry { get; }

        public FlowHolds? Next { get; }

        /// <summary>The chain key of the flow's holds, this one included.</summary>
        public ulong Key { get; }

        public int Count { get; }

        /// <summary>The validator state the list belongs to; a list from before a reset is ignored.</summary>
        public EngineState State { get; }
    }
}
