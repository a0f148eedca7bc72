using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>
    /// Allocation-site types of the elements of private readonly collection fields: when every element a
    /// field's array or collection can ever hold is a <c>new T(...)</c> written in its type, an interface or
    /// virtual call on an element (a <c>foreach</c> variable over the field, or <c>_items[i]</c>) runs only
    /// those types' implementations, not every implementation in the compilation
    /// (<c>IRef[] _watchers = { new Remote() }</c>: <c>watcher.Send()</c> is <c>Remote.Send</c>).
    /// </summary>
    /// <remarks>
    /// Sound for a private readonly field because all its uses are in its type's source: the field itself is
    /// assigned only by initializers and constructors, and each use is checked to be a read that cannot
    /// store an element (a <c>foreach</c>, an element read, <c>Length</c>/<c>Count</c>, <c>Contains</c>,
    /// <c>Remove</c>, <c>Clear</c>) or an <c>Add(new T(...))</c>. Any other use (passed, copied, returned,
    /// an element written, another method called on it) and the types are unknown. Decided on first
    /// question per field and cached for the compilation; most bodies never ask.
    /// </remarks>
    internal sealed class ElementAllocations
    {
        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<IFieldSymbol, ImmutableArray<INamedTypeSymbol>> _byField = new ConcurrentDictionary<IFieldSymbol, ImmutableArray<INamedTypeSymbol>>(SymbolEqualityComparer.Default);

        public ElementAllocations(Compilation compilation)
        {
            _compilation = compilation;
        }

        /// <summary>
        /// The methods a virtual or interface call may run, given what its receiver can be; default when the
        /// receiver is not an element of such a field (or an allocated type's implementation is not known).
        /// </summary>
        public ImmutableArray<IMethodSymbol> Implementations(IOperation call)
        {
            if (call is not IInvocationOperation { Instance: { } instance, TargetMethod: var target } invocation
                || !(invocation.IsVirtual || target.ContainingType.TypeKind == TypeKind.Interface)
                || ElementFieldOf(instance) is not { } field)
            {
                return default;
            }

            var types = _byField.GetOrAdd(field, TypesOf);
            if (types.IsDefault)
            {
                return default;
            }

            var implementations = ImmutableArray.CreateBuilder<IMethodSymbol>(types.Length);
            foreach (var type in types)
            {
                if (ImplementationIn(type, target) is not { } implementation)
                {
                    return default;
                }

                implementations.Add(implementation);
            }

            return implementations.ToImmutable();
        }

        /// <summary>The field whose element the receiver is: a <c>foreach</c> variable over it, or an element read of it.</summary>
        private IFieldSymbol? ElementFieldOf(IOperation receiver)
        {
            while (receiver is IConversionOperation conversion)
            {
                receiver = conversion.Operand;
            }

            switch (receiver)
            {
                case IArrayElementReferenceOperation { ArrayReference: IFieldReferenceOperation array }:
                    return array.Field;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: IFieldReferenceOperation collection }:
                    return collection.Field;
                case ILocalReferenceOperation local:
                    // A foreach iteration variable cannot be assigned, so it is always an element of the collection.
                    foreach (var reference in local.Local.DeclaringSyntaxReferences)
                    {
                        if (reference.GetSyntax() is ForEachStatementSyntax loop
                            && _compilation.GetSemanticModel(loop.SyntaxTree).GetSymbolInfo(loop.Expression).Symbol is IFieldSymbol field)
                        {
                            return field;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static IMethodSymbol? ImplementationIn(INamedTypeSymbol type, IMethodSymbol target)
        {
            if (target.ContainingType.TypeKind == TypeKind.Interface)
            {
                return type.FindImplementationForInterfaceMember(target) as IMethodSymbol;
            }

            var original = target.OriginalDefinition;
            for (var candidate = (INamedTypeSymbol?)type; candidate is not null; candidate = candidate.BaseType)
            {
                foreach (var member in candidate.GetMembers(target.Name))
                {
                    for (var method = member as IMethodSymbol; method is not null; method = method.OverriddenMethod)
                    {
                        if (SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, original))
                        {
                            return (IMethodSymbol)member;
                        }
                    }
                }
            }

            return null;
        }

        private ImmutableArray<INamedTypeSymbol> TypesOf(IFieldSymbol field)
        {
            if (field.DeclaredAccessibility != Accessibility.Private || !field.IsReadOnly || field.ContainingType is not { } owner)
            {
                return default;
            }

            var types = new List<INamedTypeSymbol>();
            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer } && !AddAllocatedElements(initializer, types))
                {
                    return default;
                }
            }

            foreach (var reference in owner.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == field.Name
                        && !IsUseThatStoresOnlyAllocations(identifier, types))
                    {
                        return default;
                    }
                }
            }

            return types.ToImmutableArray();
        }

        /// <summary>
        /// A mention of the field's name (any mention: one of another symbol by the same name only makes the
        /// answer more cautious) that reads the collection or adds new objects to it.
        /// </summary>
        private bool IsUseThatStoresOnlyAllocations(IdentifierNameSyntax identifier, List<INamedTypeSymbol> types)
        {
            ExpressionSyntax use = identifier;
            if (identifier.Parent is MemberAccessExpressionSyntax { Name: var name } qualified && name == identifier)
            {
                use = qualified;
            }

            switch (use.Parent)
            {
                case ForEachStatementSyntax loop when loop.Expression == use:
                    return true;
                case AssignmentExpressionSyntax { Left: var left, Right: var value } assignment when left == use:
                    // A readonly field is assigned only while its object is constructed.
                    return assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && AddAllocatedElements(value, types);
                case ElementAccessExpressionSyntax access when access.Expression == use:
                    return IsRead(access);
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: var member } access when access.Expression == use:
                    switch (member)
                    {
                        case "Length":
                        case "Count":
                            return access.Parent is not InvocationExpressionSyntax;
                        case "Contains":
                        case "Remove":
                        case "Clear":
                            return access.Parent is InvocationExpressionSyntax;
                        case "Add":
                            return access.Parent is InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments }
                                && arguments[0].RefKindKeyword.RawKind == 0
                                && AddAllocation(arguments[0].Expression, types);
                        default:
                            return false;
                    }

                default:
                    return false;
            }
        }

        /// <summary>An element access only read: not assigned, not passed by reference, not a deconstruction target.</summary>
        private static bool IsRead(ExpressionSyntax access) => access.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Right == access,
            ArgumentSyntax argument => argument.RefKindKeyword.RawKind == 0 && argument.Parent is not TupleExpressionSyntax,
            PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or RefExpressionSyntax => false,
            _ => true,
        };

        /// <summary>An array or collection made of new objects only: <c>{ new A(), new B() }</c>, <c>new List&lt;I&gt;()</c>, <c>[new A()]</c>.</summary>
        private bool AddAllocatedElements(ExpressionSyntax value, List<INamedTypeSymbol> types)
        {
            switch (value)
            {
                case InitializerExpressionSyntax elements:
                    return AddAllocations(elements.Expressions, types);
                case ArrayCreationExpressionSyntax array:
                    // Without an initializer the elements start null, which calls nothing.
                    return array.Initializer is null || AddAllocations(array.Initializer.Expressions, types);
                case ImplicitArrayCreationExpressionSyntax array:
                    return AddAllocations(array.Initializer.Expressions, types);
                case BaseObjectCreationExpressionSyntax creation:
                    // A collection created empty (no argument could be another collection to copy), then its initializer.
                    return creation.ArgumentList is not { Arguments.Count: > 0 }
                        && (creation.Initializer is null || (creation.Initializer.IsKind(SyntaxKind.CollectionInitializerExpression) && AddAllocations(creation.Initializer.Expressions, types)));
                case CollectionExpressionSyntax collection:
                    foreach (var element in collection.Elements)
                    {
                        if (element is not ExpressionElementSyntax { Expression: var item } || !AddAllocation(item, types))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        private bool AddAllocations(SeparatedSyntaxList<ExpressionSyntax> items, List<INamedTypeSymbol> types)
        {
            foreach (var item in items)
            {
                if (!AddAllocation(item, types))
                {
                    return false;
                }
            }

            return true;
        }

        private bool AddAllocation(ExpressionSyntax item, List<INamedTypeSymbol> types)
        {
            if (item is not BaseObjectCreationExpressionSyntax creation
                || _compilation.GetSemanticModel(creation.SyntaxTree).GetTypeInfo(creation).Type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
            {
                return false;
            }

            foreach (var known in types)
            {
                if (SymbolEqualityComparer.Default.Equals(known, type))
                {
                    return true;
                }
            }

            types.Add(type);
            return true;
        }
    }
}
