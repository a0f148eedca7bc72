using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that the lock held in this member is acquired before the locks named: it may be held
    /// while they are taken, never taken while one of them is held.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Acquiring this lock while holding one of the named locks is LD0002. It declares the same edge
    /// that <see cref="AcquiredAfterAttribute"/> declares from the other side.
    /// </para>
    /// <example>
    /// <code>
    /// readonly KMutex _deviceLock = new();
    ///
    /// [AcquiredBefore(nameof(_deviceLock))]
    /// readonly KMutex _groupLock = new();
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class AcquiredBeforeAttribute : Attribute
    {
        /// <summary>Declares that this member's lock is acquired before <paramref name="locks"/>.</summary>
        /// <param name="locks">The locks this one is acquired before.</param>
        public AcquiredBeforeAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks this one is acquired before.</summary>
        public string[] Locks { get; }
    }
}
