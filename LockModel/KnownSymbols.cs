using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.LockModel
{
    /// <summary>The types the analysis recognises, looked up once per compilation.</summary>
    internal sealed class KnownSymbols
    {
        public KnownSymbols(Compilation compilation)
        {
            Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
            ThreadingLock = compilation.GetTypeByMetadataName("System.Threading.Lock");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            ReaderWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
            SpinLock = compilation.GetTypeByMetadataName("System.Threading.SpinLock");
            Mutex = compilation.GetTypeByMetadataName("System.Threading.Mutex");
            KMutex = compilation.GetTypeByMetadataName("LockDiscipline.KMutex");
            KSpinLock = compilation.GetTypeByMetadataName("LockDiscipline.KSpinLock");
            KRwSem = compilation.GetTypeByMetadataName("LockDiscipline.KRwSem");
            KLockMap = compilation.GetTypeByMetadataName("LockDiscipline.KLockMap");
            KRwLock = compilation.GetTypeByMetadataName("LockDiscipline.KRwLock");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            TaskAwaiter = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter");
            TaskAwaiterOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter`1");
            Irq = compilation.GetTypeByMetadataName("LockDiscipline.Irq");

            LockClassAttribute = compilation.GetTypeByMetadataName("LockDiscipline.LockClassAttribute");
            AcquiresLockAttribute = compilation.GetTypeByMetadataName("LockDiscipline.AcquiresLockAttribute");
            ReleasesLockAttribute = compilation.GetTypeByMetadataName("LockDiscipline.ReleasesLockAttribute");
            TryAcquiresLockAttribute = compilation.GetTypeByMetadataName("LockDiscipline.TryAcquiresLockAttribute");
            RequiresLockAttribute = compilation.GetTypeByMetadataName("LockDiscipline.RequiresLockAttribute");
            RequiresSharedLockAttribute = compilation.GetTypeByMetadataName("LockDiscipline.RequiresSharedLockAttribute");
            ExcludesLockAttribute = compilation.GetTypeByMetadataName("LockDiscipline.ExcludesLockAttribute");
            GuardedByAttribute = compilation.GetTypeByMetadataName("LockDiscipline.GuardedByAttribute");
            LockOrderAttribute = compilation.GetTypeByMetadataName("LockDiscipline.LockOrderAttribute");
            AcquiredBeforeAttribute = compilation.GetTypeByMetadataName("LockDiscipline.AcquiredBeforeAttribute");
            AcquiredAfterAttribute = compilation.GetTypeByMetadataName("LockDiscipline.AcquiredAfterAttribute");
            HardIrqContextAttribute = compilation.GetTypeByMetadataName("LockDiscipline.HardIrqContextAttribute");
            SoftIrqContextAttribute = compilation.GetTypeByMetadataName("LockDiscipline.SoftIrqContextAttribute");
            MightSleepAttribute = compilation.GetTypeByMetadataName("LockDiscipline.MightSleepAttribute");

            var naming = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            foreach (var name in LockNamingAttributeNames)
            {
                if (compilation.GetTypeByMetadataName("LockDiscipline." + name) is { } attribute)
                {
                    naming.Add(attribute);
                }
            }

            LockNamingAttributes = naming.ToImmutable();

            foreach (var api in LockApis.All)
            {
                if (compilation.GetTypeByMetadataName(api.Type) is not { } type)
                {
                    continue;
                }

                var receiver = api.ReceiverType is null ? null : compilation.GetTypeByMetadataName(api.ReceiverType);
                if (api.ReceiverType is not null && receiver is null)
                {
                    continue;
                }

                if (!_apisByMethodName.TryGetValue(api.Method, out var rows))
                {
                    rows = new List<(INamedTypeSymbol, INamedTypeSymbol?, LockApi)>(1);
                    _apisByMethodName.Add(api.Method, rows);
                }

                rows.Add((type, receiver, api));
            }
        }

        private readonly Dictionary<string, List<(INamedTypeSymbol Type, INamedTypeSymbol? Receiver, LockApi Api)>> _apisByMethodName
            = new Dictionary<string, List<(INamedTypeSymbol, INamedTypeSymbol?, LockApi)>>(System.StringComparer.Ordinal);

        /// <summary>Whether some lock API method has this name: a cheap test, by syntax, before binding anything.</summary>
        public bool IsLockApiName(string name) => _apisByMethodName.ContainsKey(name);

        /// <summary>
        /// The row of <see cref="LockApis"/> a call of <paramref name="method"/> matches, or null when the
        /// call is no lock operation. When <paramref name="requiredReceiver"/> is set, the call is one only
        /// on a receiver of that type (or a derived one), which the caller checks.
        /// </summary>
        public LockApi? FindApi(IMethodSymbol method, out INamedTypeSymbol? requiredReceiver)
        {
            requiredReceiver = null;
            if (!_apisByMethodName.TryGetValue(method.Name, out var rows))
            {
                return null;
            }

            foreach (var (type, receiver, api) in rows)
            {
                if (Is(method.ContainingType, type))
                {
                    requiredReceiver = receiver;
                    return api;
                }
            }

            return null;
        }

        /// <summary>Every attribute whose arguments name locks, and so must resolve (LD0012).</summary>
        private static readonly string[] LockNamingAttributeNames =
        {
            "AcquiresLockAttribute", "ReleasesLockAttribute", "TryAcquiresLockAttribute",
            "RequiresLockAttribute", "RequiresSharedLockAttribute", "ExcludesLockAttribute",
            "GuardedByAttribute", "AcquiredBeforeAttribute", "AcquiredAfterAttribute", "LockOrderAttribute",
        };

        public ImmutableArray<INamedTypeSymbol> LockNamingAttributes { get; }

        public INamedTypeSymbol? Monitor { get; }

        public INamedTypeSymbol? ThreadingLock { get; }

        public INamedTypeSymbol? SemaphoreSlim { get; }

        public INamedTypeSymbol? ReaderWriterLockSlim { get; }

        public INamedTypeSymbol? SpinLock { get; }

        public INamedTypeSymbol? Mutex { get; }

        public INamedTypeSymbol? KMutex { get; }

        public INamedTypeSymbol? KSpinLock { get; }

        public INamedTypeSymbol? KRwSem { get; }

        public INamedTypeSymbol? KLockMap { get; }

        public INamedTypeSymbol? KRwLock { get; }

        public INamedTypeSymbol? CancellationToken { get; }

        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? TaskFactory { get; }

        public INamedTypeSymbol? TaskAwaiter { get; }

        public INamedTypeSymbol? TaskAwaiterOfT { get; }

        public INamedTypeSymbol? Irq { get; }

        public INamedTypeSymbol? RequiresLockAttribute { get; }

        public INamedTypeSymbol? RequiresSharedLockAttribute { get; }

        public INamedTypeSymbol? ExcludesLockAttribute { get; }

        public INamedTypeSymbol? GuardedByAttribute { get; }

        public INamedTypeSymbol? LockOrderAttribute { get; }

        public INamedTypeSymbol? AcquiredBeforeAttribute { get; }

        public INamedTypeSymbol? AcquiredAfterAttribute { get; }

        public INamedTypeSymbol? HardIrqContextAttribute { get; }

        public INamedTypeSymbol? SoftIrqContextAttribute { get; }

        public INamedTypeSymbol? MightSleepAttribute { get; }

        public INamedTypeSymbol? LockClassAttribute { get; }

        public INamedTypeSymbol? AcquiresLockAttribute { get; }

        public INamedTypeSymbol? ReleasesLockAttribute { get; }

        public INamedTypeSymbol? TryAcquiresLockAttribute { get; }

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
            => known is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

        public static bool IsAttribute(AttributeData attribute, INamedTypeSymbol? known)
            => known is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known);

        public static bool IsOrDerives(ITypeSymbol? type, INamedTypeSymbol? known)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (Is(t, known))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
