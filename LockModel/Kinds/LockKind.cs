namespace LockDiscipline
{
    /// <summary>
    /// The kind of a lock class, which decides the rules that apply to it: whether it may be held
    /// while sleeping, whether it is shared or exclusive, whether acquiring it excludes anything at all.
    /// </summary>
    /// <remarks>
    /// Set it through <see cref="LockClassAttribute.Kind"/> when the kind cannot be read from the
    /// member's type, for example a lock held in a field typed <see cref="object"/> that stands for a
    /// kernel spinlock in a model.
    /// </remarks>
#if LOCKDISCIPLINE_RUNTIME
    public enum LockKind
#else
    internal enum LockKind
#endif
    {
        /// <summary>Inferred from the lock's type (<see cref="KMutex"/> is a mutex, <c>lock</c> on an object is a monitor, and so on).</summary>
        Auto = 0,

        /// <summary>A sleeping, exclusive, non-recursive lock (the kernel's <c>struct mutex</c>; see <see cref="KMutex"/>).</summary>
        Mutex,

        /// <summary>A busy-waiting exclusive lock; the holder is in atomic context and must not sleep (<c>spinlock_t</c>; see <see cref="KSpinLock"/>).</summary>
        SpinLock,

        /// <summary>A sleeping reader/writer lock, writer-preferring, readers not recursive (<c>struct rw_semaphore</c>; see <see cref="KRwSem"/>).</summary>
        RwSemaphore,

        /// <summary>
        /// A per-CPU reader/writer semaphore (<c>struct percpu_rw_semaphore</c>, such as
        /// <c>cpu_hotplug_lock</c>): cheap for readers, and ordered like <see cref="RwSemaphore"/>.
        /// </summary>
        PerCpuRwSemaphore,

        /// <summary>
        /// A pseudo-lock that only takes part in ordering and never excludes anything (<c>struct lockdep_map</c>,
        /// such as <c>cpuhp_state-up</c> or a workqueue's flush map; see <see cref="KLockMap"/>).
        /// </summary>
        LockMap,

        /// <summary>
        /// A busy-waiting reader/writer lock whose readers are recursive; the holder, reader or writer, is in
        /// atomic context (<c>rwlock_t</c>; see <see cref="KRwLock"/>).
        /// </summary>
        RwLock,
    }
}
