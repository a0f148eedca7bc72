using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this field or property is shared state that may be read or written only while the
    /// named lock is held.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// An access without the lock held is LD0008. For a reader/writer lock, reading needs the lock held
    /// shared or exclusive and writing needs it exclusive.
    /// </para>
    /// <example>
    /// <code>
    /// readonly KMutex _mutex = new();
    ///
    /// [GuardedBy(nameof(_mutex))]
    /// int _ownerCount;
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class GuardedByAttribute : Attribute
    {
        /// <summary>Declares that this member is guarded by <paramref name="lockName"/>.</summary>
        /// <param name="lockName">The lock that must be held to access the member.</param>
        public GuardedByAttribute(string lockName)
        {
            LockName = lockName;
        }

        /// <summary>The lock that must be held to access the member.</summary>
        public string LockName { get; }
    }
}
