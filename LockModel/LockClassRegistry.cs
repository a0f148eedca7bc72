using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.LockModel
{
    /// <summary>
    /// Hands out one <see cref="LockClass"/> per key for the whole compilation, so every body that
    /// touches a lock sees the same object. Thread-safe: bodies are analysed concurrently.
    /// </summary>
    internal sealed class LockClassRegistry
    {
        private readonly ConcurrentDictionary<string, LockClass> _classes = new ConcurrentDictionary<string, LockClass>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<ISymbol, LockCreation> _creations = new ConcurrentDictionary<ISymbol, LockCreation>(SymbolEqualityComparer.Default);
        private readonly KnownSymbols _known;

        public LockClassRegistry(KnownSymbols known) => _known = known;

        /// <summary>The class of a lock held in a field or property: its <c>[LockClass]</c> name, else the member itself.</summary>
        public LockClass ForMember(ISymbol member, LockPrimitive primitive)
        {
            member = member.OriginalDefinition;
            var declaredName = DeclaredClassName(member);
            if (declaredName is not null)
            {
                return ForName(declaredName, primitive, member);
            }

            var key = "member:" + DocId(member);
            return _classes.GetOrAdd(key, k => new LockClass(
                k,
                member.ContainingType.Name + "." + member.Name,
                primitive,
                IsReentrant(primitive, member),
                declaredKind: DeclaredKind(member)));
        }

        /// <summary>The class of a <c>[LockClass("name")]</c>: every member carrying the name shares it.</summary>
        public LockClass ForName(string name, LockPrimitive primitive, ISymbol? declaringMember)
            => _classes.GetOrAdd("name:" + name, k => new LockClass(
                k,
                name,
                primitive,
                IsReentrant(primitive, declaringMember),
                declaredKind: declaringMember is null ? LockKind.Auto : DeclaredKind(declaringMember)));

        private LockKind DeclaredKind(ISymbol member)
        {
            foreach (var attribute in member.GetAttributes())
            {
                if (!KnownSymbols.IsAttribute(attribute, _known.LockClassAttribute))
                {
                    continue;
                }

                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Kind" && argument.Value.Value is int kind && kind >= 0 && kind <= (int)LockKind.RwLock)
                    {
                        return (LockKind)kind;
                    }
                }
            }

            return LockKind.Auto;
        }

        /// <summary>Locks the flow cannot trace to a member (<c>lock (this)</c>, parameters) are classed by static type.</summary>
        public LockClass ForType(ITypeSymbol type, LockPrimitive primitive)
        {
            type = type.OriginalDefinition;
            return _classes.GetOrAdd(LockClass.TypeKeyPrefix + DocId(type), k => new LockClass(
                k,
                type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                primitive,
                IsReentrant(primitive, null)));
        }

        /// <summary>
        /// The lock of <c>lock (typeof(X))</c>: the runtime has one <c>Type</c> object per type, so each
        /// type's object is a class of its own (the class <c>Type</c> would make every such lock one).
        /// </summary>
        public LockClass ForTypeObject(ITypeSymbol type, LockPrimitive primitive)
        {
            type = type.OriginalDefinition;
            return _classes.GetOrAdd(LockClass.TypeObjectKeyPrefix + DocId(type), k => new LockClass(
                k,
                "typeof(" + type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ")",
                primitive,
                IsReentrant(primitive, null)));
        }

        /// <summary>All elements of an array or collection member form one class, as lockdep keys an array of locks.</summary>
        public LockClass ForElement(ISymbol collectionMember, LockPrimitive primitive)
        {
            collectionMember = collectionMember.OriginalDefinition;
            return _classes.GetOrAdd("element:" + DocId(collectionMember), k => new LockClass(
                k,
                collectionMember.ContainingType.Name + "." + collectionMember.Name + "[]",
                primitive,
                IsReentrant(primitive, null)));
        }

        /// <summary>
        /// A nesting subclass (lockdep's <c>mutex_lock_nested</c>): a class of its own, ordered like any
        /// other, so an explicitly ordered nested acquisition of the same lock class is not recursion.
        /// </summary>
        public LockClass ForSubclass(LockClass lockClass, int subclass)
            => subclass == 0
                ? lockClass
                : _classes.GetOrAdd(lockClass.Key + "/" + subclass, k => new LockClass(k, lockClass.DisplayName + "/" + subclass, lockClass.Primitive, lockClass.Reentrant, lockClass, lockClass.DeclaredKind));

        /// <summary>A <c>SemaphoreSlim</c> member is a lock only when it is created with an initial count of 1.</summary>
        public bool IsMutexSemaphore(ISymbol member) => Creation(member).InitialCountIsOne;

        public string? DeclaredClassName(ISymbol member)
        {
            if (_known.LockClassAttribute is null)
            {
                return null;
            }

            foreach (var attribute in member.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _known.LockClassAttribute)
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string name
                    && name.Length > 0)
                {
                    return name;
                }
            }

            return null;
        }

        private bool IsReentrant(LockPrimitive primitive, ISymbol? member) => primitive switch
        {
            LockPrimitive.Monitor => true,
            LockPrimitive.ThreadingLock => true,
            LockPrimitive.Mutex => true,
            LockPrimitive.ReaderWriterLockSlim => member is not null && Creation(member).SupportsRecursion,
            _ => false,
        };

        private LockCreation Creation(ISymbol member) => _creations.GetOrAdd(member.OriginalDefinition, LockCreation.Inspect);

        private static string DocId(ISymbol symbol) => symbol.GetDocumentationCommentId() ?? symbol.ToDisplayString();

        /// <summary>
        /// What the member's creation says about the lock, read from syntax (initializer or constructor
        /// assignment) so that no semantic model of another file is needed.
        /// </summary>
        private readonly struct LockCreation
        {
            private LockCreation(bool initialCountIsOne, bool supportsRecursion)
            {
                InitialCountIsOne = initialCountIsOne;
                SupportsRecursion = supportsRecursion;
            }

            public bool InitialCountIsOne { get; }

            public bool SupportsRecursion { get; }

            public static LockCreation Inspect(ISymbol member)
            {
                var result = default(LockCreation);
                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    var node = reference.GetSyntax();
                    var initializer = node switch
                    {
                        VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                        PropertyDeclarationSyntax property => property.Initializer?.Value,
                        _ => null,
                    };
                    result = result.Merge(FromCreation(initializer));
                }

                foreach (var constructor in member.IsStatic ? member.ContainingType.StaticConstructors : member.ContainingType.InstanceConstructors)
                {
                    foreach (var reference in constructor.DeclaringSyntaxReferences)
                    {
                        foreach (var node in reference.GetSyntax().DescendantNodes())
                        {
                            if (node is AssignmentExpressionSyntax assignment && AssignsMember(assignment.Left, member.Name))
                            {
                                result = result.Merge(FromCreation(assignment.Right));
                            }
                        }
                    }
                }

                return result;
            }

            private LockCreation Merge(LockCreation other)
                => new LockCreation(InitialCountIsOne || other.InitialCountIsOne, SupportsRecursion || other.SupportsRecursion);

            private static bool AssignsMember(ExpressionSyntax left, string name) => left switch
            {
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
                MemberAccessExpressionSyntax access => access.Expression is ThisExpressionSyntax && access.Name.Identifier.ValueText == name,
                _ => false,
            };

            private static LockCreation FromCreation(ExpressionSyntax? expression)
            {
                var arguments = expression switch
                {
                    ObjectCreationExpressionSyntax creation => creation.ArgumentList,
                    ImplicitObjectCreationExpressionSyntax creation => creation.ArgumentList,
                    _ => null,
                };
                if (arguments is null)
                {
                    return default;
                }

                // SemaphoreSlim(initialCount, maxCount) and ReaderWriterLockSlim(recursionPolicy): the first
                // positional argument, unless it is passed by name.
                ExpressionSyntax? first = arguments.Arguments.Count > 0 && arguments.Arguments[0].NameColon is null ? arguments.Arguments[0].Expression : null;
                foreach (var argument in arguments.Arguments)
                {
                    if (argument.NameColon?.Name.Identifier.ValueText is "initialCount" or "recursionPolicy")
                    {
                        first = argument.Expression;
                    }
                }

                var countIsOne = first is LiteralExpressionSyntax literal
                    && literal.IsKind(SyntaxKind.NumericLiteralExpression)
                    && literal.Token.Value is int value
                    && value == 1;
                var recursion = first is MemberAccessExpressionSyntax access && access.Name.Identifier.ValueText == "SupportsRecursion";
                return new LockCreation(countIsOne, recursion);
            }
        }
    }
}
