namespace LockDiscipline.Validation
{
    /// <summary>
    /// The validator's capacity, fixed when it starts so that its memory is bounded: lockdep's
    /// compile-time limits, with the same defaults.
    /// </summary>
    internal sealed class LockdepLimits
    {
        /// <summary>lockdep's defaults.</summary>
        public static readonly LockdepLimits Default = new LockdepLimits();

        /// <summary>Lock classes, nesting subclasses included (<c>MAX_LOCKDEP_KEYS</c>).</summary>
        public int MaxClasses { get; set; } = 8192;

        /// <summary>Dependency list entries; each dependency takes two, one per direction (<c>MAX_LOCKDEP_ENTRIES</c>).</summary>
        public int MaxEntries { get; set; } = 32768;

        /// <summary>Validated chains kept in the chain cache (<c>MAX_LOCKDEP_CHAINS</c>).</summary>
        public int MaxChains { get; set; } = 65536;

        /// <summary>Locks one thread may hold at once (<c>MAX_LOCK_DEPTH</c>).</summary>
        public int MaxLockDepth { get; set; } = 48;

        /// <summary>Stack frames kept for all saved traces together (<c>MAX_STACK_TRACE_ENTRIES</c>).</summary>
        public int MaxStackTraceEntries { get; set; } = 524288;
    }
}
