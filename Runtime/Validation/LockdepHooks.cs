using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The entry points of the runtime lock validator that the LockDiscipline source generator calls
    /// around every lock operation it intercepts. Not meant to be called by hand: use <see cref="Lockdep"/>.
    /// </summary>
    /// <remarks>
    /// Every hook returns at once, doing nothing, until the first <see cref="RegisterClass"/>, and again
    /// after the validator has turned itself off at a capacity limit. An id that
    /// <see cref="RegisterClass"/> did not return is ignored.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class LockdepHooks
    {
        /// <summary>
        /// Registers a lock class by its stable key and returns its dense, process-wide id; registering the
        /// key again returns the same id, whatever name and kind come with it (several assemblies may register
        /// one <see cref="LockClassAttribute"/> name, whose key is <c>name:</c> followed by the name).
        /// </summary>
        /// <remarks>
        /// The key is the class's identity: two keys are two classes even under one name. Reports tell them
        /// apart as lockdep does with <c>name_version</c>: the class registered second under a name prints as
        /// <c>name#2</c>, the third as <c>name#3</c>; <see cref="Lockdep.AssertHeld"/> and the other queries by
        /// name take the name as printed.
        /// </remarks>
        /// <param name="key">What identifies the class, such as the declaring type's metadata name and the member.</param>
        /// <param name="name">The class name reports print, such as <c>Cache._items</c> or a <see cref="LockClassAttribute"/> name.</param>
        /// <param name="kind">The kind of lock.</param>
        /// <returns>The id, or -1 when the validator has turned itself off.</returns>
        /// <exception cref="System.ArgumentNullException"><paramref name="key"/> or <paramref name="name"/> is null.</exception>
        [MethodImpl(MethodImplOptions.NoInlining)] // so that the calling assembly is the generated registry's
        public static int RegisterClass(string key, string name, LockClassKind kind) => Engine.RegisterClass(key, name, kind, Assembly.GetCallingAssembly());

        /// <summary>
        /// Declares that a lock of class <paramref name="firstClassId"/> is acquired before one of class
        /// <paramref name="secondClassId"/> (<see cref="LockOrderAttribute"/>, <see cref="AcquiredBeforeAttribute"/>,
        /// <see cref="AcquiredAfterAttribute"/>). Acquiring the first while holding the second, directly or
        /// through other declared orders, is then reported once per pair as
        /// <see cref="LockdepReportKind.DeclaredOrderViolation"/>.
        /// </summary>
        /// <remarks>
        /// Best declared as the classes are registered: a new order makes the validator check every chain of
        /// locks again when it is next taken. Declaring a pair again is harmless. Ids that
        /// <see cref="RegisterClass"/> did not return are ignored, and so are declared orders that contradict
        /// each other (a before b and b before a, directly or through others): no report is made for them.
        /// </remarks>
        /// <param name="firstClassId">The class acquired first, an id from <see cref="RegisterClass"/>.</param>
        /// <param name="secondClassId">The class acquired second.</param>
        /// <param name="declaredAt">Where the order is declared, which reports print, such as <c>Orders.cs:3</c> or <c>[assembly: LockOrder] at Orders.cs:3</c>.</param>
        /// <exception cref="System.ArgumentNullException"><paramref name="declaredAt"/> is null.</exception>
        public static void DeclareOrder(int firstClassId, int secondClassId, string declaredAt) => Engine.DeclareOrder(firstClassId, secondClassId, declaredAt);

        /// <summary>
        /// Called before a blocking acquisition: validates it (so a possible deadlock is reported before it
        /// can happen) and records the hold.
        /// </summary>
        /// <param name="classId">The class id from <see cref="RegisterClass"/>.</param>
        /// <param name="instance">The lock object.</param>
        /// <param name="flags">How it is acquired.</param>
        /// <param name="subclass">lockdep's nesting subclass (<see cref="KMutex.LockNested"/>), 0 otherwise.</param>
        /// <param name="site">Where.</param>
        /// <exception cref="LockdepException">A problem was found and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>; nothing was recorded.</exception>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call less between a hook's caller and the fast path
        public static void Acquire(int classId, object instance, AcquireFlags flags, int subclass, in LockSite site)
        {
            // The fast path returns false, having done nothing, when the acquisition needs the general one.
            if (Engine.Active && !Engine.TryAcquireFast(classId, instance, flags, subclass, in site))
            {
                Engine.AcquireGeneral(classId, instance, flags, subclass, in site, trylock: false);
            }
        }

        /// <summary>The real acquisition threw (cancellation, timeout exception): forgets the hold <see cref="Acquire"/> recorded. No report.</summary>
        /// <param name="classId">The class id.</param>
        /// <param name="instance">The lock object.</param>
        public static void AcquireFailed(int classId, object instance)
        {
            if (Engine.Active)
            {
                Engine.AcquireFailed(classId, instance);
            }
        }

        /// <summary>
        /// Called after a try-acquisition (<c>TryLock</c>, <c>TryEnter</c>, <c>Wait(timeout)</c>): records and
        /// validates the hold if it was acquired. A try cannot deadlock, so it adds no dependency on itself,
        /// but locks taken under it do depend on it, as in lockdep.
        /// </summary>
        /// <param name="classId">The class id.</param>
        /// <param name="instance">The lock object.</param>
        /// <param name="flags">How it was acquired.</param>
        /// <param name="subclass">The nesting subclass, 0 otherwise.</param>
        /// <param name="acquired">What the try returned.</param>
        /// <param name="site">Where.</param>
        /// <exception cref="LockdepException">A problem was found and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void TryAcquired(int classId, object instance, AcquireFlags flags, int subclass, bool acquired, in LockSite site)
        {
            if (acquired && Engine.Active)
            {
                Engine.AcquireGeneral(classId, instance, flags, subclass, in site, trylock: true);
            }
        }

        /// <summary>
        /// Called before a release. When this thread does not hold the lock, the validator reports "bad unlock
        /// balance" and the answer is <see cref="Lockdep.SkipBadUnlocks"/>'s: by default go on, so the real
        /// release throws as it does without checks; false in the mode that skips it.
        /// </summary>
        /// <param name="classId">The class id.</param>
        /// <param name="instance">The lock object.</param>
        /// <param name="site">Where.</param>
        /// <returns>Whether to go on with the real release.</returns>
        /// <exception cref="LockdepException">The lock is not held and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Release(int classId, object instance, in LockSite site) =>
            !Engine.Active || Engine.TryReleaseTop(instance) || Engine.Release(classId, instance, in site) || !Engine.SkipBadUnlocks;

        /// <summary>Called before <see cref="KRwSem.DowngradeWrite"/>: the write hold becomes a read hold.</summary>
        /// <param name="classId">The class id.</param>
        /// <param name="instance">The lock object.</param>
        /// <param name="site">Where.</param>
        /// <exception cref="LockdepException">The lock is not held and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void Downgrade(int classId, object instance, in LockSite site)
        {
            if (Engine.Active)
            {
                Engine.Downgrade(classId, instance, in site);
            }
        }

        /// <summary>
        /// Called before a call of a <see cref="HardIrqContextAttribute"/> or <see cref="SoftIrqContextAttribute"/>
        /// method: until the matching <see cref="ExitIrq"/>, the thread runs an IRQ handler, with that IRQ
        /// disabled in <see cref="Irq"/>.
        /// </summary>
        /// <param name="context">The handler's context.</param>
        /// <param name="site">The call.</param>
        public static void EnterIrq(IrqContext context, in LockSite site)
        {
            if (Engine.Active)
            {
                Engine.EnterIrq(context, in site);
            }
        }

        /// <summary>Called after the handler's call returns or throws.</summary>
        /// <param name="context">The handler's context, as given to <see cref="EnterIrq"/>.</param>
        public static void ExitIrq(IrqContext context)
        {
            if (Engine.Active)
            {
                Engine.ExitIrq(context);
            }
        }

        /// <summary>At a call of a <see cref="RequiresLockAttribute"/> (or <see cref="RequiresSharedLockAttribute"/>) method: reports unless a lock of the class is held.</summary>
        /// <param name="classId">The class id.</param>
        /// <param name="shared">Whether a shared hold is enough; otherwise the hold must be exclusive.</param>
        /// <param name="site">The call.</param>
        /// <exception cref="LockdepException">The lock is not held and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void AssertHeld(int classId, bool shared, in LockSite site)
        {
            if (Engine.Active)
            {
                Engine.AssertHeld(classId, shared, in site);
            }
        }

        /// <summary>At a call of an <see cref="ExcludesLockAttribute"/> method: reports if a lock of the class is held.</summary>
        /// <param name="classId">The class id.</param>
        /// <param name="site">The call.</param>
        /// <exception cref="LockdepException">The lock is held and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void AssertNotHeld(int classId, in LockSite site)
        {
            if (Engine.Active)
            {
                Engine.AssertNotHeld(classId, in site);
            }
        }

        /// <summary>At a call of a <see cref="MightSleepAttribute"/> method: reports if the thread is in atomic context.</summary>
        /// <param name="site">The call.</param>
        /// <exception cref="LockdepException">The thread is in atomic context and <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>.</exception>
        public static void MightSleep(in LockSite site)
        {
            if (Engine.Active)
            {
                Engine.MightSleep(in site);
            }
        }
    }
}
