using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that callers must hold the named reader/writer locks at least shared (for reading) when
    /// they call this member.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Holding the lock exclusively also satisfies the contract. The body is analysed as if the locks
    /// were held shared on entry, so it may read state they guard but not write it; a call without
    /// them is LD0009.
    /// </para>
    /// <example>
    /// <code>
    /// [RequiresSharedLock(nameof(_notifierRwsem))]
    /// void CallChainLocked(BusEvent e) { foreach (var n in _chain) n(e); }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class RequiresSharedLockAttribute : Attribute
    {
        /// <summary>Declares that callers must hold <paramref name="locks"/> at least shared.</summary>
        /// <param name="locks">The locks that must be held, shared or exclusive, on entry.</param>
        public RequiresSharedLockAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks that must be held, shared or exclusive, on entry.</summary>
        public string[] Locks { get; }
    }
}
