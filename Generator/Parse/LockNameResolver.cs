using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>
    /// The outcome of resolving a lock name in an attribute: a class reached through members (its name and
    /// kind are known here), or a name that can only be a <c>[LockClass]</c> name, looked up by the caller
    /// once all of those are known.
    /// </summary>
    internal readonly struct NameResolution
    {
        private NameResolution(string name, string kind, bool isDeclaredName)
        {
            Name = name;
            Kind = kind;
            IsDeclaredName = isDeclaredName;
        }

        public string Name { get; }

        /// <summary>The <c>LockClassKind</c> member name; empty for a declared name, whose kind the declaration gives.</summary>
        public string Kind { get; }

        public bool IsDeclaredName { get; }

        public static NameResolution Member(string name, string kind) => new NameResolution(name, kind, false);

        public static NameResolution Declared(string name) => new NameResolution(name, string.Empty, true);
    }

    /// <summary>
    /// Resolves lock names the way the analyzer's <c>LockNameResolver</c> does, in its order: a parameter of
    /// the annotated method or a member of its type, then members along a dotted path, else a
    /// <c>[LockClass]</c> name. The analyzer reports names that resolve to nothing (LD0012); here they are
    /// only skipped. A name that ends at a parameter rather than a member is skipped too: its class would be
    /// the parameter's type, which no generated acquisition ever uses, so a runtime assertion on it could
    /// only fail.
    /// </summary>
    internal static class LockNameResolver
    {
        public static NameResolution? Resolve(string? name, ISymbol annotated)
        {
            if (name is null || string.IsNullOrWhiteSpace(name))
            {
                return null;
            }

            var type = annotated as INamedTypeSymbol ?? annotated.ContainingType;
            var segments = name.Split('.');
            ITypeSymbol? current;
            ISymbol? lastMember = null;
            if (annotated is IMethodSymbol method && FindParameter(method, segments[0]) is { } parameter)
            {
                current = parameter.Type;
            }
            else if (type is not null && FindMember(type, segments[0]) is { } member)
            {
                current = LockNaming.MemberType(member);
                lastMember = member;
            }
            else
            {
                return NameResolution.Declared(name);
            }

            for (var i = 1; i < segments.Length; i++)
            {
                var next = current is null ? null : FindMember(current, segments[i]);
                if (next is null)
                {
                    // The analyzer still accepts the whole dotted text as a [LockClass] name.
                    return NameResolution.Declared(name);
                }

                current = LockNaming.MemberType(next);
                lastMember = next;
            }

            if (current is null || lastMember is null || !LockNaming.IsLockable(current))
            {
                return null;
            }

            return NameResolution.Member(LockNaming.ClassOfMember(lastMember), LockNaming.KindOf(current, LockNaming.DeclaredKind(lastMember.OriginalDefinition)));
        }

        private static IParameterSymbol? FindParameter(IMethodSymbol method, string name)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Name == name)
                {
                    return parameter;
                }
            }

            return null;
        }

        private static ISymbol? FindMember(ITypeSymbol type, string name)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers(name))
                {
                    if (member is IFieldSymbol or IPropertySymbol)
                    {
                        return member;
                    }
                }
            }

            return null;
        }
    }
}
