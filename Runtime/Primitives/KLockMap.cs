using System;
using System.Collections.Generic;
using System.Threading;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// A pseudo-lock that takes part in lock ordering but excludes nothing: the kernel's
    /// <c>struct lockdep_map</c>, such as <c>cpuhp_state-up</c> or a workqueue's flush map.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="Acquire"/> is <c>lock_map_acquire</c>, <see cref="AcquireRead"/> is
    /// <c>lock_map_acquire_read</c> and <see cref="Release"/> is <c>lock_map_release</c>. The kernel
    /// wraps code in a map to tell lockdep about a dependency that no real lock shows: a work item runs
    /// "inside" its workqueue's map and <c>flush_workqueue</c> "takes" it too, so flushing while holding
    /// a lock the work needs becomes an ordinary lock-order cycle.
    /// </para>
    /// <para>
    /// Acquiring never blocks, on any thread, however many threads hold the map. Each thread's
    /// acquisitions are remembered (nested ones too) so that a <see cref="Release"/> without a matching
    /// acquire on the same thread is caught.
    /// </para>
    /// <para>
    /// The lock class of an instance is the member that declares it, or its <see cref="LockClassAttribute"/>.
    /// </para>
    /// </remarks>
    public sealed class KLockMap
    {
        // The maps this thread holds, innermost last, like lockdep's per-task held_locks.
        [ThreadStatic]
        private static List<KLockMap>? t_held;

        /// <summary>Creates a map (<c>lockdep_init_map</c>).</summary>
        public KLockMap()
        {
        }

        /// <summary>Whether the calling thread has acquired the map and not yet released it.</summary>
        public bool IsHeldByCurrentThread => t_held?.Contains(this) == true;

        /// <summary>Enters the map exclusively, for ordering only (<c>lock_map_acquire</c>); never blocks.</summary>
        public void Acquire()
        {
            Enter();
        }

        /// <summary>Enters the map shared, for ordering only (<c>lock_map_acquire_read</c>); never blocks.</summary>
        public void AcquireRead()
        {
            Enter();
        }

        /// <summary>Leaves the map (<c>lock_map_release</c>), undoing this thread's most recent acquisition of it.</summary>
        /// <exception cref="SynchronizationLockException">The calling thread has not acquired the map.</exception>
        public void Release()
        {
            List<KLockMap>? held = t_held;
            int index = held is null ? -1 : held.LastIndexOf(this);
            if (held is null || index < 0)
            {
                throw new SynchronizationLockException("KLockMap released by a thread that has not acquired it.");
            }

            held.RemoveAt(index);

            // A Guard() scope's release is not intercepted: tell the lock validator (a flag check when it is off).
            if (Engine.Active)
            {
                Engine.OnPrimitiveRelease(this);
            }
        }

        /// <summary>Acquires the map and returns a scope that releases it when disposed.</summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        public KLockMapGuard Guard()
        {
            Acquire();
            return new KLockMapGuard(this);
        }

        private void Enter()
        {
            (t_held ??= new List<KLockMap>()).Add(this);
        }
    }
}
