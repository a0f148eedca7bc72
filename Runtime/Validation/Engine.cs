using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The lock validator: lockdep's algorithm over the hooks the generated code calls.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The common path (an acquisition whose chain of held classes was validated before, and its release)
    /// touches only the calling thread's state, the class's usage bits and the chain cache: no lock, no
    /// allocation, no stack capture. Everything else (a new chain, a new usage bit, a report) takes the
    /// graph lock, as lockdep takes its graph lock, and prints only after dropping it.
    /// </para>
    /// <para>
    /// Held locks live in a per-thread stack, except <see cref="System.Threading.SemaphoreSlim"/> holds,
    /// which live in a list carried by the logical flow (<see cref="FlowHolds"/>) because a semaphore is
    /// not owned by a thread and is typically held across <see langword="await"/>. A flow's holds count as
    /// held below the thread's own, and a new lock depends on the innermost of both.
    /// </para>
    /// </remarks>
    internal static partial class Engine
    {
        /// <summary>
        /// Whether the validator is checking: set by the first registration, cleared when a limit turns it
        /// off (lockdep's <c>debug_locks</c>). Every hook and the primitives' release paths read it first.
        /// </summary>
        internal static volatile bool Active;

        // lockdep's INITIAL_CHAIN_KEY.
        private const ulong InitialKey = ulong.MaxValue;

        // Ids that mark, in a cache key, which list the new lock went to; chain ids are far below them.
        private const uint NextInThreadMark = 0xFFFF_FFFE;
        private const uint NextInFlowMark = 0xFFFF_FFFF;

        private static readonly object s_graphLock = new object();
        private static readonly AsyncLocal<FlowHolds?> s_flow = new AsyncLocal<FlowHolds?>();

        private static EngineState? s_state;
        private static volatile LockdepMode s_mode = LockdepMode.Log;
        private static volatile Action<LockdepReport>? s_callback;
        private static volatile bool s_captureStackTraces = true;
        private static volatile bool s_skipBadUnlocks;
        private static LockdepLimits s_limits = LockdepLimits.Default;

        internal static LockdepMode Mode
        {
            get => s_mode;
            set => s_mode = value;
        }

        internal static Action<LockdepReport>? Callback
        {
            get => s_callback;
            set => s_callback = value;
        }

        internal static bool CaptureStackTraces
        {
            get => s_captureStackTraces;
            set => s_captureStackTraces = value;
        }

        internal static bool SkipBadUnlocks
        {
            get => s_skipBadUnlocks;
            set => s_skipBadUnlocks = value;
        }

        /// <summary>
        /// Registers a class, or returns the id of the class already registered under the key. <paramref name="registeredBy"/>
        /// is the assembly whose registry registers it, whose static edges the cross-check consults; null when unknown.
        /// </summary>
        internal static int RegisterClass(string key, string name, LockClassKind kind, System.Reflection.Assembly? registeredBy = null)
        {
            if (key is null)
            {
                throw new ArgumentNullException(nameof(key));
            }

            if (name is null)
            {
                throw new ArgumentNullException(nameof(name));
            }

            LockdepReport? report = null;
            int id;
            lock (s_graphLock)
            {
                EngineState state = s_state ??= new EngineState(s_limits);
                if (state.ClassesByKey.TryGetValue(key, out LockClass? known))
                {
                    NoteRegisteredBy(state, known, registeredBy);
                    return known.Index;
                }

                if (state.TurnedOff)
                {
                    // Turned off: remember nothing more, as lockdep registers nothing once debug_locks is off.
                    return -1;
                }

                // lockdep's name_version: the n-th class under a name prints as name#n. A version whose
                // printed name another class already has (one registered as "x#2") is skipped, so that
                // every printed name finds its one class.
                state.NameVersions.TryGetValue(name, out int version);
                string displayName;
                do
                {
                    version++;
                    displayName = version > 1 ? name + "#" + version.ToString(CultureInfo.InvariantCulture) : name;
                }
                while (state.ClassesByName.ContainsKey(displayName));

                LockClass? cls = NewClass(state, displayName, kind, null, 0, ref report);
                id = cls?.Index ?? -1;
                if (cls is not null)
                {
                    state.NameVersions[name] = version;
                    cls.Key = key;
                    cls.RegisteredBy = new List<System.Reflection.Assembly>(1);
                    NoteRegisteredBy(state, cls, registeredBy);
                    state.ClassesByKey.Add(key, cls);
                    state.ClassesByName.Add(cls.DisplayName, cls);
                    Active = true;
                }
            }

            Emit(report);
            return id;
        }

        /// <summary>Records that <paramref name="firstClassId"/> is acquired before <paramref name="secondClassId"/>; ids not registered are ignored.</summary>
        internal static void DeclareOrder(int firstClassId, int secondClassId, string declaredAt)
        {
            if (declaredAt is null)
            {
                throw new ArgumentNullException(nameof(declaredAt));
            }

            lock (s_graphLock)
            {
                EngineState? state = s_state;
                if (state is null || ClassOf(state, firstClassId, 0) is not LockClass first || ClassOf(state, secondClassId, 0) is not LockClass second)
                {
                    return;
                }

                List<DeclaredOrder> before = first.DeclaredBefore ??= new List<DeclaredOrder>();
                foreach (DeclaredOrder known in before)
                {
                    if (known.Second == second)
                    {
                        return;
                    }
                }

                var order = new DeclaredOrder(first, second, declaredAt);
                before.Add(order);
                state.DeclaredOrders.Add(order);
                state.DeclaredOrdersChanged = true;

                // The declared orders are checked when a chain is validated: chains validated before this
                // one was declared must be validated again. Declarations made together, as registrations
                // are, clear the cache once.
                if (state.Chains.Count != 0)
                {
                    state.Chains.Clear();
                }
            }
        }

        /// <summary>Starts afresh with the given limits (for tests): every class, dependency, chain and setting is forgotten.</summary>
        internal static void Reset(LockdepLimits? limits)
        {
            lock (s_graphLock)
            {
                Active = false;
                s_limits = limits ?? LockdepLimits.Default;
                s_state = null;
                s_mode = LockdepMode.Log;
                s_callback = null;
                s_captureStackTraces = true;
                s_checkStaticGraph = StaticGraphCheckFromEnvironment();
                s_skipBadUnlocks = false;
                s_flow.Value = null;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ThreadState CurrentThread(EngineState state) => CurrentThread(state, CpuState.Current);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ThreadState CurrentThread(EngineState state, CpuState cpu)
        {
            ThreadState? ts = cpu.Validator;
            return ts is not null && ts.State == state ? ts : AttachThread(state, cpu);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ThreadState AttachThread(EngineState state, CpuState cpu)
        {
            var ts = new ThreadState(state, state.Limits.MaxLockDepth);
            cpu.Validator = ts;
            lock (s_graphLock)
            {
                if (state.Threads.Count >= state.ThreadsPruneAt)
                {
                    PruneEndedThreads(state);
                    state.ThreadsPruneAt = Math.Max(64, state.Threads.Count * 2);
                }

                state.Threads.Add(ts);
            }

            return ts;
        }

        private static void PruneEndedThreads(EngineState state)
        {
            state.Threads.RemoveAll(t =>
            {
                if (t.Thread.IsAlive)
                {
                    return false;
                }

                state.EndedMisses += t.ChainMisses;
                state.EndedHits += t.ChainHits;
                return true;
            });
        }

        /// <summary>The class of a registered id and nesting subclass; null when the id is not a registered class.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static LockClass? ClassOf(EngineState state, int classId, int subclass)
        {
            LockClass?[] classes = state.Classes;
            if ((uint)classId >= (uint)classes.Length)
            {
                return null;
            }

            LockClass? cls = classes[classId];
            if (cls is null || cls.Subclasses is null)
            {
                return null;
            }

            if (subclass == 0)
            {
                return cls;
            }

            return (uint)subclass < LockClass.SubclassCount && cls.Subclasses[subclass] is LockClass sub ? sub : SubclassOf(state, cls, subclass);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static LockClass? SubclassOf(EngineState state, LockClass registered, int subclass)
        {
            LockdepReport? report = null;
            LockClass? sub;
            lock (s_graphLock)
            {
                if (!Active || s_state != state)
                {
                    return null;
                }

                if ((uint)subclass >= LockClass.SubclassCount)
                {
                    report = TurnOff(state, "BUG: looking up invalid subclass: " + subclass);
                    sub = null;
                }
                else
                {
                    sub = registered.Subclasses![subclass] ?? NewClass(state, registered.DisplayName + "/" + subclass.ToString(CultureInfo.InvariantCulture), registered.Kind, registered, subclass, ref report);
                }
            }

            Emit(report);
            return sub;
        }

        private static LockClass? NewClass(EngineState state, string displayName, LockClassKind kind, LockClass? parent, int subclass, ref LockdepReport? report)
        {
            if (state.ClassCount >= state.Classes.Length)
            {
                report = TurnOff(state, "BUG: MAX_LOCKDEP_KEYS too low!");
                return null;
            }

            var cls = new LockClass(state.ClassCount, displayName, kind, parent);
            Volatile.Write(ref state.Classes[cls.Index], cls);
            state.ClassCount++;
            if (parent is not null)
            {
                Volatile.Write(ref parent.Subclasses![subclass], cls);
            }

            return cls;
        }

        /// <summary>lockdep's <c>iterate_chain_key</c>: folds one held lock into a chain key. Order matters; the result is never 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong NextKey(ulong key, uint chainId)
        {
            ulong h = key + ((chainId + 1UL) * 0x9E37_79B9_7F4A_7C15UL);
            h = (h ^ (h >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            h = (h ^ (h >> 27)) * 0x94D0_49BB_1331_11EBUL;
            h ^= h >> 31;
            return h == 0 ? 1 : h;
        }

        /// <summary>The cache key of a thread chain and a flow chain together.</summary>
        private static ulong CombineKeys(ulong threadKey, ulong flowKey, uint mark) => NextKey(threadKey ^ ((flowKey << 29) | (flowKey >> 35)), mark);

        private static FlowHolds? CurrentFlow(EngineState state)
        {
            FlowHolds? flow = s_flow.Value;
            return flow is not null && flow.State == state ? flow : null;
        }

        /// <summary>
        /// lockdep's fast path of <c>lock_acquire</c> for a blocking acquisition: records the hold and returns
        /// true when the acquisition needs no more than that; false, having changed nothing, when it must go
        /// to <see cref="AcquireGeneral"/>.
        /// </summary>
        /// <remarks>
        /// <para>
        /// The common path: a registered class whose holds follow the thread, acquired exclusively or shared
        /// with IRQs enabled outside IRQ handlers, not a re-entry, by a thread that holds no spinlock when the
        /// lock sleeps and whose flow holds no semaphore; a class that already has the usage bits this shows;
        /// and a chain of held classes validated before. <see cref="AcquireGeneral"/> does everything, so each
        /// test here only decides whether the short way is enough. The hook calls the general path itself,
        /// so that this method keeps nothing alive for it and makes no call but the rare depth check.
        /// </para>
        /// <para>
        /// The chain key is lockdep's: the class folded into the key of the locks held, then one lookup in the
        /// chain cache. A thread that makes the same call on the same chain again, as a loop does, finds the
        /// class and the key in the slot the last such hold left (<see cref="HeldLock.ValidatedGeneration"/>)
        /// and needs neither the class lookup, nor the usage check, nor the hash, nor the lookup.
        /// </para>
        /// </remarks>
        internal static bool TryAcquireFast(int classId, object instance, AcquireFlags flags, int subclass, in LockSite site)
        {
            EngineState state = s_state!;
            CpuState cpu = CpuState.Current;
            ThreadState? ts = cpu.Validator;
            LockClass?[] classes = state.Classes;
            if (ts is null || ts.State != state || (uint)classId >= (uint)classes.Length || instance is null ||
                (flags & ~AcquireFlags.Read) != 0 || (cpu.IrqState | ts.Context | state.FlowHolds) != 0)
            {
                return false;
            }

            // Below the new hold, a lock taken in an IRQ handler, still held after it: a new chain starts here.
            int depth = ts.Depth;
            HeldLock[] held = ts.Held;
            if ((uint)depth >= (uint)held.Length || (depth != 0 && held[depth - 1].Context != 0))
            {
                return false;
            }

            // The memo: the slot's last common-path hold was of the same call on the same chain, validated in
            // this generation of the chain cache; its class has the usage bits, which are never cleared.
            ref HeldLock next = ref held[depth];
            ulong previousKey = ts.ChainKey;
            long call = ((long)classId << 33) | ((long)(uint)subclass << 1) | (long)(flags & AcquireFlags.Read);
            int generation = state.Chains.Generation;
            LockClass? cls;
            if (next.ValidatedGeneration == generation && next.Call == call && next.PreviousKey == previousKey)
            {
                cls = next.Class;
                if (IsSlowToAcquire(cls, ts, held, depth, instance))
                {
                    return false;
                }
            }
            else
            {
                cls = classes[classId];
                if (cls is null || !cls.RegisteredThreadLock)
                {
                    return false;
                }

                if (subclass != 0)
                {
                    // A subclass is its own class, created on first use by the general path.
                    cls = (uint)subclass < LockClass.SubclassCount ? cls.Subclasses![subclass] : null;
                    if (cls is null)
                    {
                        return false;
                    }
                }

                int read = (flags & AcquireFlags.Read) == 0 ? 0 : (cls.RecursiveRead ? 2 : 1);

                // The usage bits of an acquisition with IRQs enabled, outside handlers: used, hard- and soft-IRQ safe.
                int need = read == 0 ? Usage.UsedWithIrqsEnabled : Usage.UsedReadWithIrqsEnabled;
                if ((cls.UsageMask & need) != need || IsSlowToAcquire(cls, ts, held, depth, instance))
                {
                    return false;
                }

                uint chainId = HeldLock.MakeChainId(cls, read, reentry: false);
                ulong key = NextKey(depth == 0 ? InitialKey : previousKey, chainId);
                if (!state.Chains.Contains(key))
                {
                    return false;
                }

                if (!ReferenceEquals(next.Class, cls))
                {
                    next.Class = cls;
                }

                next.PreviousKey = previousKey;
                next.Key = key;
                next.Call = call;
                next.ValidatedGeneration = generation;
                next.ChainId = chainId;
                next.Read = (byte)read;
                next.Context = 0;
                next.Trylock = false;
                next.Reentry = false;
                next.HardIrqsOff = false;
            }

            // Otherwise the slot holds what this hold would write, but for the instance and the site: the
            // common path wrote it for the same class and chain, and every other write clears the memo.
            ts.ChainHits++;
            ts.ReleasedByHook = null;
            ts.PoppedTop = false;

            // A release leaves its slot as it was, so a loop that takes the same lock at the same depth finds
            // its references already there and stores none (each reference store costs a GC write barrier).
            if (!ReferenceEquals(next.Instance, instance))
            {
                next.Instance = instance;
            }

            if (!next.Site.SameAs(in site))
            {
                next.Site = site;
            }

            ts.ChainKey = next.Key;
            ts.Depth = depth + 1;
            if (cls.Spins)
            {
                ts.SpinDepth++;
            }

            if (depth >= ts.MaxDepth)
            {
                CheckDepth(state, ts, depth + 1);
            }

            return true;
        }

        /// <summary>
        /// Any acquisition, blocking or a try that succeeded: attaches the thread, resolves the class and its
        /// subclass (ignoring an id that is not a registered class), and validates it in full.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static void AcquireGeneral(int classId, object? instance, AcquireFlags flags, int subclass, in LockSite site, bool trylock)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = ClassOf(state, classId, subclass);
            if (cls is null || instance is null || (uint)ts.Depth >= (uint)ts.Held.Length)
            {
                return;
            }

            AcquireSlow(state, ts, cls, instance, flags, in site, trylock);
        }

        /// <summary>The general acquisition: usage marking, atomic-context checks, chain validation, flow holds, reports.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void AcquireSlow(EngineState state, ThreadState ts, LockClass cls, object instance, AcquireFlags flags, in LockSite site, bool trylock)
        {
            int depth = ts.Depth;
            HeldLock[] held = ts.Held;

            ts.ReleasedByHook = null;
            ts.PoppedTop = false;
            bool hardIrqsDisabled = Irq.HardIrqsDisabled;
            bool softIrqsDisabled = Irq.SoftIrqsDisabled;
            byte context = ts.Context;
            int read = (flags & AcquireFlags.Read) == 0 ? 0 : (cls.RecursiveRead ? 2 : 1);
            bool reentry = cls.Reentrant && HoldsInstance(ts.Held, ts.Depth, instance);

            ref HeldLock next = ref held[depth];
            next.Class = cls;
            next.Instance = instance;
            next.Site = site;
            next.Read = (byte)read;
            next.Context = context;
            next.Trylock = trylock;
            next.Reentry = reentry;
            next.HardIrqsOff = hardIrqsDisabled || (flags & AcquireFlags.DisablesHardIrqs) != 0;
            next.ChainId = HeldLock.MakeChainId(cls, read, reentry);
            next.ValidatedGeneration = 0;

            // mark_usage: the usage this acquisition shows, checked against the bits the class already has.
            int r = read == 0 ? 0 : Usage.ReadMask;
            int need = 1 << (Usage.Used + r);
            if (!trylock && context != 0)
            {
                need |= ((context & ThreadState.HardIrqContext) != 0 ? 1 << (Usage.UsedInHardIrq + r) : 0)
                    | ((context & ThreadState.SoftIrqContext) != 0 ? 1 << (Usage.UsedInSoftIrq + r) : 0);
            }

            if (!next.HardIrqsOff)
            {
                need |= 1 << (Usage.EnabledHardIrq + r);
                if (!softIrqsDisabled && (flags & AcquireFlags.DisablesSoftIrqs) == 0)
                {
                    need |= 1 << (Usage.EnabledSoftIrq + r);
                }
            }

            Reports reports = default;
            if ((cls.UsageMask & need) != need)
            {
                MarkUsage(state, ts, depth, need, ref reports);
            }

            // __might_sleep: a sleeping lock in atomic context.
            if (cls.Sleeps && !trylock && (ts.SpinDepth != 0 || context != 0 || hardIrqsDisabled || softIrqsDisabled))
            {
                ReportSleep(state, ts, cls, in site, ref reports);
            }

            // validate_chain: a hash lookup when this chain of classes was seen before.
            bool head = depth == 0 || held[depth - 1].Context != context;
            ulong threadBase = head ? InitialKey : ts.ChainKey;
            ulong threadKey = NextKey(threadBase, next.ChainId);
            FlowHolds? flow = state.FlowHolds != 0 && context == 0 ? CurrentFlow(state) : null;
            if (!trylock && !reentry)
            {
                ulong cacheKey;
                if (cls.FollowsFlow)
                {
                    cacheKey = CombineKeys(threadBase, NextKey(flow?.Key ?? InitialKey, next.ChainId), NextInFlowMark);
                }
                else
                {
                    cacheKey = flow is null ? threadKey : CombineKeys(threadKey, flow.Key, NextInThreadMark);
                }

                if (state.Chains.Contains(cacheKey))
                {
                    ts.ChainHits++;
                }
                else
                {
                    ts.ChainMisses++;
                    ValidateChain(state, ts, depth, flow, cacheKey, ref reports);
                }
            }

            if (reports.Any)
            {
                // Report before the lock is recorded, so that a callback's own locking does not nest under it.
                HeldLock staged = next;
                next = default;
                Emit(ref reports);
                Commit(state, ts, staged);
                return;
            }

            if (cls.FollowsFlow)
            {
                HeldLock entry = next;
                next = default;
                PushFlow(state, ts, entry);
                return;
            }

            next.PreviousKey = ts.ChainKey;
            ts.ChainKey = threadKey;
            ts.Depth = depth + 1;
            if (cls.Spins)
            {
                ts.SpinDepth++;
            }

            if (depth + 1 > ts.MaxDepth || flow is not null)
            {
                CheckDepth(state, ts, depth + 1 + (flow?.Count ?? 0));
            }
        }

        /// <summary>Records a hold after its reports have been made; the thread's chain may have moved meanwhile.</summary>
        private static void Commit(EngineState state, ThreadState ts, HeldLock entry)
        {
            if (!Active || s_state != state)
            {
                return;
            }

            if (entry.Class.FollowsFlow)
            {
                PushFlow(state, ts, entry);
                return;
            }

            int depth = ts.Depth;
            if (depth >= ts.Held.Length)
            {
                return;
            }

            bool head = depth == 0 || ts.Held[depth - 1].Context != entry.Context;
            entry.PreviousKey = ts.ChainKey;
            ts.ChainKey = NextKey(head ? InitialKey : ts.ChainKey, entry.ChainId);
            ts.Held[depth] = entry;
            ts.Depth = depth + 1;
            if (entry.Class.Spins)
            {
                ts.SpinDepth++;
            }

            FlowHolds? flow = state.FlowHolds != 0 ? CurrentFlow(state) : null;
            CheckDepth(state, ts, depth + 1 + (flow?.Count ?? 0));
        }

        private static void PushFlow(EngineState state, ThreadState ts, HeldLock entry)
        {
            FlowHolds? flow = CurrentFlow(state);
            entry.PreviousKey = flow?.Key ?? InitialKey;
            s_flow.Value = new FlowHolds(entry, flow, NextKey(entry.PreviousKey, entry.ChainId), state);
            Interlocked.Increment(ref state.FlowHolds);
            CheckDepth(state, ts, ts.Depth + (flow?.Count ?? 0) + 1);
        }

        /// <summary>Keeps the depth statistics, and turns the validator off at <c>MAX_LOCK_DEPTH</c> as lockdep does.</summary>
        private static void CheckDepth(EngineState state, ThreadState ts, int total)
        {
            if (total > ts.MaxDepth)
            {
                ts.MaxDepth = total;
                int seen;
                while (total > (seen = Volatile.Read(ref state.MaxDepth)) && Interlocked.CompareExchange(ref state.MaxDepth, total, seen) != seen)
                {
                }
            }

            if (total >= state.Limits.MaxLockDepth)
            {
                Reports reports = default;
                lock (s_graphLock)
                {
                    if (Active && s_state == state)
                    {
                        reports.Add(TurnOff(state, "BUG: MAX_LOCK_DEPTH too low!", "depth: " + total + "  max: " + state.Limits.MaxLockDepth + "!", ts));
                    }
                }

                Emit(ref reports);
            }
        }

        /// <summary>What sends an acquisition of a class whose usage and chain are known to the general path: a sleeping lock under a spinlock, or a re-entry.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsSlowToAcquire(LockClass cls, ThreadState ts, HeldLock[] held, int depth, object instance) =>
            (cls.Sleeps && ts.SpinDepth != 0) || (cls.Reentrant && HoldsInstance(held, depth, instance));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool HoldsInstance(HeldLock[] held, int depth, object instance)
        {
            for (int i = depth - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held[i].Instance, instance))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>lockdep's fast path of <c>lock_release</c>: pops the innermost hold if it is of the instance; false, having changed nothing, otherwise.</summary>
        internal static bool TryReleaseTop(object instance)
        {
            ThreadState? ts = CpuState.Current.Validator;
            if (ts is not null && ts.State == s_state)
            {
                int depth = ts.Depth;
                HeldLock[] held = ts.Held;
                if ((uint)(depth - 1) < (uint)held.Length)
                {
                    ref HeldLock top = ref held[depth - 1];
                    if (ReferenceEquals(top.Instance, instance))
                    {
                        ts.ChainKey = top.PreviousKey;
                        if (top.Class.Spins)
                        {
                            ts.SpinDepth--;
                        }

                        // The slot keeps its contents (see TryAcquireFast); the primitive's own release path, which runs
                        // next, recognises the instance there and pops nothing more.
                        ts.Depth = depth - 1;
                        ts.PoppedTop = true;
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>lockdep's <c>lock_release</c> for any hold but the innermost; false when the thread does not hold the lock (reported).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static bool Release(int classId, object instance, in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = ClassOf(state, classId, 0);
            if (cls is null || instance is null)
            {
                return true;
            }

            if (cls.FollowsFlow)
            {
                // A semaphore is not owned: it may be released by a flow that never acquired it (a signal), or
                // by the caller of an async method that acquired it, whose flow the hold did not reach.
                RemoveFromFlow(state, instance);
                return true;
            }

            int index = FindHeld(ts, instance);
            if (index >= 0)
            {
                RemoveAt(ts, index);
                ts.ReleasedByHook = instance;
                return true;
            }

            Reports reports = default;
            ReportBadUnlock(state, ts, cls, instance, in site, ref reports);
            Emit(ref reports);
            return false;
        }

        /// <summary>lockdep's <c>find_held_lock</c>: the innermost hold of the instance, not crossing into another IRQ context.</summary>
        private static int FindHeld(ThreadState ts, object instance)
        {
            HeldLock[] held = ts.Held;
            for (int i = ts.Depth - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held[i].Instance, instance))
                {
                    return i;
                }

                if (i > 0 && held[i - 1].Context != held[i].Context)
                {
                    break;
                }
            }

            return -1;
        }

        /// <summary>Removes a hold from the middle of the stack and recomputes the chain keys above it (lockdep's reacquire).</summary>
        private static void RemoveAt(ThreadState ts, int index)
        {
            HeldLock[] held = ts.Held;
            int depth = ts.Depth;
            if (held[index].Class.Spins)
            {
                ts.SpinDepth--;
            }

            ulong key = held[index].PreviousKey;
            for (int j = index; j < depth - 1; j++)
            {
                held[j] = held[j + 1];
                held[j].PreviousKey = key;
                held[j].ValidatedGeneration = 0;
                bool head = j == 0 || held[j - 1].Context != held[j].Context;
                key = NextKey(head ? InitialKey : key, held[j].ChainId);
            }

            held[depth - 1] = default;
            ts.Depth = depth - 1;
            ts.ChainKey = key;
        }

        /// <summary>Removes the innermost flow hold of the instance; false when the flow does not hold it.</summary>
        private static bool RemoveFromFlow(EngineState state, object instance)
        {
            FlowHolds? flow = CurrentFlow(state);
            int inner = 0;
            FlowHolds? node = flow;
            while (node is not null && !ReferenceEquals(node.Entry.Instance, instance))
            {
                node = node.Next;
                inner++;
            }

            if (node is null)
            {
                return false;
            }

            // Rebuild the holds acquired after it on top of the ones before it.
            var rebuilt = new HeldLock[inner];
            FlowHolds? walk = flow;
            for (int i = inner - 1; i >= 0; i--)
            {
                rebuilt[i] = walk!.Entry;
                walk = walk.Next;
            }

            FlowHolds? rest = node.Next;
            foreach (HeldLock entry in rebuilt)
            {
                HeldLock moved = entry;
                moved.PreviousKey = rest?.Key ?? InitialKey;
                rest = new FlowHolds(moved, rest, NextKey(moved.PreviousKey, moved.ChainId), state);
            }

            s_flow.Value = rest;
            Interlocked.Decrement(ref state.FlowHolds);
            return true;
        }

        /// <summary>A K* primitive's own release path: pops the hold unless the intercepted release just did.</summary>
        internal static void OnPrimitiveRelease(object instance)
        {
            ThreadState? ts = CpuState.Current.Validator;
            if (ts is null)
            {
                return;
            }

            if (ts.PoppedTop && ReferenceEquals(ts.Held[ts.Depth].Instance, instance))
            {
                ts.PoppedTop = false;
                return;
            }

            if (ReferenceEquals(ts.ReleasedByHook, instance))
            {
                ts.ReleasedByHook = null;
                return;
            }

            if (ts.State != s_state)
            {
                return;
            }

            HeldLock[] held = ts.Held;
            for (int i = ts.Depth - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held[i].Instance, instance))
                {
                    RemoveAt(ts, i);
                    return;
                }
            }
        }

        /// <summary>The real acquisition threw: forgets the hold <see cref="LockdepHooks.Acquire"/> recorded, without a report.</summary>
        internal static void AcquireFailed(int classId, object instance)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = ClassOf(state, classId, 0);
            if (cls is null || instance is null)
            {
                return;
            }

            if (cls.FollowsFlow)
            {
                RemoveFromFlow(state, instance);
                return;
            }

            int index = FindHeld(ts, instance);
            if (index >= 0)
            {
                RemoveAt(ts, index);
            }
        }

        /// <summary>lockdep's <c>lock_downgrade</c>: a write hold becomes a read hold.</summary>
        internal static void Downgrade(int classId, object instance, in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            LockClass? cls = ClassOf(state, classId, 0);
            if (cls is null || instance is null)
            {
                return;
            }

            int index = FindHeld(ts, instance);
            if (index < 0)
            {
                Reports reports = default;
                ReportBadUnlock(state, ts, cls, instance, in site, ref reports);
                Emit(ref reports);
                return;
            }

            HeldLock[] held = ts.Held;
            int read = held[index].Class.RecursiveRead ? 2 : 1;
            held[index].Read = (byte)read;
            held[index].Site = site;
            held[index].ChainId = HeldLock.MakeChainId(held[index].Class, read, held[index].Reentry);
            ulong key = held[index].PreviousKey;
            for (int j = index; j < ts.Depth; j++)
            {
                held[j].PreviousKey = key;
                held[j].ValidatedGeneration = 0;
                bool head = j == 0 || held[j - 1].Context != held[j].Context;
                key = NextKey(head ? InitialKey : key, held[j].ChainId);
            }

            ts.ChainKey = key;
        }

        /// <summary>Enters an IRQ handler: new acquisitions start a new chain, in the handler's context, with its IRQ state.</summary>
        internal static void EnterIrq(IrqContext context, in LockSite site)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            ts.IrqEntrySite = site;
            if (context == IrqContext.HardIrq)
            {
                if (ts.HardIrqDepth == ts.HardIrqSaved.Length)
                {
                    Array.Resize(ref ts.HardIrqSaved, ts.HardIrqSaved.Length * 2);
                }

                ts.HardIrqSaved[ts.HardIrqDepth++] = Irq.EnterHardIrqHandler();
            }
            else
            {
                ts.SoftIrqDepth++;
                Irq.EnterSoftIrqHandler();
            }

            ts.UpdateContext();
        }

        /// <summary>Leaves an IRQ handler, putting back the IRQ state it was entered with.</summary>
        internal static void ExitIrq(IrqContext context)
        {
            EngineState state = s_state!;
            ThreadState ts = CurrentThread(state);
            if (context == IrqContext.HardIrq)
            {
                if (ts.HardIrqDepth != 0)
                {
                    Irq.ExitHardIrqHandler(ts.HardIrqSaved[--ts.HardIrqDepth]);
                }
            }
            else if (ts.SoftIrqDepth != 0)
            {
                ts.SoftIrqDepth--;
                Irq.ExitSoftIrqHandler();
            }

            ts.UpdateContext();
        }

        /// <summary>
        /// IRQs were just enabled on this thread (<c>local_irq_enable</c> and friends): every lock still held is
        /// now held with them enabled, which is the usage lockdep records as <c>HARDIRQ-ON</c> / <c>SOFTIRQ-ON</c>.
        /// </summary>
        internal static void OnIrqsEnabled()
        {
            ThreadState? ts = CpuState.Current.Validator;
            EngineState? state = s_state;
            if (ts is null || ts.State != state || state is null || ts.Depth == 0 || ts.Context != 0)
            {
                return;
            }

            bool hardOff = Irq.HardIrqsDisabled;
            bool softOff = Irq.SoftIrqsDisabled;
            Reports reports = default;
            for (int i = 0; i < ts.Depth; i++)
            {
                HeldLock h = ts.Held[i];
                int r = h.Read == 0 ? 0 : Usage.ReadMask;
                int need = hardOff ? 0 : (1 << (Usage.EnabledHardIrq + r)) | (softOff ? 0 : 1 << (Usage.EnabledSoftIrq + r));
                if (need != 0 && (h.Class.UsageMask & need) != need)
                {
                    MarkUsage(state, ts, i, need, ref reports);
                }
            }

            Emit(ref reports);
        }
    }
}
