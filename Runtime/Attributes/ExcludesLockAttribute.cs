using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that callers must not hold the named locks when they call this member, typically because
    /// it takes them itself or waits for work that does.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// A call while one of them is held is LD0009, reported at the call even when the analyser cannot
    /// see the body (an interface member, an external library).
    /// </para>
    /// <example>
    /// <code>
    /// [ExcludesLock("cpu_hotplug_lock")]
    /// void AddInstance(HotplugCallback callback) { using (CpuHotplugLock.ReadGuard()) { Register(callback); } }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class ExcludesLockAttribute : Attribute
    {
        /// <summary>Declares that callers must not hold <paramref name="locks"/>.</summary>
        /// <param name="locks">The locks that must not be held on entry.</param>
        public ExcludesLockAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The locks that must not be held on entry.</summary>
        public string[] Locks { get; }
    }
}
