using System;

namespace LockDiscipline
{
    /// <summary>
    /// Names the lock class of the lock held in this field or property (lockdep's <c>lock_class_key</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Without this attribute a lock's class is the member that declares it (<c>Cache._items</c>), as
    /// lockdep keys a class by where the lock is declared. With it, the class is <see cref="Name"/>, and
    /// every member that carries the same name shares one class, so an order learnt on one of them
    /// applies to all. Other attributes can then refer to the lock by that name, wherever they are.
    /// </para>
    /// <example>
    /// <code>
    /// sealed class IommuGroup
    /// {
    ///     [LockClass("group->mutex")]
    ///     public readonly KMutex Mutex = new();
    /// }
    ///
    /// [assembly: LockOrder("dmar_global_lock", "group->mutex")]
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class LockClassAttribute : Attribute
    {
        /// <summary>Names the lock class of the lock held in this member.</summary>
        /// <param name="name">The class name, unique to the class across the program (lockdep prints it in reports).</param>
        public LockClassAttribute(string name)
        {
            Name = name;
        }

        /// <summary>The class name.</summary>
        public string Name { get; }

        /// <summary>
        /// The kind of lock, when its type does not say it; <see cref="LockKind.Auto"/> (the default)
        /// infers it from the member's type.
        /// </summary>
        public LockKind Kind { get; set; }
    }
}
