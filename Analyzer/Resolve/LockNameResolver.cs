using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Resolve
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
    /// Resolves the lock names in attributes, in DESIGN.md's order: a member of the annotated type
    /// (<c>nameof(_mutex)</c>), a dotted path through parameters and members (<c>"group.Mutex"</c>),
    /// or a <c>[LockClass]</c> name declared anywhere in the compilation.
    /// </summary>
    internal sealed class LockNameResolver
    {
        private readonly KnownSymbols _known;
        private readonly LockClassRegistry _registry;
        private readonly Lazy<Dictionary<string, ISymbol>> _declaredClassNames;

        public LockNameResolver(Compilation compilation, KnownSymbols known, LockClassRegistry registry)
        {
            _known = known;
            _registry = registry;
            _declaredClassNames = new Lazy<Dictionary<string, ISymbol>>(() => IndexDeclaredClassNames(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
        }

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
            return type.IsReferenceType ? LockPrimitive.Monitor : (LockPrimitive?)null;
        }

        private LockNameResolution ResolveDeclaredClassName(string name)
        {
            if (_declaredClassNames.Value.TryGetValue(name, out var member) && MemberType(member) is { } type && PrimitiveOf(type) is { } primitive)
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

        private Dictionary<string, ISymbol> IndexDeclaredClassNames(Compilation compilation)
        {
            var index = new Dictionary<string, ISymbol>(StringComparer.Ordinal);
            if (_known.LockClassAttribute is null)
            {
                return index;
            }

            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                foreach (var member in pending.Pop().GetMembers())
                {
                    switch (member)
                    {
                        case INamespaceOrTypeSymbol container:
                            pending.Push(container);
                            break;
                        case IFieldSymbol or IPropertySymbol:
                            if (_registry.DeclaredClassName(member) is { } name && !index.ContainsKey(name))
                            {
                                index.Add(name, member);
                            }

                            break;
                    }
                }
            }

            return index;
        }
    }
}
