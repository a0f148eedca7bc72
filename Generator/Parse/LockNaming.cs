using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>
    /// Names and kinds of lock classes, exactly as the analyzer's <c>LockClassRegistry</c> names them, so a
    /// runtime report and a build diagnostic speak of the same class: the member's <c>[LockClass]</c> name,
    /// else <c>ContainingTypeSimpleName.Member</c>; the elements of an array or collection member are
    /// <c>ContainingTypeSimpleName.Member[]</c>.
    /// </summary>
    internal static class LockNaming
    {
        public static string ClassOfMember(ISymbol member)
        {
            member = member.OriginalDefinition;
            return DeclaredClassName(member) ?? member.ContainingType.Name + "." + member.Name;
        }

        public static string ClassOfElements(ISymbol collectionMember)
        {
            collectionMember = collectionMember.OriginalDefinition;
            return collectionMember.ContainingType.Name + "." + collectionMember.Name + "[]";
        }

        /// <summary>The non-empty name of the member's <c>[LockClass]</c>, or null.</summary>
        public static string? DeclaredClassName(ISymbol member)
        {
            foreach (var attribute in member.GetAttributes())
            {
                if (IsAttribute(attribute, "LockClassAttribute")
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string name
                    && name.Length > 0)
                {
                    return name;
                }
            }

            return null;
        }

        /// <summary>The kind a member's <c>[LockClass(Kind = ...)]</c> sets, or 0 (<c>LockKind.Auto</c>).</summary>
        public static int DeclaredKind(ISymbol member)
        {
            foreach (var attribute in member.GetAttributes())
            {
                if (!IsAttribute(attribute, "LockClassAttribute"))
                {
                    continue;
                }

                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Kind" && named.Value.Value is int kind)
                    {
                        return kind;
                    }
                }
            }

            return 0;
        }

        /// <summary>
        /// The engine's <c>LockClassKind</c> member for a lock held in a member of this type: the declared
        /// <c>LockKind</c> when not Auto, else read from the type; anything else locked is a monitor.
        /// </summary>
        public static string KindOf(ITypeSymbol? type, int declaredKind)
        {
            switch (declaredKind)
            {
                case 1: return "Mutex";
                case 2: return "SpinLock";
                case 3: return "RwSemaphore";
                case 4: return "PerCpuRwSemaphore";
                case 5: return "LockMap";
            }

            if (type is IArrayTypeSymbol array)
            {
                type = array.ElementType;
            }

            if (type is null)
            {
                return "Monitor";
            }

            if (IsType(type, "LockDiscipline", "KMutex")) return "Mutex";
            if (IsType(type, "LockDiscipline", "KSpinLock")) return "SpinLock";
            if (IsType(type, "LockDiscipline", "KRwSem")) return "RwSemaphore";
            if (IsType(type, "LockDiscipline", "KLockMap")) return "LockMap";
            if (IsType(type, "System.Threading", "Lock")) return "ThreadingLock";
            if (IsType(type, "System.Threading", "SemaphoreSlim")) return "SemaphoreSlim";
            if (IsType(type, "System.Threading", "ReaderWriterLockSlim")) return "ReaderWriterLockSlim";
            if (IsType(type, "System.Threading", "SpinLock")) return "SpinLock";
            return "Monitor";
        }

        /// <summary>Whether a value of this type can be locked at all (the analyzer's <c>PrimitiveOf</c> is not null).</summary>
        public static bool IsLockable(ITypeSymbol type)
            => type.IsReferenceType || IsType(type, "System.Threading", "SpinLock");

        public static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        public static bool IsAttribute(AttributeData attribute, string name)
            => attribute.AttributeClass is { } type && type.Name == name && IsNamespace(type.ContainingNamespace, "LockDiscipline");

        public static bool IsType(ITypeSymbol type, string containingNamespace, string name)
            => type.OriginalDefinition is INamedTypeSymbol named
                && named.Name == name
                && named.Arity == 0
                && named.ContainingType is null
                && IsNamespace(named.ContainingNamespace, containingNamespace);

        private static bool IsNamespace(INamespaceSymbol? symbol, string dotted)
        {
            var parts = dotted.Split('.');
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                if (symbol is null || symbol.Name != parts[i])
                {
                    return false;
                }

                symbol = symbol.ContainingNamespace;
            }

            return symbol is not null && symbol.IsGlobalNamespace;
        }

        /// <summary>
        /// A <c>SemaphoreSlim</c> member is a lock only when it is created with an initial count of 1: the
        /// analyzer's rule, read the same way from the initializer or a constructor assignment.
        /// </summary>
        public static bool IsMutexSemaphore(ISymbol member)
        {
            member = member.OriginalDefinition;
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax() switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };
                if (CreatesWithCountOne(initializer))
                {
                    return true;
                }
            }

            foreach (var constructor in member.IsStatic ? member.ContainingType.StaticConstructors : member.ContainingType.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    foreach (var node in reference.GetSyntax().DescendantNodes())
                    {
                        if (node is AssignmentExpressionSyntax assignment && AssignsMember(assignment.Left, member.Name) && CreatesWithCountOne(assignment.Right))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool AssignsMember(ExpressionSyntax left, string name) => left switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax access => access.Expression is ThisExpressionSyntax && access.Name.Identifier.ValueText == name,
            _ => false,
        };

        private static bool CreatesWithCountOne(ExpressionSyntax? expression)
        {
            var arguments = expression switch
            {
                ObjectCreationExpressionSyntax creation => creation.ArgumentList,
                ImplicitObjectCreationExpressionSyntax creation => creation.ArgumentList,
                _ => null,
            };
            return arguments is { Arguments.Count: > 0 }
                && arguments.Arguments[0].Expression is LiteralExpressionSyntax literal
                && literal.IsKind(SyntaxKind.NumericLiteralExpression)
                && literal.Token.Value is int value
                && value == 1;
        }
    }
}
