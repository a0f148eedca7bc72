using System;
using LockDiscipline.Validation;

namespace LockDiscipline.LockModel
{
    /// <summary>The API family a lock is used through; it decides reentrancy and thread affinity.</summary>
    internal enum LockPrimitive
    {
        Monitor,
        ThreadingLock,
        SemaphoreSlim,
        ReaderWriterLockSlim,
        SpinLock,
        Mutex,
        KMutex,
        KSpinLock,
        KRwSem,
        KLockMap,
        KRwLock,
    }

    /// <summary>Shared (read), exclusive (write) or upgradeable-read acquisition.</summary>
    internal enum LockMode
    {
        Exclusive,
        Shared,
        Upgradeable,
    }

    /// <summary>
    /// All locks declared at one place: lockdep's <c>lock_class_key</c>. The key is the declaring member,
    /// a <c>[LockClass]</c> name, or, for locks the flow cannot trace to a member, the static type.
    /// Two instances are the same class exactly when their keys are equal.
    /// </summary>
    internal sealed class LockClass : IEquatable<LockClass>
    {
        public LockClass(string key, string displayName, LockPrimitive primitive, bool reentrant, LockClass? nestingBase = null, LockKind declaredKind = LockKind.Auto)
        {
            DeclaredKind = declaredKind;
            NestingBase = nestingBase;
            Key = key;
            DisplayName = displayName;
            Primitive = primitive;
            Reentrant = reentrant;
        }

        /// <summary>
        /// Stable identity: "member:&lt;doc id&gt;", "name:&lt;LockClass name&gt;", "type:&lt;doc id&gt;",
        /// "typeof:&lt;doc id&gt;" (the <c>Type</c> object of one type) or "element:&lt;doc id&gt;".
        /// </summary>
        public string Key { get; }

        /// <summary>
        /// Classed by static type (<c>lock (this)</c>, a parameter, an untraced local): the class stands for
        /// every lock of that type, so it names no declaration a runtime check could be keyed by.
        /// </summary>
        public bool ClassedByType => Key.StartsWith(TypeKeyPrefix, StringComparison.Ordinal);

        internal const string TypeKeyPrefix = "type:";

        internal const string TypeObjectKeyPrefix = "typeof:";

        /// <summary>What reports call the class: <c>Cache._items</c>, a <c>[LockClass]</c> name, or a type name.</summary>
        public string DisplayName { get; }

        public LockPrimitive Primitive { get; }

        /// <summary>Whether the owner may take the same instance again (Monitor, Lock, Mutex, recursive RW locks).</summary>
        public bool Reentrant { get; }

        /// <summary>For a nesting subclass (<c>LockNested(n)</c>): the class it refines. Releasing the lock releases either.</summary>
        public LockClass? NestingBase { get; }

        /// <summary>
        /// The kernel-style primitives model kernel code, where nothing throws between lock and unlock;
        /// the exception paths of LD0007 apply to the BCL locks only.
        /// </summary>
        public bool KernelStyle => Primitive is LockPrimitive.KMutex or LockPrimitive.KSpinLock or LockPrimitive.KRwSem or LockPrimitive.KLockMap or LockPrimitive.KRwLock;

        /// <summary>Whether releasing a lock of class <paramref name="released"/> releases a hold of this class.</summary>
        public bool IsReleasedBy(LockClass released) => Equals(released) || released.Equals(NestingBase);

        /// <summary>A thread-affine lock must be released by the thread that took it, so it cannot span an await.</summary>
        public bool ThreadAffine => Primitive switch
        {
            LockPrimitive.SemaphoreSlim => false,
            LockPrimitive.KRwSem => false,
            LockPrimitive.KLockMap => false,
            _ => true,
        };

        /// <summary>What <c>[LockClass(Kind = ...)]</c> says the lock is, overriding what its type suggests.</summary>
        public LockKind DeclaredKind { get; }

        /// <summary>
        /// The kind the runtime validator registers the class with: the declared kind, else the one its
        /// primitive implies. The generator passes exactly this to the runtime, so both judge one kind.
        /// </summary>
        public LockClassKind RuntimeKind => DeclaredKind switch
        {
            LockKind.Mutex => LockClassKind.Mutex,
            LockKind.SpinLock => LockClassKind.SpinLock,
            LockKind.RwSemaphore => LockClassKind.RwSemaphore,
            LockKind.PerCpuRwSemaphore => LockClassKind.PerCpuRwSemaphore,
            LockKind.LockMap => LockClassKind.LockMap,
            LockKind.RwLock => LockClassKind.RwLock,
            _ => Primitive switch
            {
                LockPrimitive.KMutex => LockClassKind.Mutex,
                LockPrimitive.KSpinLock or LockPrimitive.SpinLock => LockClassKind.SpinLock,
                LockPrimitive.KRwSem => LockClassKind.RwSemaphore,
                LockPrimitive.KLockMap => LockClassKind.LockMap,
                LockPrimitive.KRwLock => LockClassKind.RwLock,
                LockPrimitive.ThreadingLock => LockClassKind.ThreadingLock,
                LockPrimitive.SemaphoreSlim => LockClassKind.SemaphoreSlim,
                LockPrimitive.ReaderWriterLockSlim => LockClassKind.ReaderWriterLockSlim,
                _ => LockClassKind.Monitor,
            },
        };

        /// <summary>A spinning lock makes its holder atomic: sleeping under it is LD0006.</summary>
        public bool Spins => DeclaredKind is LockKind.SpinLock or LockKind.RwLock
            || (DeclaredKind == LockKind.Auto && Primitive is LockPrimitive.KSpinLock or LockPrimitive.SpinLock or LockPrimitive.KRwLock);

        /// <summary>A lockdep map only orders: it never blocks, sleeps, or is spun on by an interrupt.</summary>
        public bool IsLockMap => DeclaredKind == LockKind.LockMap || (DeclaredKind == LockKind.Auto && Primitive == LockPrimitive.KLockMap);

        /// <summary>
        /// Its shared acquisitions are recursive reads (lockdep's <c>read == 2</c>): a read after a read of the
        /// class is no recursion, and they order only under lockdep's recursive-read rule (a dependency into a
        /// recursive read followed by one out of a shared hold closes no deadlock). <see cref="KRwSem"/> readers are not.
        /// </summary>
        public bool RecursiveRead => RuntimeKind is LockClassKind.LockMap or LockClassKind.RwLock;

        /// <summary>Whether a blocking acquisition can put the thread to sleep (everything but spinlocks and lockdep maps).</summary>
        public bool Sleeps => !Spins && !IsLockMap;

        public bool Equals(LockClass? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as LockClass);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

        public override string ToString() => DisplayName;
    }
}
