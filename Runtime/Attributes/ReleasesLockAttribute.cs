using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this member is entered with the named locks held and releases them before it
    /// returns.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Callers are analysed as no longer holding the locks after the call, and a call without them held
    /// is LD0007 (bad unlock balance). Pair it with a member marked
    /// <see cref="AcquiresLockAttribute"/>.
    /// </para>
    /// <example>
    /// <code>
    /// [ReleasesLock("group.Mutex")]
    /// static void UnlockGroup(IommuGroup group) { group.Mutex.Unlock(); }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class ReleasesLockAttribute : Attribute
    {
        /// <summary>Declares that this member releases <paramref name="locks"/>, which are held on entry.</summary>
        /// <param name="locks">The locks held on entry and released by the member.</param>
        public ReleasesLockAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks held on entry and released by the member.</summary>
        public string[] Locks { get; }
    }
}
