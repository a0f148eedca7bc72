using System;
using System.ComponentModel;
using System.Threading;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The hooks the LockDiscipline weaver puts in place of, or in front of, the lock calls of a Debug
    /// build that C# interceptors cannot reach: the <c>Monitor.Enter</c>/<c>Monitor.Exit</c> a <c>lock</c>
    /// statement compiles to, <c>Lock.EnterScope</c> and its scope's <c>Dispose</c>, and lock calls on
    /// <c>this</c>, parameters and fresh objects. Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// A <c>Monitor</c> call is replaced by the hook, which performs it. A <c>System.Threading.Lock</c> call
    /// (a .NET 9 type this library, built for older frameworks, cannot name) stays where it is, and the
    /// weaver calls <see cref="Acquiring"/> or <see cref="Releasing"/> just before it. Behaviour is the
    /// BCL's apart from the reports: a release of a lock the thread does not hold is reported, then the real
    /// release throws <see cref="SynchronizationLockException"/> as it would without checks (or is skipped
    /// when <see cref="Lockdep.SkipBadUnlocks"/> is set).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class WovenLocks
    {
        /// <summary>In place of <see cref="Monitor.Enter(object)"/>.</summary>
        /// <param name="obj">The lock object.</param>
        /// <param name="sites">The assembly's site table.</param>
        /// <param name="site">The index of the call's site in it.</param>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        public static void MonitorEnter(object obj, LockSiteTable sites, int site)
        {
            Acquiring(obj, sites, site);
            try
            {
                Monitor.Enter(obj);
            }
            catch
            {
                Failed(obj, sites, site);
                throw;
            }
        }

        /// <summary>In place of <see cref="Monitor.Enter(object, ref bool)"/>, which a <c>lock</c> statement on an object compiles to.</summary>
        /// <param name="obj">The lock object.</param>
        /// <param name="lockTaken">Set once the monitor is held.</param>
        /// <param name="sites">The assembly's site table.</param>
        /// <param name="site">The index of the call's site in it.</param>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        public static void MonitorEnter(object obj, ref bool lockTaken, LockSiteTable sites, int site)
        {
            var wasTaken = lockTaken;
            Acquiring(obj, sites, site);
            try
            {
                Monitor.Enter(obj, ref lockTaken);
            }
            catch
            {
                // Enter sets lockTaken once it holds the monitor; it throws without taking it when lockTaken was already true.
                if (wasTaken || !lockTaken)
                {
                    Failed(obj, sites, site);
                }

                throw;
            }
        }

        /// <summary>In place of <see cref="Monitor.Exit(object)"/>.</summary>
        /// <param name="obj">The lock object.</param>
        /// <param name="sites">The assembly's site table.</param>
        /// <param name="site">The index of the call's site in it.</param>
        /// <exception cref="SynchronizationLockException">The thread does not hold the monitor (after the report), unless <see cref="Lockdep.SkipBadUnlocks"/> is set.</exception>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        public static void MonitorExit(object obj, LockSiteTable sites, int site)
        {
            if (ShouldRelease(obj, obj is not null && Monitor.IsEntered(obj), sites, site))
            {
                Monitor.Exit(obj!);
            }
        }

        /// <summary>Before a blocking acquisition the weaver leaves in place (<c>Lock.Enter</c>, <c>Lock.EnterScope</c>): validates it and records the hold.</summary>
        /// <param name="lockObject">The lock object.</param>
        /// <param name="sites">The assembly's site table.</param>
        /// <param name="site">The index of the call's site in it.</param>
        /// <exception cref="LockdepException">A problem was found and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void Acquiring(object lockObject, LockSiteTable sites, int site)
        {
            if (Engine.Active && sites is not null)
            {
                // The interceptors' hook: the validator's fast path first, the general one when it must.
                LockdepHooks.Acquire(sites.ClassId(site), lockObject, AcquireFlags.None, 0, in sites.Site(site));
            }
        }

        /// <summary>
        /// Before a <c>Lock.Exit</c> the weaver leaves in place: forgets the hold, or reports bad unlock balance
        /// when the thread does not hold the lock. A lock the thread holds but the validator never saw taken
        /// (in an assembly built without checks) is released without a word.
        /// </summary>
        /// <returns>Whether the woven code goes on with the exit: false only for a reported release when <see cref="Lockdep.SkipBadUnlocks"/> is set.</returns>
        /// <param name="lockObject">The lock object.</param>
        /// <param name="heldByThisThread">What the lock itself says.</param>
        /// <param name="sites">The assembly's site table.</param>
        /// <param name="site">The index of the call's site in it.</param>
        /// <exception cref="LockdepException">The lock is not held and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static bool Releasing(object lockObject, bool heldByThisThread, LockSiteTable sites, int site) =>
            ShouldRelease(lockObject, heldByThisThread, sites, site);

        /// <summary>
        /// In place of the <see cref="Monitor.Exit(object)"/> a <c>lock</c> statement compiles to, which runs only
        /// when its <c>Monitor.Enter</c> took the lock: forgets the hold without a report, then exits.
        /// </summary>
        /// <param name="obj">The lock object.</param>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void LockStatementExit(object obj)
        {
            if (Engine.Active && obj is not null && !Engine.TryReleaseTop(obj))
            {
                Engine.Forget(obj);
            }

            Monitor.Exit(obj!);
        }

        /// <summary>
        /// Before the <c>Dispose</c> of a <c>Lock.Scope</c> the weaver saw created: forgets the hold without a
        /// report (a scope releases only what it took).
        /// </summary>
        /// <param name="lockObject">The lock the scope was entered on; null when the scope was never entered.</param>
#if NET
        [System.Diagnostics.StackTraceHidden]
#endif
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void ScopeDisposing(object? lockObject)
        {
            if (Engine.Active && lockObject is not null && !Engine.TryReleaseTop(lockObject))
            {
                Engine.Forget(lockObject);
            }
        }

        // Forgets the hold, or reports bad unlock balance; false only when the lock is not held and the
        // user asked for such releases to be skipped (Lockdep.SkipBadUnlocks).
        private static bool ShouldRelease(object lockObject, bool heldByThisThread, LockSiteTable sites, int site)
        {
            // The innermost hold first, as the checked calls' release hook does: it keeps the slot for the next
            // acquisition's fast path.
            if (!Engine.Active || sites is null || lockObject is null || (heldByThisThread && (Engine.TryReleaseTop(lockObject) || !Engine.HoldsOnCurrentThread(lockObject))))
            {
                return true;
            }

            return Engine.Release(sites.ClassId(site), lockObject, in sites.Site(site)) || !Engine.SkipBadUnlocks;
        }

        private static void Failed(object obj, LockSiteTable sites, int site)
        {
            if (Engine.Active && sites is not null)
            {
                Engine.AcquireFailed(sites.ClassId(site), obj);
            }
        }
    }
}
