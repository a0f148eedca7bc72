namespace LockDiscipline
{
    /// <summary>What the lock validator does with a report (<see cref="Lockdep.Mode"/>).</summary>
    public enum LockdepMode
    {
        /// <summary>Write the report to standard error and let the program continue, as the kernel does. The default.</summary>
        Log,

        /// <summary>
        /// Throw a <see cref="LockdepException"/> carrying the report from the lock operation that found the
        /// problem, before the lock is acquired or released. The validator's own limit messages are logged, never thrown.
        /// </summary>
        Throw,

        /// <summary>Pass the report to <see cref="Lockdep.Callback"/> and let the program continue.</summary>
        Callback,
    }
}
