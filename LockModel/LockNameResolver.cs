using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.LockModel
{
    /// <summary>The outcome of resolving a lock name written in an attribute.</summary>
    internal readonly struct LockNameResolution
    {
        private LockNameResolution(LockClass? lockClass, InstancePath path, string? failure)
        {
            Class = lockClass;
            Path = path;
            Failure = failure;
        }

        public LockClass? Class { get; }

        /// <summary>Where the lock lives, relative to the annotated member's <c>this</c> or parameters.</summary>
        public InstancePath Path { get; }

        /// <summary>Why the name did not resolve, phrased for the LD0012 message.</summary>
        public string? Failure { get; }

        public static LockNameResolution Resolved(LockClass lockClass, InstancePath path) => new LockNameResolution(lockClass, path, null);

        public static LockNameResolution Failed(string failure) => new LockNameResolution(null, default, failure);
    }

    /// <summary>
    /// Resolves the lock names in attributes, in the order docs/design.md gives: a member of the annotated type
    /// (<c>nameof(_mutex)</c>), a dotted path through parameters and members (<c>"group.Mutex"</c>),
    /// or a <c>[LockClass]</c> name declared anywhere in the compilation.
    /// </summary>
    internal sealed class LockNameResolver
    {
        private readonly KnownSymbols _known;
        private readonly LockClassRegistry _registry;
        private readonly Compilation _compilation;
        private readonly Lazy<SourceIndex> _index;

        public LockNameResolver(Compilation compilation, KnownSymbols known, LockClassRegistry registry)
        {
            _compilation = compilation;
            _known = known;
            _registry = registry;
            _index = new Lazy<SourceIndex>(() => SourceIndex.Build(compilation, known, registry), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>Every source member carrying a lock-order attribute (<c>[AcquiredBefore]</c>, <c>[AcquiredAfter]</c>).</summary>
        public IReadOnlyList<ISymbol> OrderedMembers => _index.Value.OrderedMembers;

        /// <summary>Every name declared with <c>[LockClass]</c> in the compilation.</summary>
        public IEnumerable<string> DeclaredClassNames => _index.Value.DeclaredClassNames.Keys;

        /// <param name="name">The name as written.</param>
        /// <param name="annotated">The method, property or field carrying the attribute; null for assembly attributes.</param>
        public LockNameResolution Resolve(string name, ISymbol? annotated)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return LockNameResolution.Failed("the name is empty");
            }

            var type = annotated as INamedTypeSymbol ?? annotated?.ContainingType;
            var segments = name.Split('.');
            ITypeSymbol? current = null;
            var path = InstancePath.Unknown;
            ISymbol? lastMember = null;
            var first = segments[0];

            if (annotated is IMethodSymbol method && FindParameter(method, first) is { } parameter)
            {
                current = parameter.Type;
                path = InstancePath.Parameter(parameter.Name);
            }
            else if (type is not null && FindMember(type, first) is { } member)
            {
                current = MemberType(member);
                lastMember = member;
                path = member.IsStatic ? InstancePath.Static(type.ToDisplayString()).Member(member.Name) : InstancePath.This.Member(member.Name);
            }
            else if (segments.Length > 1 && FindTypeForPath(segments, out var consumed) is { } owner && FindMember(owner, segments[consumed]) is { } staticMember)
            {
                // "Type.member" or "Namespace.Type.member": how assembly-level orders name members.
                current = MemberType(staticMember);
                lastMember = staticMember;
                path = staticMember.IsStatic ? InstancePath.Static(owner.ToDisplayString()).Member(staticMember.Name) : InstancePath.Unknown;
                segments = Tail(segments, consumed);
            }
            else
            {
                return ResolveDeclaredClassName(name);
            }

            for (var i = 1; i < segments.Length; i++)
            {
                var next = current is null ? null : FindMember(current, segments[i]);
                if (next is null)
                {
                    var declared = ResolveDeclaredClassName(name);
                    return declared.Class is not null
                        ? declared
                        : LockNameResolution.Failed($"'{current?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "?"}' has no field or property '{segments[i]}'");
                }

                current = MemberType(next);
                lastMember = next;
                path = path.Member(next.Name);
            }

            if (current is null || PrimitiveOf(current) is not { } primitive)
            {
                return LockNameResolution.Failed($"'{name}' is of type '{current?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}', which cannot be locked");
            }

            var lockClass = lastMember is not null ? _registry.ForMember(lastMember, primitive) : _registry.ForType(current, primitive);
            return LockNameResolution.Resolved(lockClass, path);
        }

        /// <summary>The lock kind a member of this type is taken with when code names it without an API.</summary>
        public LockPrimitive? PrimitiveOf(ITypeSymbol type)
        {
            if (KnownSymbols.Is(type, _known.ThreadingLock)) return LockPrimitive.ThreadingLock;
            if (KnownSymbols.Is(type, _known.SemaphoreSlim)) return LockPrimitive.SemaphoreSlim;
            if (KnownSymbols.Is(type, _known.ReaderWriterLockSlim)) return LockPrimitive.ReaderWriterLockSlim;
            if (KnownSymbols.Is(type, _known.SpinLock)) return LockPrimitive.SpinLock;
            if (KnownSymbols.IsOrDerives(type, _known.Mutex)) return LockPrimitive.Mutex;
            if (KnownSymbols.Is(type, _known.KMutex)) return LockPrimitive.KMutex;
            if (KnownSymbols.Is(type, _known.KSpinLock)) return LockPrimitive.KSpinLock;
            if (KnownSymbols.Is(type, _known.KRwSem)) return LockPrimitive.KRwSem;
            if (KnownSymbols.Is(type, _known.KLockMap)) return LockPrimitive.KLockMap;
            if (KnownSymbols.Is(type, _known.KRwLock)) return LockPrimitive.KRwLock;
            return type.IsReferenceType ? LockPrimitive.Monitor : (LockPrimitive?)null;
        }

        private static string[] Tail(string[] segments, int from)
        {
            var tail = new string[segments.Length - from];
            System.Array.Copy(segments, from, tail, 0, tail.Length);
            return tail;
        }

        /// <summary>The longest prefix of the path that names a type: a metadata name, or a unique simple name in source.</summary>
        private INamedTypeSymbol? FindTypeForPath(string[] segments, out int consumed)
        {
            for (var length = segments.Length - 1; length >= 1; length--)
            {
                var prefix = string.Join(".", segments, 0, length);
                var type = _compilation.GetTypeByMetadataName(prefix)
                    ?? (length == 1 && _index.Value.TypesBySimpleName.TryGetValue(prefix, out var unique) ? unique : null);
                if (type is not null)
                {
                    consumed = length;
                    return type;
                }
            }

            consumed = 0;
            return null;
        }

        private LockNameResolution ResolveDeclaredClassName(string name)
        {
            if (_index.Value.DeclaredClassNames.TryGetValue(name, out var member) && MemberType(member) is { } type && PrimitiveOf(type) is { } primitive)
            {
                return LockNameResolution.Resolved(_registry.ForName(name, primitive, member), InstancePath.Unknown);
            }

            return LockNameResolution.Failed($"no member, parameter or [LockClass] named '{name.Split('.')[0]}'" + (name.IndexOf('.') >= 0 ? $" (in '{name}')" : string.Empty));
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

        private static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        /// <summary>One walk over the source symbols, made only when a name needs it.</summary>
        private sealed class SourceIndex
        {
            public Dictionary<string, ISymbol> DeclaredClassNames { get; } = new Dictionary<string, ISymbol>(StringComparer.Ordinal);

            /// <summary>Types by simple name; a name declared twice maps to nothing, so it never resolves ambiguously.</summary>
            public Dictionary<string, INamedTypeSymbol?> TypesBySimpleName { get; } = new Dictionary<string, INamedTypeSymbol?>(StringComparer.Ordinal);

            public List<ISymbol> OrderedMembers { get; } = new List<ISymbol>();

            /// <summary>The attributes whose members the index lists: a tree that never names one declares none.</summary>
            private static readonly string[] IndexedAttributeNames = { "AcquiredBefore", "AcquiredAfter", "LockClass" };

            private static readonly Regex AliasOfIndexedAttribute = new Regex(@"using\s+@?\w+\s*=[^;]*(AcquiredBefore|AcquiredAfter|LockClass)", RegexOptions.CultureInvariant);

            /// <summary>What a syntax tree's text says, computed once per tree: the IDE makes a new compilation per edit, with the same trees.</summary>
            private static readonly ConditionalWeakTable<SyntaxTree, TreeFacts> Facts = new ConditionalWeakTable<SyntaxTree, TreeFacts>();

            public static SourceIndex Build(Compilation compilation, KnownSymbols known, LockClassRegistry registry)
            {
                // Only the types declared in trees that name an indexed attribute have their members
                // built and their attributes bound; every other type only contributes its name. Binding
                // every member of the compilation made each per-document request (a keystroke in the
                // IDE) cost a walk of the whole program. An alias of an attribute can hide its name, so
                // a compilation that aliases one is walked in full.
                var candidates = CandidateTrees(compilation);
                var index = new SourceIndex();
                var pending = new Stack<INamespaceOrTypeSymbol>();
                pending.Push(compilation.Assembly.GlobalNamespace);
                while (pending.Count > 0)
                {
                    var container = pending.Pop();
                    var members = container is INamedTypeSymbol owner && candidates is not null && !DeclaredIn(owner, candidates)
                        ? owner.GetTypeMembers().CastArray<ISymbol>()
                        : container.GetMembers();
                    foreach (var member in members)
                    {
                        switch (member)
                        {
                            case INamedTypeSymbol type:
                                index.TypesBySimpleName[type.Name] = index.TypesBySimpleName.ContainsKey(type.Name) ? null : type;
                                pending.Push(type);
                                break;
                            case INamespaceSymbol ns:
                                pending.Push(ns);
                                break;
                            case IFieldSymbol or IPropertySymbol:
                                index.IndexMember(member, known, registry);
                                break;
                        }
                    }
                }

                return index;
            }

            /// <summary>The trees that name an indexed attribute; null when one is aliased (then every tree counts).</summary>
            private static HashSet<SyntaxTree>? CandidateTrees(Compilation compilation)
            {
                var candidates = new HashSet<SyntaxTree>();
                foreach (var tree in compilation.SyntaxTrees)
                {
                    var facts = Facts.GetValue(tree, TreeFacts.Read);
                    if (facts.AliasesIndexedAttribute)
                    {
                        return null;
                    }

                    if (facts.NamesIndexedAttribute)
                    {
                        candidates.Add(tree);
                    }
                }

                return candidates;
            }

            private static bool DeclaredIn(INamedTypeSymbol type, HashSet<SyntaxTree> trees)
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (trees.Contains(reference.SyntaxTree))
                    {
                        return true;
                    }
                }

                return false;
            }

            private sealed class TreeFacts
            {
                public bool NamesIndexedAttribute { get; private set; }

                public bool AliasesIndexedAttribute { get; private set; }

                public static TreeFacts Read(SyntaxTree tree)
                {
                    var text = tree.GetText().ToString();
                    var facts = new TreeFacts();
                    foreach (var name in IndexedAttributeNames)
                    {
                        if (text.IndexOf(name, StringComparison.Ordinal) >= 0)
                        {
                            facts.NamesIndexedAttribute = true;
                            facts.AliasesIndexedAttribute = AliasOfIndexedAttribute.IsMatch(text);
                            break;
                        }
                    }

                    return facts;
                }
            }

            private void IndexMember(ISymbol member, KnownSymbols known, LockClassRegistry registry)
            {
                if (known.LockClassAttribute is null)
                {
                    return;
                }

                var ordered = false;
                foreach (var attribute in member.GetAttributes())
                {
                    if (KnownSymbols.IsAttribute(attribute, known.AcquiredBeforeAttribute) || KnownSymbols.IsAttribute(attribute, known.AcquiredAfterAttribute))
                    {
                        ordered = true;
                    }
                }

                if (ordered)
                {
                    OrderedMembers.Add(member);
                }

                if (registry.DeclaredClassName(member) is { } name && !DeclaredClassNames.ContainsKey(name))
                {
                    DeclaredClassNames.Add(name, member);
                }
            }
        }
    }
}
