using System.Collections.Generic;

namespace LockDiscipline.LockModel
{
    /// <summary>
    /// One lock API method (all its overloads): what it does to which lock. The analyzer turns a call into
    /// a <see cref="LockOperation"/> from it, and the generator intercepts the call from it, so the two
    /// cannot disagree about what a call does.
    /// </summary>
    internal sealed class LockApi
    {
        public LockApi(string type, string method, LockPrimitive primitive, LockOperationKind operation)
        {
            Type = type;
            Method = method;
            Primitive = primitive;
            Operation = operation;
        }

        /// <summary>The declaring type's metadata name (<c>System.Threading.Monitor</c>).</summary>
        public string Type { get; }

        public string Method { get; }

        public LockPrimitive Primitive { get; }

        /// <summary>What the call does; see <see cref="TimeoutMakesTry"/> for overloads that can give up.</summary>
        public LockOperationKind Operation { get; }

        public LockMode Mode { get; private set; }

        public IrqEffect Irq { get; private set; }

        /// <summary>An overload with a timeout (an <c>int</c> or <c>TimeSpan</c> parameter) is a try-acquisition.</summary>
        public bool TimeoutMakesTry { get; private set; }

        /// <summary>A static method that locks its first argument (<c>Monitor.Enter(obj)</c>) rather than its receiver.</summary>
        public bool LocksFirstArgument { get; private set; }

        /// <summary>Returns a scope whose <c>Dispose</c> releases what the call acquired (<c>Lock.EnterScope</c>, <c>KMutex.Guard</c>).</summary>
        public bool ReturnsScope { get; private set; }

        /// <summary>Its <c>int subclass</c> argument selects a nesting subclass (<c>KMutex.LockNested</c>, lockdep's <c>mutex_lock_nested</c>).</summary>
        public bool TakesNestingSubclass { get; private set; }

        /// <summary>
        /// Set when the method is declared on a base type (<c>WaitHandle.WaitOne</c>): the call is a lock
        /// operation only on a receiver of this type or one derived from it.
        /// </summary>
        public string? ReceiverType { get; private set; }

        /// <summary>
        /// Why the generator leaves the call alone, or null when it intercepts it. A call the generator
        /// intercepts must keep the runtime's held stack exact, so acquisitions whose release it cannot see
        /// are left to the compile-time rules.
        /// </summary>
        public string? NotInterceptedBecause { get; private set; }

        /// <summary>
        /// For intercepted releases: a C# expression, over the interceptor's <c>self</c> or <c>obj</c>, that is
        /// true when the real lock is held (by this thread, or for a semaphore by anyone). A release the
        /// runtime did not expect still runs when it holds, so a lock taken out of the generator's sight
        /// (through a parameter, in another assembly) is not leaked.
        /// </summary>
        public string HeldCheck { get; private set; } = string.Empty;

        public LockApi Shared() => With(api => api.Mode = LockMode.Shared);

        public LockApi Upgradeable() => With(api => api.Mode = LockMode.Upgradeable);

        public LockApi DisablesIrqs(IrqEffect effect) => With(api => api.Irq = effect);

        /// <summary>A release that switches hard IRQs on whatever they were before (<c>spin_unlock_irq</c>: <c>local_irq_enable</c>, not a restore).</summary>
        public bool EnablesHardIrqs { get; private set; }

        public LockApi EnablesIrqs() => With(api => api.EnablesHardIrqs = true);

        public LockApi TryOnTimeout() => With(api => api.TimeoutMakesTry = true);

        public LockApi OnFirstArgument() => With(api => api.LocksFirstArgument = true);

        public LockApi Scope() => With(api => api.ReturnsScope = true);

        public LockApi NestingSubclass() => With(api => api.TakesNestingSubclass = true);

        public LockApi OnReceiver(string type) => With(api => api.ReceiverType = type);

        public LockApi NotIntercepted(string because) => With(api => api.NotInterceptedBecause = because);

        public LockApi Held(string check) => With(api => api.HeldCheck = check);

        private LockApi With(System.Action<LockApi> set)
        {
            set(this);
            return this;
        }
    }

    /// <summary>
    /// The lock APIs LockDiscipline recognises: the one table of them. Adding a row teaches the analyzer
    /// and the runtime checks at once.
    /// </summary>
    internal static class LockApis
    {
        private const string Monitor = "System.Threading.Monitor";
        private const string ThreadingLock = "System.Threading.Lock";
        private const string SemaphoreSlim = "System.Threading.SemaphoreSlim";
        private const string ReaderWriterLockSlim = "System.Threading.ReaderWriterLockSlim";
        private const string SpinLock = "System.Threading.SpinLock";
        private const string WaitHandle = "System.Threading.WaitHandle";
        private const string Mutex = "System.Threading.Mutex";
        private const string KMutex = "LockDiscipline.KMutex";
        private const string KSpinLock = "LockDiscipline.KSpinLock";
        private const string KRwSem = "LockDiscipline.KRwSem";
        private const string KLockMap = "LockDiscipline.KLockMap";
        private const string KRwLock = "LockDiscipline.KRwLock";

        private const string SelfHeld = "self.IsHeldByCurrentThread";
        private const string RwLockRead = "self.ReaderCount != 0";
        private const string RwLockWrite = "self.IsWriteHeldByCurrentThread";

        /// <summary>The scope's release is a <c>Dispose</c> the generator does not see (issue: runtime checks for every lock).</summary>
        private const string ScopeNotSeen = "its scope's Dispose is not intercepted, so the release would be missed";

        private const string ValueType = "a struct: an interceptor would lock a copy";

        private const string WaitHandleNotModelled = "Mutex is an OS handle the runtime engine does not model";

        public static IReadOnlyList<LockApi> All { get; } = Build();

        /// <summary>The type metadata names the table mentions, for looking them up once per compilation.</summary>
        public static IEnumerable<string> TypeNames
        {
            get
            {
                var seen = new HashSet<string>(System.StringComparer.Ordinal);
                foreach (var api in All)
                {
                    if (seen.Add(api.Type))
                    {
                        yield return api.Type;
                    }

                    if (api.ReceiverType is { } receiver && seen.Add(receiver))
                    {
                        yield return receiver;
                    }
                }
            }
        }

        private static LockApi Api(string type, string method, LockPrimitive primitive, LockOperationKind operation)
            => new LockApi(type, method, primitive, operation);

        private static List<LockApi> Build()
        {
            const LockOperationKind Acquire = LockOperationKind.Acquire;
            const LockOperationKind TryAcquire = LockOperationKind.TryAcquire;
            const LockOperationKind Release = LockOperationKind.Release;

            var apis = new List<LockApi>
            {
                // Monitor: explicit calls. The lock statement lowers to Enter(obj, ref taken) too, but it is not an invocation.
                Api(Monitor, "Enter", LockPrimitive.Monitor, Acquire).OnFirstArgument(),
                Api(Monitor, "TryEnter", LockPrimitive.Monitor, TryAcquire).OnFirstArgument(),
                Api(Monitor, "Exit", LockPrimitive.Monitor, Release).OnFirstArgument().Held("global::System.Threading.Monitor.IsEntered(obj)"),

                Api(ThreadingLock, "Enter", LockPrimitive.ThreadingLock, Acquire),
                Api(ThreadingLock, "EnterScope", LockPrimitive.ThreadingLock, Acquire).Scope().NotIntercepted(ScopeNotSeen),
                Api(ThreadingLock, "TryEnter", LockPrimitive.ThreadingLock, TryAcquire),
                Api(ThreadingLock, "Exit", LockPrimitive.ThreadingLock, Release).Held(SelfHeld),

                // SemaphoreSlim used as a mutex. It has no owner, so a release is legitimate whenever someone holds it.
                Api(SemaphoreSlim, "Wait", LockPrimitive.SemaphoreSlim, Acquire).TryOnTimeout(),
                Api(SemaphoreSlim, "WaitAsync", LockPrimitive.SemaphoreSlim, Acquire).TryOnTimeout(),
                Api(SemaphoreSlim, "Release", LockPrimitive.SemaphoreSlim, Release).Held("self.CurrentCount == 0"),

                Api(SpinLock, "Enter", LockPrimitive.SpinLock, Acquire).NotIntercepted(ValueType),
                Api(SpinLock, "TryEnter", LockPrimitive.SpinLock, TryAcquire).NotIntercepted(ValueType),
                Api(SpinLock, "Exit", LockPrimitive.SpinLock, Release).NotIntercepted(ValueType),

                Api(WaitHandle, "WaitOne", LockPrimitive.Mutex, Acquire).TryOnTimeout().OnReceiver(Mutex).NotIntercepted(WaitHandleNotModelled),
                Api(Mutex, "ReleaseMutex", LockPrimitive.Mutex, Release).NotIntercepted(WaitHandleNotModelled),

                // Kernel-style primitives. Guards are acquisitions; their Dispose is reported by the primitive itself.
                Api(KMutex, "Lock", LockPrimitive.KMutex, Acquire),
                Api(KMutex, "LockNested", LockPrimitive.KMutex, Acquire).NestingSubclass(),
                Api(KMutex, "TryLock", LockPrimitive.KMutex, TryAcquire),
                Api(KMutex, "Unlock", LockPrimitive.KMutex, Release).Held(SelfHeld),
                Api(KMutex, "Guard", LockPrimitive.KMutex, Acquire).Scope(),

                Api(KSpinLock, "Lock", LockPrimitive.KSpinLock, Acquire),
                Api(KSpinLock, "TryLock", LockPrimitive.KSpinLock, TryAcquire),
                Api(KSpinLock, "Unlock", LockPrimitive.KSpinLock, Release).Held(SelfHeld),
                Api(KSpinLock, "LockIrq", LockPrimitive.KSpinLock, Acquire).DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KSpinLock, "UnlockIrq", LockPrimitive.KSpinLock, Release).Held(SelfHeld).EnablesIrqs(),
                Api(KSpinLock, "LockIrqSave", LockPrimitive.KSpinLock, Acquire).DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KSpinLock, "UnlockIrqRestore", LockPrimitive.KSpinLock, Release).Held(SelfHeld),
                Api(KSpinLock, "LockBh", LockPrimitive.KSpinLock, Acquire).DisablesIrqs(IrqEffect.SoftIrqsOff),
                Api(KSpinLock, "UnlockBh", LockPrimitive.KSpinLock, Release).Held(SelfHeld),
                Api(KSpinLock, "Guard", LockPrimitive.KSpinLock, Acquire).Scope(),
                Api(KSpinLock, "GuardIrqSave", LockPrimitive.KSpinLock, Acquire).Scope().DisablesIrqs(IrqEffect.HardIrqsOff),

                // Readers are counted, not owned (up_read_non_owner), so any reader makes UpRead legitimate.
                Api(KRwSem, "DownRead", LockPrimitive.KRwSem, Acquire).Shared(),
                Api(KRwSem, "TryDownRead", LockPrimitive.KRwSem, TryAcquire).Shared(),
                Api(KRwSem, "UpRead", LockPrimitive.KRwSem, Release).Shared().Held("self.ReaderCount != 0"),
                Api(KRwSem, "DownWrite", LockPrimitive.KRwSem, Acquire),
                Api(KRwSem, "TryDownWrite", LockPrimitive.KRwSem, TryAcquire),
                Api(KRwSem, "UpWrite", LockPrimitive.KRwSem, Release).Held("self.IsWriteHeldByCurrentThread"),
                Api(KRwSem, "DowngradeWrite", LockPrimitive.KRwSem, LockOperationKind.Downgrade),
                Api(KRwSem, "ReadGuard", LockPrimitive.KRwSem, Acquire).Shared().Scope(),
                Api(KRwSem, "WriteGuard", LockPrimitive.KRwSem, Acquire).Scope(),
                Api(KRwSem, "Guard", LockPrimitive.KRwSem, Acquire).Scope(),

                // rwlock_t: readers are counted like KRwSem's, the writer owned; the _irq/_irqsave/_bh forms as KSpinLock's.
                Api(KRwLock, "ReadLock", LockPrimitive.KRwLock, Acquire).Shared(),
                Api(KRwLock, "TryReadLock", LockPrimitive.KRwLock, TryAcquire).Shared(),
                Api(KRwLock, "ReadUnlock", LockPrimitive.KRwLock, Release).Shared().Held(RwLockRead),
                Api(KRwLock, "ReadLockIrq", LockPrimitive.KRwLock, Acquire).Shared().DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KRwLock, "ReadUnlockIrq", LockPrimitive.KRwLock, Release).Shared().Held(RwLockRead).EnablesIrqs(),
                Api(KRwLock, "ReadLockIrqSave", LockPrimitive.KRwLock, Acquire).Shared().DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KRwLock, "ReadUnlockIrqRestore", LockPrimitive.KRwLock, Release).Shared().Held(RwLockRead),
                Api(KRwLock, "ReadLockBh", LockPrimitive.KRwLock, Acquire).Shared().DisablesIrqs(IrqEffect.SoftIrqsOff),
                Api(KRwLock, "ReadUnlockBh", LockPrimitive.KRwLock, Release).Shared().Held(RwLockRead),
                Api(KRwLock, "WriteLock", LockPrimitive.KRwLock, Acquire),
                Api(KRwLock, "TryWriteLock", LockPrimitive.KRwLock, TryAcquire),
                Api(KRwLock, "WriteUnlock", LockPrimitive.KRwLock, Release).Held(RwLockWrite),
                Api(KRwLock, "WriteLockIrq", LockPrimitive.KRwLock, Acquire).DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KRwLock, "WriteUnlockIrq", LockPrimitive.KRwLock, Release).Held(RwLockWrite).EnablesIrqs(),
                Api(KRwLock, "WriteLockIrqSave", LockPrimitive.KRwLock, Acquire).DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KRwLock, "WriteUnlockIrqRestore", LockPrimitive.KRwLock, Release).Held(RwLockWrite),
                Api(KRwLock, "WriteLockBh", LockPrimitive.KRwLock, Acquire).DisablesIrqs(IrqEffect.SoftIrqsOff),
                Api(KRwLock, "WriteUnlockBh", LockPrimitive.KRwLock, Release).Held(RwLockWrite),
                Api(KRwLock, "ReadGuard", LockPrimitive.KRwLock, Acquire).Shared().Scope(),
                Api(KRwLock, "WriteGuard", LockPrimitive.KRwLock, Acquire).Scope(),
                Api(KRwLock, "Guard", LockPrimitive.KRwLock, Acquire).Scope(),
                Api(KRwLock, "ReadGuardIrqSave", LockPrimitive.KRwLock, Acquire).Shared().Scope().DisablesIrqs(IrqEffect.HardIrqsOff),
                Api(KRwLock, "WriteGuardIrqSave", LockPrimitive.KRwLock, Acquire).Scope().DisablesIrqs(IrqEffect.HardIrqsOff),

                Api(KLockMap, "Acquire", LockPrimitive.KLockMap, Acquire),
                Api(KLockMap, "AcquireRead", LockPrimitive.KLockMap, Acquire).Shared(),
                Api(KLockMap, "Release", LockPrimitive.KLockMap, Release).Held(SelfHeld),
                Api(KLockMap, "Guard", LockPrimitive.KLockMap, Acquire).Scope(),
            };

            foreach (var (side, held) in new[] { ("Read", "self.IsReadLockHeld"), ("Write", "self.IsWriteLockHeld"), ("UpgradeableRead", "self.IsUpgradeableReadLockHeld") })
            {
                var enter = Api(ReaderWriterLockSlim, "Enter" + side + "Lock", LockPrimitive.ReaderWriterLockSlim, Acquire);
                var tryEnter = Api(ReaderWriterLockSlim, "TryEnter" + side + "Lock", LockPrimitive.ReaderWriterLockSlim, TryAcquire);
                var exit = Api(ReaderWriterLockSlim, "Exit" + side + "Lock", LockPrimitive.ReaderWriterLockSlim, Release).Held(held);
                foreach (var api in new[] { enter, tryEnter, exit })
                {
                    apis.Add(side == "Read" ? api.Shared() : side == "UpgradeableRead" ? api.Upgradeable() : api);
                }
            }

            return apis;
        }
    }
}
