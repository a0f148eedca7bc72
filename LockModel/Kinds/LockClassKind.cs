namespace LockDiscipline.Validation
{
    /// <summary>
    /// The kind of a registered lock class, which decides the rules the validator applies to it: whether
    /// acquiring it may sleep, whether the same instance may be re-entered, whether its read side is
    /// recursive, and whether its holds follow the thread or the logical (async) flow.
    /// </summary>
#if LOCKDISCIPLINE_RUNTIME
    public enum LockClassKind
#else
    internal enum LockClassKind
#endif
    {
        /// <summary>A sleeping, exclusive, non-recursive lock (<see cref="KMutex"/>, the kernel's <c>struct mutex</c>).</summary>
        Mutex,

        /// <summary>A busy-waiting exclusive lock; holding it is atomic context (<see cref="KSpinLock"/>, <c>spinlock_t</c>).</summary>
        SpinLock,

        /// <summary>A sleeping reader/writer lock whose readers are not recursive (<see cref="KRwSem"/>, <c>struct rw_semaphore</c>).</summary>
        RwSemaphore,

        /// <summary>A per-CPU reader/writer semaphore (<c>struct percpu_rw_semaphore</c>, such as <c>cpu_hotplug_lock</c>).</summary>
        PerCpuRwSemaphore,

        /// <summary>A pseudo-lock that only orders (<see cref="KLockMap"/>, <c>struct lockdep_map</c>); its read side is recursive.</summary>
        LockMap,

        /// <summary>A <see cref="System.Threading.Monitor"/>: sleeping, and re-entrant on the same object.</summary>
        Monitor,

        /// <summary>A <c>System.Threading.Lock</c>: sleeping, and re-entrant on the same instance.</summary>
        ThreadingLock,

        /// <summary>
        /// A <see cref="System.Threading.SemaphoreSlim"/> used as a mutex: sleeping, not re-entrant, and not
        /// owned by a thread, so its holds follow the logical flow across <see langword="await"/>.
        /// </summary>
        SemaphoreSlim,

        /// <summary>A <see cref="System.Threading.ReaderWriterLockSlim"/>: sleeping, not recursive (its default policy).</summary>
        ReaderWriterLockSlim,

        /// <summary>
        /// A busy-waiting reader/writer lock whose readers are recursive; holding it either way is atomic
        /// context (<see cref="KRwLock"/>, <c>rwlock_t</c>).
        /// </summary>
        RwLock,
    }
}
