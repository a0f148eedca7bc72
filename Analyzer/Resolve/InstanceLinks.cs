using System.Collections.Concurrent;
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
    /// self-link when any is. Each name is looked up on its first question only, through the
    /// compilation's declaration index (<see cref="Compilation.GetSymbolsWithName(string, SymbolFilter, System.Threading.CancellationToken)"/>),
    /// and only the members of that name are read: most compilations never nest a class on two instances,
    /// and one that does asks about a few names, so an edit in the IDE (a new compilation) does not walk
    /// every type again. The same facts say which steps of a path come back to the object (<see cref="Canonical"/>).
    /// </summary>
    internal sealed class InstanceLinks
    {
        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<string, NameFacts> _byName = new ConcurrentDictionary<string, NameFacts>(System.StringComparer.Ordinal);

        public InstanceLinks(Compilation compilation)
        {
            _compilation = compilation;
        }

        [System.Flags]
        private enum LinkFacts
        {
            None = 0,
            NotOwnership = 1,
            ReassignableSelfLink = 2,
            SelfDelegate = 4,
            NotSelfDelegate = 8,
        }

        public bool IsOwnershipLink(string memberName) => For(memberName) is { Declared: true } name && (name.Facts & LinkFacts.NotOwnership) == 0;

        public bool IsReassignableSelfLink(string memberName) => (For(memberName).Facts & LinkFacts.ReassignableSelfLink) != 0;

        /// <summary>
        /// The path with every step that provably comes back to the object before it taken out: a delegate
        /// slot only ever bound to methods of its own object (<c>this._onCompleted</c>, as the receiver of the
        /// delegate's target, is <c>this</c>), and a back-reference pair (<c>this._buffer._owner</c> is
        /// <c>this</c> when <c>_buffer</c> is only ever <c>new WriteBuffer(this)</c> and that constructor keeps
        /// its argument in the readonly <c>_owner</c>). Reentrancy is then seen through such calls.
        /// </summary>
        public string Canonical(string path)
        {
            if (path.IndexOf('.') < 0)
            {
                return path;
            }

            var segments = path.Split('.');
            var kept = new List<string>(segments.Length) { segments[0] };
            for (var i = 1; i < segments.Length; i++)
            {
                var segment = segments[i];
                if ((For(segment).Facts & (LinkFacts.SelfDelegate | LinkFacts.NotSelfDelegate)) == LinkFacts.SelfDelegate)
                {
                    continue;
                }

                if (kept.Count > 1 && For(kept[kept.Count - 1]).BackReference == segment)
                {
                    kept.RemoveAt(kept.Count - 1);
                    continue;
                }

                kept.Add(segment);
            }

            return kept.Count == segments.Length ? path : string.Join(".", kept);
        }

        private NameFacts For(string name) => _byName.GetOrAdd(name, key => new NameFacts(_compilation, key));

        /// <summary>The facts of every source member of one name, combined.</summary>
        private sealed class NameFacts
        {
            private readonly Compilation _compilation;
            private bool _backReferenceSeen;

            public NameFacts(Compilation compilation, string name)
            {
                _compilation = compilation;
                foreach (var symbol in compilation.GetSymbolsWithName(name, SymbolFilter.Member))
                {
                    if (symbol.ContainingType is not { } type)
                    {
                        continue;
                    }

                    switch (symbol)
                    {
                        case IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field:
                            Add(Classify(field, field.Type, field.IsReadOnly, !field.IsReadOnly, type) | DelegateFacts(field, type));
                            AddBackReference(field, field.IsReadOnly, type);
                            break;
                        case IPropertySymbol { IsStatic: false, IsIndexer: false } property:
                            // A get-only or init-only auto-property is set while the object is created only, as a
                            // readonly field is: an object initializer cannot name the object it initialises.
                            var writable = property.SetMethod is { IsInitOnly: false };
                            var constructionOnly = !writable && IsAutoProperty(property);
                            Add(Classify(property, property.Type, constructionOnly, writable, type) | LinkFacts.NotSelfDelegate);
                            AddBackReference(property, constructionOnly, type);
                            break;
                    }
                }
            }

            /// <summary>Whether any source member (instance field or property) has the name.</summary>
            public bool Declared { get; private set; }

            public LinkFacts Facts { get; private set; }

            /// <summary>The inner member name that leads back to the object; null when none, or when members of the name disagree.</summary>
            public string? BackReference { get; private set; }

            private void Add(LinkFacts facts)
            {
                Declared = true;
                Facts |= facts;
            }

            private void AddBackReference(ISymbol member, bool constructionOnly, INamedTypeSymbol owner)
            {
                var inner = constructionOnly ? BackReferenceOf(member, owner) : null;
                BackReference = _backReferenceSeen && BackReference != inner ? null : inner;
                _backReferenceSeen = true;
            }

            private SemanticModel Model(SyntaxTree tree) => _compilation.GetSemanticModel(tree);

            /// <summary>
            /// A private delegate field every assignment of which (anywhere in its type) is <c>null</c> or a
            /// method group of the object itself: whatever it calls runs on the object that holds it.
            /// </summary>
            private LinkFacts DelegateFacts(IFieldSymbol field, INamedTypeSymbol owner)
            {
                if (field.Type.TypeKind != TypeKind.Delegate)
                {
                    return LinkFacts.NotSelfDelegate;
                }

                if (field.DeclaredAccessibility != Accessibility.Private)
                {
                    return LinkFacts.NotSelfDelegate;
                }

                var bound = false;
                foreach (var reference in owner.DeclaringSyntaxReferences)
                {
                    foreach (var node in reference.GetSyntax().DescendantNodes())
                    {
                        ExpressionSyntax? target = node switch
                        {
                            AssignmentExpressionSyntax assignment => assignment.Left,
                            ArgumentSyntax { RefKindKeyword.RawKind: not 0 } byReference => byReference.Expression,
                            _ => null,
                        };
                        if (target is null || !Mentions(target, field.Name))
                        {
                            continue;
                        }

                        if (node is not AssignmentExpressionSyntax { Right: var value } || !NamesMember(target, field.Name) || !IsNullOrOwnMethodGroup(value, owner))
                        {
                            return LinkFacts.NotSelfDelegate;
                        }

                        bound = true;
                    }
                }

                foreach (var reference in field.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer })
                    {
                        if (!IsNullOrOwnMethodGroup(initializer, owner))
                        {
                            return LinkFacts.NotSelfDelegate;
                        }

                        bound = true;
                    }
                }

                return bound ? LinkFacts.SelfDelegate : LinkFacts.NotSelfDelegate;
            }

            private bool IsNullOrOwnMethodGroup(ExpressionSyntax value, INamedTypeSymbol owner)
            {
                if (value is LiteralExpressionSyntax literal)
                {
                    return literal.IsKind(SyntaxKind.NullLiteralExpression);
                }

                if (value is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }))
                {
                    return false;
                }

                var symbol = Model(value.SyntaxTree).GetSymbolInfo(value).Symbol;
                if (symbol is not IMethodSymbol { IsStatic: false } method)
                {
                    return false;
                }

                for (var type = (INamedTypeSymbol?)owner; type is not null; type = type.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, type.OriginalDefinition))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>
            /// A construction-only member every value of which is <c>new T(..., this, ...)</c> with <c>this</c> in
            /// one position, where that constructor of <c>T</c> keeps the parameter in a construction-only member
            /// of <c>T</c> and assigns that member nothing else: <c>outer.inner</c> is the object itself.
            /// </summary>
            private string? BackReferenceOf(ISymbol member, INamedTypeSymbol owner)
            {
                string? agreed = null;
                foreach (var value in ValuesOf(member, owner))
                {
                    if (value is not BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } creation
                        || Model(creation.SyntaxTree).GetSymbolInfo(creation).Symbol is not IMethodSymbol constructor)
                    {
                        return null;
                    }

                    var position = -1;
                    for (var i = 0; i < arguments.Arguments.Count; i++)
                    {
                        if (arguments.Arguments[i] is { NameColon: null, RefKindKeyword.RawKind: 0, Expression: ThisExpressionSyntax })
                        {
                            position = i;
                        }
                    }

                    var inner = position < 0 || position >= constructor.Parameters.Length ? null : KeeperOf(constructor, constructor.Parameters[position].Name);
                    if (inner is null || (agreed is not null && agreed != inner))
                    {
                        return null;
                    }

                    agreed = inner;
                }

                return agreed;
            }

            /// <summary>The construction-only member of the constructor's type that keeps the parameter, and nothing else.</summary>
            private static string? KeeperOf(IMethodSymbol constructor, string parameter)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is not ConstructorDeclarationSyntax { Initializer: null } declaration)
                    {
                        continue;
                    }

                    foreach (var node in declaration.DescendantNodes())
                    {
                        if (node is AssignmentExpressionSyntax { Right: IdentifierNameSyntax value } assignment
                            && value.Identifier.ValueText == parameter
                            && assignment.Left is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
                        {
                            var name = assignment.Left is IdentifierNameSyntax identifier ? identifier.Identifier.ValueText : ((MemberAccessExpressionSyntax)assignment.Left).Name.Identifier.ValueText;
                            foreach (var candidate in constructor.ContainingType.GetMembers(name))
                            {
                                var keeps = candidate switch
                                {
                                    IFieldSymbol { IsReadOnly: true, IsStatic: false } => true,
                                    IPropertySymbol { SetMethod: null, IsStatic: false } property => IsAutoProperty(property),
                                    _ => false,
                                };
                                if (keeps && OnlyValueIsParameter(candidate, declaration, parameter))
                                {
                                    return name;
                                }
                            }
                        }
                    }
                }

                return null;
            }

            private static bool OnlyValueIsParameter(ISymbol member, ConstructorDeclarationSyntax declaration, string parameter)
            {
                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer: not null } or PropertyDeclarationSyntax { Initializer: not null })
                    {
                        return false;
                    }
                }

                foreach (var node in declaration.DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax assignment && NamesMember(assignment.Left, member.Name)
                        && !(assignment.Right is IdentifierNameSyntax value && value.Identifier.ValueText == parameter && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)))
                    {
                        return false;
                    }
                }

                return true;
            }

            /// <summary>Every value a construction-only member is given: its initializer and its assignments in constructors.</summary>
            private static IEnumerable<ExpressionSyntax> ValuesOf(ISymbol member, INamedTypeSymbol owner)
            {
                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    var initializer = reference.GetSyntax() switch
                    {
                        VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                        PropertyDeclarationSyntax property => property.Initializer?.Value,
                        _ => null,
                    };
                    if (initializer is not null)
                    {
                        yield return initializer;
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
                            if (node is AssignmentExpressionSyntax assignment && NamesMember(assignment.Left, member.Name))
                            {
                                yield return assignment.Right;
                            }
                        }
                    }
                }
            }
        }

        private static LinkFacts Classify(ISymbol member, ITypeSymbol memberType, bool constructionOnly, bool writable, INamedTypeSymbol owner)
        {
            if (writable)
            {
                return IsOwnType(memberType, owner) ? LinkFacts.NotOwnership | LinkFacts.ReassignableSelfLink : LinkFacts.NotOwnership;
            }

            return constructionOnly && AssignedOnlyFromArgumentsOrNewObjects(member, owner) ? LinkFacts.None : LinkFacts.NotOwnership;
        }

        /// <summary>An expression that names the member anywhere in it: <c>_slot</c>, <c>this._slot</c>, <c>other._slot</c>.</summary>
        private static bool Mentions(ExpressionSyntax expression, string name) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == name,
            _ => false,
        };

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
