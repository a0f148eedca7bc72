using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares a global acquisition order for the program: each lock listed is acquired before every
    /// lock listed after it, never the other way round.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Taking an earlier lock while a later one is held is LD0002 even before any inverse path exists.
    /// Several declarations combine; one that contradicts another is LD0012. Names here are usually
    /// <see cref="LockClassAttribute"/> names, since an assembly attribute has no type of its own.
    /// </para>
    /// <example>
    /// <code>
    /// [assembly: LockOrder("cpuhp_state-up", "cpu_hotplug_lock", "bus_notifier")]
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    public sealed class LockOrderAttribute : Attribute
    {
        /// <summary>Declares that <paramref name="locks"/> are acquired in the order listed.</summary>
        /// <param name="locks">Lock names, the first acquired first.</param>
        public LockOrderAttribute(params string[] locks)
        {
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The lock names, the first acquired first.</summary>
        public string[] Locks { get; }
    }
}
