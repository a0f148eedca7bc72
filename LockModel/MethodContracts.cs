using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.LockModel
{
    internal enum IrqContextKind
    {
        None,
        HardIrq,
        SoftIrq,
    }

    /// <summary>A lock named by a contract attribute, resolved relative to the annotated method.</summary>
    internal sealed class ContractLock
    {
        public ContractLock(LockClass lockClass, InstancePath path, LockMode mode, bool tryAcquire, object? successValue)
        {
            Class = lockClass;
            Path = path;
            Mode = mode;
            TryAcquire = tryAcquire;
            SuccessValue = successValue;
        }

        public LockClass Class { get; }

        public InstancePath Path { get; }

        public LockMode Mode { get; }

        public bool TryAcquire { get; }

        /// <summary>For <c>[TryAcquiresLock]</c>: the returned value that means "acquired".</summary>
        public object? SuccessValue { get; }
    }

    /// <summary>
    /// What a method's attributes declare about its locking and its context. Unresolvable names are
    /// left out here; LD0012 reports them. The analyzer also infers contracts of lock wrappers from
    /// their bodies (<see cref="IInferredLockEffects"/>), as if the method were annotated.
    /// </summary>
    internal sealed class MethodContract
    {
        public static readonly MethodContract None = new MethodContract(
            ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, IrqContextKind.None, mightSleep: false);

        public MethodContract(
            ImmutableArray<ContractLock> leavesHeld,
            ImmutableArray<ContractLock> releases,
            ImmutableArray<ContractLock> requires,
            ImmutableArray<ContractLock> excludes,
            IrqContextKind context,
            bool mightSleep,
            bool releasedByDisposingResult = false)
        {
            ReleasedByDisposingResult = releasedByDisposingResult;
            LeavesHeld = leavesHeld;
            Releases = releases;
            Requires = requires;
            Excludes = excludes;
            Context = context;
            MightSleep = mightSleep;
        }

        /// <summary><c>[AcquiresLock]</c> and <c>[TryAcquiresLock]</c>: held on return (on success).</summary>
        public ImmutableArray<ContractLock> LeavesHeld { get; }

        /// <summary><c>[ReleasesLock]</c>: held on entry, released by the method.</summary>
        public ImmutableArray<ContractLock> Releases { get; }

        /// <summary><c>[RequiresLock]</c>/<c>[RequiresSharedLock]</c>: the caller holds them throughout (lockdep_assert_held).</summary>
        public ImmutableArray<ContractLock> Requires { get; }

        public ImmutableArray<ContractLock> Excludes { get; }

        public IrqContextKind Context { get; }

        public bool MightSleep { get; }

        /// <summary>
        /// Inferred only: the method returns (or returns a task of) a releaser whose <c>Dispose</c> releases
        /// the one lock it leaves held, as <c>Lock.EnterScope()</c> does.
        /// </summary>
        public bool ReleasedByDisposingResult { get; }
    }

    /// <summary>
    /// Contracts inferred from method bodies, for methods that declare none: a wrapper such as
    /// <c>void Acquire() { Monitor.Enter(_gate); }</c> is treated as if it were <c>[AcquiresLock]</c>.
    /// The analyzer provides them; the generator, which intercepts lock API calls only, needs none.
    /// </summary>
    internal interface IInferredLockEffects
    {
        /// <summary>The contract inferred for <paramref name="method"/>, or null when it has no net lock effect to apply.</summary>
        MethodContract? For(IMethodSymbol method);
    }

    /// <summary>Reads and caches method contracts for the compilation; properties lend their attributes to their accessors.</summary>
    internal sealed class MethodContracts
    {
        private readonly ConcurrentDictionary<IMethodSymbol, MethodContract> _contracts = new ConcurrentDictionary<IMethodSymbol, MethodContract>(SymbolEqualityComparer.Default);
        private readonly KnownSymbols _known;
        private readonly LockNameResolver _names;

        public MethodContracts(KnownSymbols known, LockNameResolver names)
        {
            _known = known;
            _names = names;
        }

        public MethodContract For(IMethodSymbol method) => _contracts.GetOrAdd(method.OriginalDefinition, Read);

        private MethodContract Read(IMethodSymbol method)
        {
            var attributes = method.GetAttributes();
            if (method.AssociatedSymbol is IPropertySymbol property)
            {
                attributes = attributes.AddRange(property.GetAttributes());
            }

            // A contract declared on an interface member or a base method binds its implementations too.
            if (attributes.IsEmpty)
            {
                attributes = InheritedAttributes(method);
            }

            if (attributes.IsEmpty)
            {
                return MethodContract.None;
            }

            var leaves = ImmutableArray.CreateBuilder<ContractLock>();
            var releases = ImmutableArray.CreateBuilder<ContractLock>();
            var requires = ImmutableArray.CreateBuilder<ContractLock>();
            var excludes = ImmutableArray.CreateBuilder<ContractLock>();
            var context = IrqContextKind.None;
            var mightSleep = false;
            foreach (var attribute in attributes)
            {
                if (KnownSymbols.IsAttribute(attribute, _known.AcquiresLockAttribute))
                {
                    Add(leaves, attribute, method, LockMode.Exclusive, tryAcquire: false, successValue: null);
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.TryAcquiresLockAttribute) && attribute.ConstructorArguments.Length == 2)
                {
                    Add(leaves, attribute, method, LockMode.Exclusive, tryAcquire: true, attribute.ConstructorArguments[0].Value);
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.ReleasesLockAttribute))
                {
                    Add(releases, attribute, method, LockMode.Exclusive, tryAcquire: false, successValue: null);
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.RequiresLockAttribute))
                {
                    Add(requires, attribute, method, LockMode.Exclusive, tryAcquire: false, successValue: null);
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.RequiresSharedLockAttribute))
                {
                    Add(requires, attribute, method, LockMode.Shared, tryAcquire: false, successValue: null);
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.ExcludesLockAttribute))
                {
                    Add(excludes, attribute, method, LockMode.Exclusive, tryAcquire: false, successValue: null);
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.HardIrqContextAttribute))
                {
                    context = IrqContextKind.HardIrq;
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.SoftIrqContextAttribute) && context == IrqContextKind.None)
                {
                    context = IrqContextKind.SoftIrq;
                }
                else if (KnownSymbols.IsAttribute(attribute, _known.MightSleepAttribute))
                {
                    mightSleep = true;
                }
            }

            if (leaves.Count == 0 && releases.Count == 0 && requires.Count == 0 && excludes.Count == 0 && context == IrqContextKind.None && !mightSleep)
            {
                return MethodContract.None;
            }

            return new MethodContract(leaves.ToImmutable(), releases.ToImmutable(), requires.ToImmutable(), excludes.ToImmutable(), context, mightSleep);
        }

        private static ImmutableArray<AttributeData> InheritedAttributes(IMethodSymbol method)
        {
            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                var attributes = overridden.GetAttributes();
                if (!attributes.IsEmpty)
                {
                    return attributes;
                }
            }

            var type = method.ContainingType;
            if (type is null || method.MethodKind != MethodKind.Ordinary)
            {
                return ImmutableArray<AttributeData>.Empty;
            }

            foreach (var contract in type.AllInterfaces)
            {
                foreach (var member in contract.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol interfaceMethod
                        && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod), method)
                        && !interfaceMethod.GetAttributes().IsEmpty)
                    {
                        return interfaceMethod.GetAttributes();
                    }
                }
            }

            return ImmutableArray<AttributeData>.Empty;
        }

        private void Add(ImmutableArray<ContractLock>.Builder target, AttributeData attribute, IMethodSymbol method, LockMode mode, bool tryAcquire, object? successValue)
        {
            if (attribute.ConstructorArguments.Length == 0)
            {
                return;
            }

            var lockNames = attribute.ConstructorArguments[attribute.ConstructorArguments.Length - 1];
            if (lockNames.Kind != TypedConstantKind.Array || lockNames.IsNull)
            {
                return;
            }

            foreach (var name in lockNames.Values)
            {
                if (name.Value is string text && _names.Resolve(text, method) is { Class: { } lockClass } resolution)
                {
                    target.Add(new ContractLock(lockClass, resolution.Path, mode, tryAcquire, successValue));
                }
            }
        }
    }
}
