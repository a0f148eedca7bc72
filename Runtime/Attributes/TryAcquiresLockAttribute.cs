using System;

namespace LockDiscipline
{
    /// <summary>
    /// Declares that this method tries to acquire the named locks and returns <see cref="SuccessValue"/>
    /// exactly when it did, leaving them held for the caller (like <c>mutex_trylock</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock name is a member of the same type (<c>nameof(_mutex)</c> works), a dotted path through
    /// parameters or members (<c>"group.Mutex"</c>), or a <see cref="LockClassAttribute"/> name.
    /// </para>
    /// <para>
    /// Callers are analysed as holding the locks on the branch where the result equals
    /// <see cref="SuccessValue"/>. A return of the success value on a path that did not acquire them
    /// is LD0010: the caller would later release a lock it never got (the DMA ownership regression).
    /// </para>
    /// <example>
    /// <code>
    /// [TryAcquiresLock(0, "group.Mutex")]
    /// static int UseDefaultDomain(Device device)
    /// {
    ///     IommuGroup? group = device.Group;
    ///     if (group is null) return -1;
    ///     group.Mutex.Lock();
    ///     return 0;
    /// }
    /// </code>
    /// </example>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class TryAcquiresLockAttribute : Attribute
    {
        /// <summary>Declares that the method returns <paramref name="successValue"/> exactly when it acquired <paramref name="locks"/>.</summary>
        /// <param name="successValue">The return value that means the locks were acquired (usually <see langword="true"/> or <c>0</c>).</param>
        /// <param name="locks">The locks acquired on success.</param>
        public TryAcquiresLockAttribute(object successValue, params string[] locks)
        {
            SuccessValue = successValue;
            Locks = locks ?? Array.Empty<string>();
        }

        /// <summary>The return value that means the locks were acquired.</summary>
        public object SuccessValue { get; }

        /// <summary>The locks acquired on success.</summary>
        public string[] Locks { get; }
    }
}
