using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that the lock held in this member is acquired after the locks named: it may be taken
    /// while they are held, never held while one of them is taken.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Acquiring one of the named locks while holding this one is LD0002. It declares the same edge
    /// that <see cref="AcquiredBeforeAttribute"/> declares from the other side.
    /// </para>
    /// <example>
    /// <code>
    /// [LockClass("dmar_global_lock")]
    /// static readonly KRwSem DmarGlobalLock = new();
    ///
    /// [AcquiredAfter("dmar_global_lock")]
    /// readonly KMutex _mutex = new();
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class AcquiredAfterAttribute : Attribute
    {
        /// <summary>Declares that this member's lock is acquired after <paramref name="locks"/>.</summary>
        /// <param name="locks">The locks this one is acquired after.</param>
        public AcquiredAfterAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks this one is acquired after.</summary>
        public string[] Locks { get; }
    }
}
