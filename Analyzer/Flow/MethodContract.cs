using System.Collections.Immutable;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// What a method's attributes declare about its own locking: locks it leaves held on return
    /// (<c>[AcquiresLock]</c>, <c>[TryAcquiresLock]</c>) and locks it is entered holding and releases
    /// (<c>[ReleasesLock]</c>). Unresolvable names are LD0012's business, not the flow's.
    /// </summary>
    internal sealed class MethodContract
    {
        public static readonly MethodContract None = new MethodContract(ImmutableArray<LockNameResolution>.Empty, ImmutableArray<LockNameResolution>.Empty);

        public MethodContract(ImmutableArray<LockNameResolution> leavesHeld, ImmutableArray<LockNameResolution> entersHeld)
        {
            LeavesHeld = leavesHeld;
            EntersHeld = entersHeld;
        }

        public ImmutableArray<LockNameResolution> LeavesHeld { get; }

        public ImmutableArray<LockNameResolution> EntersHeld { get; }

        public bool AllowsHeldOnExit(LockClass lockClass)
        {
            foreach (var resolution in LeavesHeld)
            {
                if (lockClass.Equals(resolution.Class))
                {
                    return true;
                }
            }

            return false;
        }

        public static MethodContract For(IMethodSymbol method, KnownSymbols known, LockNameResolver names)
        {
            if (known.AcquiresLockAttribute is null)
            {
                return None;
            }

            var leaves = ImmutableArray.CreateBuilder<LockNameResolution>();
            var enters = ImmutableArray.CreateBuilder<LockNameResolution>();
            foreach (var attribute in method.GetAttributes())
            {
                var attributeClass = attribute.AttributeClass;
                ImmutableArray<LockNameResolution>.Builder? target =
                    SymbolEqualityComparer.Default.Equals(attributeClass, known.AcquiresLockAttribute) || SymbolEqualityComparer.Default.Equals(attributeClass, known.TryAcquiresLockAttribute) ? leaves
                    : SymbolEqualityComparer.Default.Equals(attributeClass, known.ReleasesLockAttribute) ? enters
                    : null;
                if (target is null || attribute.ConstructorArguments.Length == 0)
                {
                    continue;
                }

                var lockNames = attribute.ConstructorArguments[attribute.ConstructorArguments.Length - 1];
                if (lockNames.Kind != TypedConstantKind.Array)
                {
                    continue;
                }

                foreach (var name in lockNames.Values)
                {
                    if (name.Value is string text && names.Resolve(text, method) is { Class: not null } resolution)
                    {
                        target.Add(resolution);
                    }
                }
            }

            return leaves.Count == 0 && enters.Count == 0 ? None : new MethodContract(leaves.ToImmutable(), enters.ToImmutable());
        }
    }
}
