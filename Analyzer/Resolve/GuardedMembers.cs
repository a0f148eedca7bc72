using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>The lock a <c>[GuardedBy]</c> field or property names, resolved relative to the member and cached.</summary>
    internal sealed class GuardedMembers
    {
        private readonly ConcurrentDictionary<ISymbol, LockNameResolution?> _guards = new ConcurrentDictionary<ISymbol, LockNameResolution?>(SymbolEqualityComparer.Default);
        private readonly KnownSymbols _known;
        private readonly LockNameResolver _names;

        public GuardedMembers(KnownSymbols known, LockNameResolver names)
        {
            _known = known;
            _names = names;
        }

        /// <summary>The guarding lock, or null when the member is not guarded (or its guard does not resolve: LD0012's case).</summary>
        public LockNameResolution? GuardOf(ISymbol member)
        {
            if (_known.GuardedByAttribute is null)
            {
                return null;
            }

            return _guards.GetOrAdd(member.OriginalDefinition, Read);
        }

        private LockNameResolution? Read(ISymbol member)
        {
            foreach (var attribute in member.GetAttributes())
            {
                if (KnownSymbols.IsAttribute(attribute, _known.GuardedByAttribute)
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string name
                    && _names.Resolve(name, member) is { Class: not null } resolution)
                {
                    return resolution;
                }
            }

            return null;
        }
    }
}
