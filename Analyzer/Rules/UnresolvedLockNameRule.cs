using System.Collections.Immutable;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0012: a lock name in an attribute that resolves to nothing lockable. Reported at the argument
    /// that carries the name, per symbol, so it shows as soon as the attribute is typed.
    /// </summary>
    internal static class UnresolvedLockNameRule
    {
        public static void AnalyzeAttributes(ISymbol annotated, ImmutableArray<AttributeData> attributes, Resolvers resolvers, System.Action<Diagnostic> report)
        {
            var known = resolvers.Known;
            var names = resolvers.Names;
            foreach (var attribute in attributes)
            {
                if (attribute.AttributeClass is not { } attributeClass || !known.LockNamingAttributes.Contains(attributeClass, SymbolEqualityComparer.Default))
                {
                    continue;
                }

                var arguments = attribute.ConstructorArguments;
                for (var position = 0; position < arguments.Length; position++)
                {
                    var argument = arguments[position];
                    if (argument.IsNull)
                    {
                        continue;
                    }

                    if (argument.Kind == TypedConstantKind.Array)
                    {
                        for (var element = 0; element < argument.Values.Length; element++)
                        {
                            Check(argument.Values[element].Value as string, position + element, attribute, annotated, names, report);
                        }
                    }
                    else if (argument.Type?.SpecialType == SpecialType.System_String)
                    {
                        Check(argument.Value as string, position, attribute, annotated, names, report);
                    }
                }
            }
        }

        /// <summary>Declared orders that contradict each other: following them, a class would precede itself.</summary>
        public static void AnalyzeDeclaredOrder(DeclaredOrder order, System.Action<Diagnostic> report)
        {
            if (order.IsEmpty)
            {
                return;
            }

            foreach (var contradiction in order.Contradictions())
            {
                report(Diagnostic.Create(
                    RuleCatalog.UnresolvedLockName,
                    contradiction.Location,
                    $"declared lock orders contradict each other: this declaration puts '{contradiction.First}' before '{contradiction.Second}', but other declarations put '{contradiction.Second}' before '{contradiction.First}'"));
            }
        }

        private static void Check(string? name, int syntaxIndex, AttributeData attribute, ISymbol annotated, LockNameResolver names, System.Action<Diagnostic> report)
        {
            if (name is null)
            {
                return;
            }

            var resolution = names.Resolve(name, annotated is IAssemblySymbol ? null : annotated);
            if (resolution.Failure is null)
            {
                return;
            }

            var attributeName = attribute.AttributeClass!.Name;
            if (attributeName.EndsWith("Attribute", System.StringComparison.Ordinal))
            {
                attributeName = attributeName.Substring(0, attributeName.Length - "Attribute".Length);
            }

            report(Diagnostic.Create(RuleCatalog.UnresolvedLockName, ArgumentLocation(attribute, syntaxIndex), $"cannot resolve lock name '{name}' in [{attributeName}]: {resolution.Failure}"));
        }

        /// <summary>The written argument that produced the name; the whole attribute when it came from an explicit array.</summary>
        private static Location ArgumentLocation(AttributeData attribute, int index)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
            {
                var written = syntax.ArgumentList?.Arguments;
                if (written is { } list && index < list.Count && list[index].Expression is not ArrayCreationExpressionSyntax and not ImplicitArrayCreationExpressionSyntax)
                {
                    return list[index].Expression.GetLocation();
                }

                return syntax.GetLocation();
            }

            return Location.None;
        }
    }
}
