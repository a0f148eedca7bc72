using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzer.Rules;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes.Fixes
{
    /// <summary>
    /// LD0012 (Analyzer/Rules/UnresolvedLockNameRule.cs), at a lock name written as a string literal that
    /// resolves to nothing: replaces it with the one nearest name (by edit distance) that does resolve, as
    /// the analyzer's name resolver decides, among the members of the type, the parameters of the method,
    /// one member further through each of them, and the <c>[LockClass]</c> names. Offered only when that
    /// name is close (at most three edits, and at most one per three characters written, one for a shorter name) and no other
    /// name is as close; not offered for the contradicting-orders form of LD0012 or a <c>nameof</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnresolvedLockNameFix)), Shared]
    public sealed class UnresolvedLockNameFix : CodeFixProvider
    {
        private const int MaxEdits = 3;

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleCatalog.UnresolvedLockName.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            LockModelContext? lockModel = null;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                    || !literal.IsKind(SyntaxKind.StringLiteralExpression)
                    || literal.FirstAncestorOrSelf<AttributeSyntax>() is null)
                {
                    continue;
                }

                lockModel ??= new LockModelContext(model.Compilation);
                var written = literal.Token.ValueText;
                var annotated = Annotated(literal, model, context.CancellationToken);
                if (Nearest(written, annotated, lockModel.Names) is not { } replacement)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Replace '{written}' with '{replacement}'",
                        _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(
                            literal,
                            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replacement)).WithTriviaFrom(literal)))),
                        "LD0012.NearestName"),
                    diagnostic);
            }
        }

        /// <summary>The member the attribute is on, as the rule resolves names against it; null for an assembly attribute.</summary>
        private static ISymbol? Annotated(SyntaxNode attributeArgument, SemanticModel model, CancellationToken cancellationToken)
        {
            var list = attributeArgument.FirstAncestorOrSelf<AttributeListSyntax>();
            if (list?.Parent is not { } owner || owner is CompilationUnitSyntax)
            {
                return null;
            }

            if (owner is BaseFieldDeclarationSyntax field && field.Declaration.Variables.Count > 0)
            {
                return model.GetDeclaredSymbol(field.Declaration.Variables[0], cancellationToken);
            }

            return model.GetDeclaredSymbol(owner, cancellationToken);
        }

        private static string? Nearest(string written, ISymbol? annotated, LockNameResolver names)
        {
            var limit = System.Math.Min(MaxEdits, System.Math.Max(1, written.Length / 3));
            string? best = null;
            var bestDistance = int.MaxValue;
            var tied = false;
            foreach (var candidate in Candidates(annotated, names))
            {
                var distance = EditDistance(written, candidate);
                if (distance > limit || distance > bestDistance || distance == 0 || names.Resolve(candidate, annotated).Failure is not null)
                {
                    continue;
                }

                if (distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                    tied = false;
                }
                else if (candidate != best)
                {
                    tied = true;
                }
            }

            return tied ? null : best;
        }

        /// <summary>The names a lock name could have meant, resolvable or not: the resolver decides which resolve.</summary>
        private static IEnumerable<string> Candidates(ISymbol? annotated, LockNameResolver names)
        {
            foreach (var declared in names.DeclaredClassNames)
            {
                yield return declared;
            }

            if (annotated is IMethodSymbol method)
            {
                foreach (var parameter in method.Parameters)
                {
                    yield return parameter.Name;
                    foreach (var member in FieldsAndProperties(parameter.Type))
                    {
                        yield return parameter.Name + "." + member.Name;
                    }
                }
            }

            var type = annotated as INamedTypeSymbol ?? annotated?.ContainingType;
            if (type is null)
            {
                yield break;
            }

            foreach (var member in FieldsAndProperties(type))
            {
                yield return member.Name;
                if (TypeOf(member) is { } memberType)
                {
                    foreach (var inner in FieldsAndProperties(memberType))
                    {
                        yield return member.Name + "." + inner.Name;
                    }
                }
            }
        }

        private static IEnumerable<ISymbol> FieldsAndProperties(ITypeSymbol type)
        {
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol { IsIndexer: false })
                    {
                        yield return member;
                    }
                }
            }
        }

        private static ITypeSymbol? TypeOf(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        /// <summary>
        /// Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one
        /// edit (optimal string alignment): "_lokc" is one edit from "_lock", as a typist would count it.
        /// </summary>
        internal static int EditDistance(string from, string to)
        {
            var distances = new int[from.Length + 1, to.Length + 1];
            for (var i = 0; i <= from.Length; i++) distances[i, 0] = i;
            for (var j = 0; j <= to.Length; j++) distances[0, j] = j;
            for (var i = 1; i <= from.Length; i++)
            {
                for (var j = 1; j <= to.Length; j++)
                {
                    var cost = from[i - 1] == to[j - 1] ? 0 : 1;
                    var best = System.Math.Min(distances[i - 1, j - 1] + cost, System.Math.Min(distances[i - 1, j] + 1, distances[i, j - 1] + 1));
                    if (i > 1 && j > 1 && from[i - 1] == to[j - 2] && from[i - 2] == to[j - 1])
                    {
                        best = System.Math.Min(best, distances[i - 2, j - 2] + 1);
                    }

                    distances[i, j] = best;
                }
            }

            return distances[from.Length, to.Length];
        }
    }
}
