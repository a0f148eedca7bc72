using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>What an interceptor does around the real call.</summary>
    internal enum ApiShape
    {
        /// <summary>Blocking acquisition: <c>Acquire</c> before, <c>AcquireFailed</c> if the real call throws.</summary>
        Acquire,

        /// <summary><c>Monitor.Enter(obj, ref lockTaken)</c>: acquired unless the call throws with <c>lockTaken</c> still false.</summary>
        AcquireWithFlag,

        /// <summary>Try-acquisition returning whether it acquired: <c>TryAcquired</c> after.</summary>
        TryAcquire,

        /// <summary>Try-acquisition reporting through <c>ref bool lockTaken</c>: <c>TryAcquired</c> after, even if it throws.</summary>
        TryAcquireWithFlag,

        /// <summary><c>SemaphoreSlim.WaitAsync</c> without a timeout: <c>Acquire</c> before, <c>AcquireFailed</c> if the task faults or is cancelled.</summary>
        AcquireAsync,

        /// <summary><c>SemaphoreSlim.WaitAsync</c> with a timeout: <c>TryAcquired</c> when the task completes.</summary>
        TryAcquireAsync,

        /// <summary>Release returning nothing: <c>Release</c> before; the real release is skipped when the engine says this thread does not hold it (and the lock agrees).</summary>
        Release,

        /// <summary><c>SemaphoreSlim.Release</c>, which returns the previous count.</summary>
        ReleaseCount,

        /// <summary><c>KRwSem.DowngradeWrite</c>: <c>Downgrade</c> before.</summary>
        Downgrade,
    }

    /// <summary>A parameter of an intercepted lock API method, written as the interceptor declares it.</summary>
    internal sealed class ApiParameter
    {
        public ApiParameter(string modifier, string type, string name)
        {
            Modifier = modifier;
            Type = type;
            Name = name;
        }

        /// <summary>"" or "ref ".</summary>
        public string Modifier { get; }

        public string Type { get; }

        public string Name { get; }
    }

    /// <summary>One intercepted overload of a lock API.</summary>
    internal sealed class LockApi
    {
        public LockApi(string type, string method, bool isStatic, string returnType, ApiShape shape, string flags, string heldCheck, string? subclass, params ApiParameter[] parameters)
        {
            Type = type;
            Method = method;
            IsStatic = isStatic;
            ReturnType = returnType;
            Shape = shape;
            Flags = flags;
            HeldCheck = heldCheck;
            Subclass = subclass ?? "0";
            Parameters = parameters;
            Key = LockApiCatalog.KeyOf(type, method, parameters.Select(p => p.Modifier + p.Type));
        }

        /// <summary>The lookup key: <c>type.Method(parameter types)</c>, as <see cref="LockApiCatalog.KeyOf(IMethodSymbol)"/> builds it.</summary>
        public string Key { get; }

        /// <summary>The declaring type, fully qualified (<c>global::LockDiscipline.KMutex</c>).</summary>
        public string Type { get; }

        public string Method { get; }

        /// <summary>A static method (Monitor) locks its first argument, <c>obj</c>; an instance method locks <c>self</c>.</summary>
        public bool IsStatic { get; }

        public string ReturnType { get; }

        public ApiShape Shape { get; }

        /// <summary>The <c>AcquireFlags</c> member names, joined with " | ".</summary>
        public string Flags { get; }

        /// <summary>
        /// For releases: an expression that is true when the real lock is held by this thread (or, for a
        /// semaphore, by anyone). A release the engine did not expect still runs when this holds, so a lock
        /// taken on a path the generator does not see (through a parameter, in another assembly) is not leaked.
        /// </summary>
        public string HeldCheck { get; }

        /// <summary>The nesting subclass expression: "0", or the parameter that carries it.</summary>
        public string Subclass { get; }

        public IReadOnlyList<ApiParameter> Parameters { get; }

        /// <summary>The expression of the locked object inside the interceptor.</summary>
        public string LockObject => IsStatic ? "obj" : "self";
    }

    /// <summary>
    /// The acquire and release methods that get interceptors, overload by overload. Only what the
    /// analyzer treats as a lock operation, minus scopes the generator cannot see released
    /// (<c>Lock.EnterScope</c>, <c>lock</c> statements): the engine's held stack must never drift.
    /// </summary>
    internal static class LockApiCatalog
    {
        private const string KMutex = "global::LockDiscipline.KMutex";
        private const string KSpinLock = "global::LockDiscipline.KSpinLock";
        private const string KRwSem = "global::LockDiscipline.KRwSem";
        private const string KLockMap = "global::LockDiscipline.KLockMap";
        private const string Monitor = "global::System.Threading.Monitor";
        private const string ThreadingLock = "global::System.Threading.Lock";
        private const string Semaphore = "global::System.Threading.SemaphoreSlim";
        private const string ReaderWriter = "global::System.Threading.ReaderWriterLockSlim";

        private const string TimeSpan = "global::System.TimeSpan";
        private const string Token = "global::System.Threading.CancellationToken";

        private static readonly ApiParameter Obj = new ApiParameter("", "object", "obj");
        private static readonly ApiParameter LockTaken = new ApiParameter("ref ", "bool", "lockTaken");
        private static readonly ApiParameter Milliseconds = new ApiParameter("", "int", "millisecondsTimeout");
        private static readonly ApiParameter Timeout = new ApiParameter("", TimeSpan, "timeout");
        private static readonly ApiParameter CancellationToken = new ApiParameter("", Token, "cancellationToken");

        private static readonly Dictionary<string, LockApi> Apis = Build().ToDictionary(api => api.Key);

        /// <summary>The simple names of every intercepted method: the syntactic filter before any binding.</summary>
        public static readonly HashSet<string> MethodNames = new HashSet<string>(Apis.Values.Select(api => api.Method));

        public static LockApi? Find(string key) => Apis.TryGetValue(key, out var api) ? api : null;

        public static string KeyOf(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            return KeyOf(
                method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                method.Name,
                method.Parameters.Select(p => RefPrefix(p.RefKind) + p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
        }

        public static string KeyOf(string type, string method, IEnumerable<string> parameterTypes)
            => type + "." + method + "(" + string.Join(", ", parameterTypes) + ")";

        private static string RefPrefix(RefKind kind) => kind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            _ => string.Empty,
        };

        private static IEnumerable<LockApi> Build()
        {
            // Kernel-style primitives. Guards are acquisitions; their Dispose is reported by the primitive itself.
            const string MutexHeld = "self.IsHeldByCurrentThread";
            yield return new LockApi(KMutex, "Lock", false, "void", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(KMutex, "LockNested", false, "void", ApiShape.Acquire, "None", "", "subclass", new ApiParameter("", "int", "subclass"));
            yield return new LockApi(KMutex, "TryLock", false, "bool", ApiShape.TryAcquire, "None", "", null);
            yield return new LockApi(KMutex, "Unlock", false, "void", ApiShape.Release, "None", MutexHeld, null);
            yield return new LockApi(KMutex, "Guard", false, "global::LockDiscipline.KMutexGuard", ApiShape.Acquire, "None", "", null);

            const string SpinHeld = "self.IsHeldByCurrentThread";
            yield return new LockApi(KSpinLock, "Lock", false, "void", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(KSpinLock, "TryLock", false, "bool", ApiShape.TryAcquire, "None", "", null);
            yield return new LockApi(KSpinLock, "Unlock", false, "void", ApiShape.Release, "None", SpinHeld, null);
            yield return new LockApi(KSpinLock, "LockIrq", false, "void", ApiShape.Acquire, "DisablesHardIrqs", "", null);
            yield return new LockApi(KSpinLock, "UnlockIrq", false, "void", ApiShape.Release, "None", SpinHeld, null);
            yield return new LockApi(KSpinLock, "LockIrqSave", false, "global::LockDiscipline.IrqFlags", ApiShape.Acquire, "DisablesHardIrqs", "", null);
            yield return new LockApi(KSpinLock, "UnlockIrqRestore", false, "void", ApiShape.Release, "None", SpinHeld, null, new ApiParameter("", "global::LockDiscipline.IrqFlags", "flags"));
            yield return new LockApi(KSpinLock, "LockBh", false, "void", ApiShape.Acquire, "DisablesSoftIrqs", "", null);
            yield return new LockApi(KSpinLock, "UnlockBh", false, "void", ApiShape.Release, "None", SpinHeld, null);
            yield return new LockApi(KSpinLock, "Guard", false, "global::LockDiscipline.KSpinLockGuard", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(KSpinLock, "GuardIrqSave", false, "global::LockDiscipline.KSpinLockIrqSaveGuard", ApiShape.Acquire, "DisablesHardIrqs", "", null);

            // Readers are counted, not owned (up_read_non_owner), so any reader makes UpRead legitimate.
            yield return new LockApi(KRwSem, "DownRead", false, "void", ApiShape.Acquire, "Read", "", null);
            yield return new LockApi(KRwSem, "TryDownRead", false, "bool", ApiShape.TryAcquire, "Read", "", null);
            yield return new LockApi(KRwSem, "UpRead", false, "void", ApiShape.Release, "None", "self.ReaderCount != 0", null);
            yield return new LockApi(KRwSem, "DownWrite", false, "void", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(KRwSem, "TryDownWrite", false, "bool", ApiShape.TryAcquire, "None", "", null);
            yield return new LockApi(KRwSem, "UpWrite", false, "void", ApiShape.Release, "None", "self.IsWriteHeldByCurrentThread", null);
            yield return new LockApi(KRwSem, "DowngradeWrite", false, "void", ApiShape.Downgrade, "None", "", null);
            yield return new LockApi(KRwSem, "ReadGuard", false, "global::LockDiscipline.KRwSemReadGuard", ApiShape.Acquire, "Read", "", null);
            yield return new LockApi(KRwSem, "WriteGuard", false, "global::LockDiscipline.KRwSemWriteGuard", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(KRwSem, "Guard", false, "global::LockDiscipline.KRwSemWriteGuard", ApiShape.Acquire, "None", "", null);

            yield return new LockApi(KLockMap, "Acquire", false, "void", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(KLockMap, "AcquireRead", false, "void", ApiShape.Acquire, "Read", "", null);
            yield return new LockApi(KLockMap, "Release", false, "void", ApiShape.Release, "None", "self.IsHeldByCurrentThread", null);
            yield return new LockApi(KLockMap, "Guard", false, "global::LockDiscipline.KLockMapGuard", ApiShape.Acquire, "None", "", null);

            // Monitor: explicit calls only. A lock statement is not an invocation, and Wait/Pulse neither take nor drop a class for good.
            const string MonitorHeld = Monitor + ".IsEntered(obj)";
            yield return new LockApi(Monitor, "Enter", true, "void", ApiShape.Acquire, "None", "", null, Obj);
            yield return new LockApi(Monitor, "Enter", true, "void", ApiShape.AcquireWithFlag, "None", "", null, Obj, LockTaken);
            yield return new LockApi(Monitor, "TryEnter", true, "bool", ApiShape.TryAcquire, "None", "", null, Obj);
            yield return new LockApi(Monitor, "TryEnter", true, "bool", ApiShape.TryAcquire, "None", "", null, Obj, Milliseconds);
            yield return new LockApi(Monitor, "TryEnter", true, "bool", ApiShape.TryAcquire, "None", "", null, Obj, Timeout);
            yield return new LockApi(Monitor, "TryEnter", true, "void", ApiShape.TryAcquireWithFlag, "None", "", null, Obj, LockTaken);
            yield return new LockApi(Monitor, "TryEnter", true, "void", ApiShape.TryAcquireWithFlag, "None", "", null, Obj, Milliseconds, LockTaken);
            yield return new LockApi(Monitor, "TryEnter", true, "void", ApiShape.TryAcquireWithFlag, "None", "", null, Obj, Timeout, LockTaken);
            yield return new LockApi(Monitor, "Exit", true, "void", ApiShape.Release, "None", MonitorHeld, null, Obj);

            // System.Threading.Lock: EnterScope is left alone, like the lock statement that uses it.
            const string LockHeld = "self.IsHeldByCurrentThread";
            yield return new LockApi(ThreadingLock, "Enter", false, "void", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(ThreadingLock, "TryEnter", false, "bool", ApiShape.TryAcquire, "None", "", null);
            yield return new LockApi(ThreadingLock, "TryEnter", false, "bool", ApiShape.TryAcquire, "None", "", null, Milliseconds);
            yield return new LockApi(ThreadingLock, "TryEnter", false, "bool", ApiShape.TryAcquire, "None", "", null, Timeout);
            yield return new LockApi(ThreadingLock, "Exit", false, "void", ApiShape.Release, "None", LockHeld, null);

            // SemaphoreSlim(1, ...) as a mutex. It has no owner, so a release is legitimate whenever someone holds it.
            const string SemaphoreHeld = "self.CurrentCount == 0";
            yield return new LockApi(Semaphore, "Wait", false, "void", ApiShape.Acquire, "None", "", null);
            yield return new LockApi(Semaphore, "Wait", false, "void", ApiShape.Acquire, "None", "", null, CancellationToken);
            yield return new LockApi(Semaphore, "Wait", false, "bool", ApiShape.TryAcquire, "None", "", null, Milliseconds);
            yield return new LockApi(Semaphore, "Wait", false, "bool", ApiShape.TryAcquire, "None", "", null, Timeout);
            yield return new LockApi(Semaphore, "Wait", false, "bool", ApiShape.TryAcquire, "None", "", null, Milliseconds, CancellationToken);
            yield return new LockApi(Semaphore, "Wait", false, "bool", ApiShape.TryAcquire, "None", "", null, Timeout, CancellationToken);
            yield return new LockApi(Semaphore, "WaitAsync", false, "global::System.Threading.Tasks.Task", ApiShape.AcquireAsync, "None", "", null);
            yield return new LockApi(Semaphore, "WaitAsync", false, "global::System.Threading.Tasks.Task", ApiShape.AcquireAsync, "None", "", null, CancellationToken);
            yield return new LockApi(Semaphore, "WaitAsync", false, "global::System.Threading.Tasks.Task<bool>", ApiShape.TryAcquireAsync, "None", "", null, Milliseconds);
            yield return new LockApi(Semaphore, "WaitAsync", false, "global::System.Threading.Tasks.Task<bool>", ApiShape.TryAcquireAsync, "None", "", null, Timeout);
            yield return new LockApi(Semaphore, "WaitAsync", false, "global::System.Threading.Tasks.Task<bool>", ApiShape.TryAcquireAsync, "None", "", null, Milliseconds, CancellationToken);
            yield return new LockApi(Semaphore, "WaitAsync", false, "global::System.Threading.Tasks.Task<bool>", ApiShape.TryAcquireAsync, "None", "", null, Timeout, CancellationToken);
            yield return new LockApi(Semaphore, "Release", false, "int", ApiShape.ReleaseCount, "None", SemaphoreHeld, null);
            yield return new LockApi(Semaphore, "Release", false, "int", ApiShape.ReleaseCount, "None", SemaphoreHeld, null, new ApiParameter("", "int", "releaseCount"));

            foreach (var (mode, flags, held) in new[]
            {
                ("Read", "Read", "self.IsReadLockHeld"),
                ("Write", "None", "self.IsWriteLockHeld"),
                ("UpgradeableRead", "Upgradeable", "self.IsUpgradeableReadLockHeld"),
            })
            {
                yield return new LockApi(ReaderWriter, "Enter" + mode + "Lock", false, "void", ApiShape.Acquire, flags, "", null);
                yield return new LockApi(ReaderWriter, "TryEnter" + mode + "Lock", false, "bool", ApiShape.TryAcquire, flags, "", null, Milliseconds);
                yield return new LockApi(ReaderWriter, "TryEnter" + mode + "Lock", false, "bool", ApiShape.TryAcquire, flags, "", null, Timeout);
                yield return new LockApi(ReaderWriter, "Exit" + mode + "Lock", false, "void", ApiShape.Release, "None", held, null);
            }
        }
    }
}
