using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this member returns with the named locks held, acquired inside it and left for the
    /// caller to release (lockdep's view of a function ending in <c>mutex_lock</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Callers are analysed as holding the locks after the call, and the body is checked to acquire them
    /// on every path that returns (LD0007). Pair it with a member marked
    /// <see cref="ReleasesLockAttribute"/>.
    /// </para>
    /// <example>
    /// <code>
    /// [AcquiresLock("group.Mutex")]
    /// static void LockGroup(IommuGroup group) { group.Mutex.Lock(); }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class AcquiresLockAttribute : Attribute
    {
        /// <summary>Declares that this member returns holding <paramref name="locks"/>.</summary>
        /// <param name="locks">The locks held on return that were not held on entry.</param>
        public AcquiresLockAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks held on return that were not held on entry.</summary>
        public string[] Locks { get; }
    }
}
