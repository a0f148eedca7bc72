using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>
    /// What the members named in instance paths say about the objects they link, so that a class
    /// nested on two instances (<c>this.SyncRoot</c>, then <c>this._inner.SyncRoot</c>) can be told apart:
    /// <list type="bullet">
    /// <item>an <b>ownership link</b> is set once, at construction, to a constructor argument, <c>null</c>
    /// or a new object not given <c>this</c>. Following such links never comes back to the object
    /// (an argument existed before it, a new object cannot know it), so nesting one class from an
    /// object to what its ownership links reach always goes one way;</item>
    /// <item>a <b>reassignable self-link</b> (<c>Next</c> with a setter, of the object's own type) can be
    /// set to any object of the type after construction, so following it may come round to where it
    /// started: a ring of such objects nests the class in every order.</item>
    /// </list>
    /// Paths name members by simple name, so facts are kept per name and combine conservatively: a name
    /// is an ownership link only when every source member of that name is one, and a reassignable
    /// self-link when any is. Built once per compilation, on the first question: most compilations never
    /// nest a class on two instances.
    /// </summary>
    internal sealed class InstanceLinks
    {
        private readonly System.Lazy<Dictionary<string, LinkFacts>> _byName;

        public InstanceLinks(Compilation compilation)
        {
            _byName = new System.Lazy<Dictionary<string, LinkFacts>>(() => Collect(compilation), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        }

        [System.Flags]
        private enum LinkFacts
        {
            None = 0,
            NotOwnership = 1,
            ReassignableSelfLink = 2,
        }

        public bool IsOwnershipLink(string memberName) => _byName.Value.TryGetValue(memberName, out var facts) && (facts & LinkFacts.NotOwnership) == 0;

        public bool IsReassignableSelfLink(string memberName) => _byName.Value.TryGetValue(memberName, out var facts) && (facts & LinkFacts.ReassignableSelfLink) != 0;

        private static Dictionary<string, LinkFacts> Collect(Compilation compilation)
        {
            var byName = new Dictionary<string, LinkFacts>(System.StringComparer.Ordinal);
            CollectNamespace(compilation.Assembly.GlobalNamespace, byName);
            return byName;
        }

        private static void CollectNamespace(INamespaceSymbol ns, Dictionary<string, LinkFacts> byName)
        {
            foreach (var member in ns.GetMembers())
            {
                if (member is INamespaceSymbol inner)
                {
                    CollectNamespace(inner, byName);
                }
                else if (member is INamedTypeSymbol type)
                {
                    CollectType(type, byName);
                }
            }
        }

        private static void CollectType(INamedTypeSymbol type, Dictionary<string, LinkFacts> byName)
        {
            foreach (var nested in type.GetTypeMembers())
            {
                CollectType(nested, byName);
            }

            foreach (var member in type.GetMembers())
            {
                switch (member)
                {
                    case IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field:
                        Add(byName, field.Name, Classify(field, field.Type, field.IsReadOnly, !field.IsReadOnly, type));
                        break;
                    case IPropertySymbol { IsStatic: false, IsIndexer: false } property:
                        // A get-only or init-only auto-property is set while the object is created only, as a
                        // readonly field is: an object initializer cannot name the object it initialises.
                        var writable = property.SetMethod is { IsInitOnly: false };
                        var constructionOnly = !writable && IsAutoProperty(property);
                        Add(byName, property.Name, Classify(property, property.Type, constructionOnly, writable, type));
                        break;
                }
            }
        }

        private static void Add(Dictionary<string, LinkFacts> byName, string name, LinkFacts facts)
        {
            byName[name] = byName.TryGetValue(name, out var existing) ? existing | facts : facts;
        }

        private static LinkFacts Classify(ISymbol member, ITypeSymbol memberType, bool constructionOnly, bool writable, INamedTypeSymbol owner)
        {
            if (writable)
            {
                return IsOwnType(memberType, owner) ? LinkFacts.NotOwnership | LinkFacts.ReassignableSelfLink : LinkFacts.NotOwnership;
            }

            return constructionOnly && AssignedOnlyFromArgumentsOrNewObjects(member, owner) ? LinkFacts.None : LinkFacts.NotOwnership;
        }

        /// <summary>The owner's own type, a base of it or an interface it implements: a link that can point at another such object.</summary>
        private static bool IsOwnType(ITypeSymbol memberType, INamedTypeSymbol owner)
        {
            var target = memberType.OriginalDefinition;
            for (var type = (ITypeSymbol?)owner.OriginalDefinition; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, target))
                {
                    return true;
                }
            }

            foreach (var contract in owner.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(contract.OriginalDefinition, target))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsAutoProperty(IPropertySymbol property)
        {
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors }
                    && accessors.Accessors.Count > 0 && accessors.Accessors[0].Body is null && accessors.Accessors[0].ExpressionBody is null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Every value given to a construction-only member, in its initializer or in a constructor of its
        /// type, is a constructor parameter, <c>null</c> or a new object whose arguments do not mention
        /// <c>this</c>. Read from syntax: a readonly member cannot be assigned anywhere else (bar <c>ref</c>
        /// passing in a constructor, which counts as a value the check does not recognise).
        /// </summary>
        private static bool AssignedOnlyFromArgumentsOrNewObjects(ISymbol member, INamedTypeSymbol owner)
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax() switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };
                if (initializer is not null && !IsArgumentOrNewObject(initializer, parameters: null))
                {
                    return false;
                }
            }

            foreach (var constructor in owner.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is not ConstructorDeclarationSyntax declaration)
                    {
                        continue;
                    }

                    foreach (var node in declaration.DescendantNodes())
                    {
                        if (node is AssignmentExpressionSyntax assignment && NamesMember(assignment.Left, member.Name)
                            && !IsArgumentOrNewObject(assignment.Right, declaration.ParameterList))
                        {
                            return false;
                        }

                        if (node is ArgumentSyntax { RefKindKeyword.RawKind: not 0 } byReference && NamesMember(byReference.Expression, member.Name))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }

        private static bool NamesMember(ExpressionSyntax expression, string name) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var accessed } => accessed.Identifier.ValueText == name,
            _ => false,
        };

        private static bool IsArgumentOrNewObject(ExpressionSyntax value, ParameterListSyntax? parameters)
        {
            switch (value)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return IsArgumentOrNewObject(parenthesized.Expression, parameters);
                case LiteralExpressionSyntax literal:
                    return literal.IsKind(SyntaxKind.NullLiteralExpression);
                case BaseObjectCreationExpressionSyntax creation:
                    foreach (var node in creation.DescendantNodesAndSelf())
                    {
                        if (node is ThisExpressionSyntax)
                        {
                            return false;
                        }
                    }

                    return true;
                case IdentifierNameSyntax identifier when parameters is not null:
                    foreach (var parameter in parameters.Parameters)
                    {
                        if (parameter.Identifier.ValueText == identifier.Identifier.ValueText)
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }
    }
}
