using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that callers must hold the named locks (exclusively, for a reader/writer lock) when they
    /// call this member.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// The body is analysed as if the locks were held on entry, and a call without them is LD0009. The
    /// member neither takes nor releases them; see <see cref="AcquiresLockAttribute"/> and
    /// <see cref="ReleasesLockAttribute"/> for members that do.
    /// </para>
    /// <example>
    /// <code>
    /// [RequiresLock("group.Mutex")]
    /// static void AddDeviceLocked(IommuGroup group, Device device) { group.Devices.Add(device); }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class RequiresLockAttribute : Attribute
    {
        /// <summary>Declares that callers must hold <paramref name="locks"/>.</summary>
        /// <param name="locks">The locks that must be held on entry.</param>
        public RequiresLockAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks that must be held on entry.</summary>
        public string[] Locks { get; }
    }
}
