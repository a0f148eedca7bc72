using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzer.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace LockDiscipline.CodeFixes.Fixes
{
    /// <summary>
    /// The rules with no rewrite of their own (a cycle, an IRQ state, recursion: the cure is a design
    /// decision): a <c>[SuppressMessage("LockDiscipline", "LDxxxx:Title", Justification = "&lt;Pending&gt;")]</c>
    /// on the member that holds the reported site, for the reviewer to fill in. The IDE's own suppression
    /// writes a <c>#pragma</c>; this is the attribute form, which keeps the reason next to the member.
    /// Fix All adds one attribute per member and rule, however many sites the member has.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SuppressWithJustificationFix)), Shared]
    public sealed class SuppressWithJustificationFix : CodeFixProvider
    {
        internal const string Pending = "<Pending>";

        /// <summary>The rules this fix serves, with the titles the attribute's check ID carries (from the rules' catalog).</summary>
        private static readonly ImmutableDictionary<string, string> Titles = new[]
        {
            RuleCatalog.CircularLockDependency,
            RuleCatalog.DeclaredOrderViolation,
            RuleCatalog.RecursiveLocking,
            RuleCatalog.InconsistentLockState,
            RuleCatalog.IrqSafeToUnsafeOrder,
            RuleCatalog.SleepInAtomicContext,
            RuleCatalog.TryAcquireReturnsWrongly,
            RuleCatalog.WaitForWorkHoldingItsLock,
            RuleCatalog.IndistinguishableNesting,
        }.ToImmutableDictionary(rule => rule.Id, rule => rule.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = Titles.Keys.OrderBy(id => id, System.StringComparer.Ordinal).ToImmutableArray();

        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Location.IsInSource || Target(root, diagnostic) is not { } member)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Suppress {diagnostic.Id} on {Describe(member)} with a justification",
                        token => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(member, WithSuppressions(member, new[] { diagnostic.Id })))),
                        "SuppressWithJustification." + diagnostic.Id),
                    diagnostic);
            }
        }

        private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            var idsByMember = new Dictionary<MemberDeclarationSyntax, SortedSet<string>>();
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Location.IsInSource && Target(root, diagnostic) is { } member)
                {
                    if (!idsByMember.TryGetValue(member, out var ids))
                    {
                        idsByMember[member] = ids = new SortedSet<string>(System.StringComparer.Ordinal);
                    }

                    ids.Add(diagnostic.Id);
                }
            }

            // A type and one of its members may both be targets: the rewrite keeps the inner one's attribute.
            var fixedRoot = root.ReplaceNodes(idsByMember.Keys, (original, rewritten) => WithSuppressions(rewritten, idsByMember[original]));
            return document.WithSyntaxRoot(fixedRoot);
        }

        /// <summary>The member whose declaration holds the reported site: a method, property, field or event, else the type.</summary>
        private static MemberDeclarationSyntax? Target(SyntaxNode root, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            foreach (var ancestor in node.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case BaseMethodDeclarationSyntax:
                    case BasePropertyDeclarationSyntax:
                    case BaseFieldDeclarationSyntax:
                    case BaseTypeDeclarationSyntax:
                        return (MemberDeclarationSyntax)ancestor;
                }
            }

            return null;
        }

        private static string Describe(MemberDeclarationSyntax member) => member switch
        {
            MethodDeclarationSyntax method => $"'{method.Identifier.ValueText}'",
            ConstructorDeclarationSyntax constructor => $"the constructor of '{constructor.Identifier.ValueText}'",
            PropertyDeclarationSyntax property => $"'{property.Identifier.ValueText}'",
            BaseTypeDeclarationSyntax type => $"'{type.Identifier.ValueText}'",
            _ => "the member",
        };

        private static MemberDeclarationSyntax WithSuppressions(MemberDeclarationSyntax member, IEnumerable<string> ids)
        {
            var lists = new List<AttributeListSyntax>();
            foreach (var id in ids)
            {
                lists.Add(SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(Suppression(id))).WithAdditionalAnnotations(Formatter.Annotation));
            }

            // The attributes go where the member's first token was, so its leading trivia (comments) stays above
            // them; only they are formatted, so the member's own layout is left as the user wrote it.
            var leading = member.GetLeadingTrivia();
            var bare = member.WithoutLeadingTrivia();
            var result = bare.WithAttributeLists(bare.AttributeLists.InsertRange(0, lists));
            return result.WithLeadingTrivia(leading);
        }

        private static AttributeSyntax Suppression(string id)
        {
            var name = SyntaxFactory.ParseName("System.Diagnostics.CodeAnalysis.SuppressMessage").WithAdditionalAnnotations(Simplifier.Annotation);
            return SyntaxFactory.Attribute(
                name,
                SyntaxFactory.AttributeArgumentList(SyntaxFactory.SeparatedList(new[]
                {
                    SyntaxFactory.AttributeArgument(Literal("LockDiscipline")),
                    SyntaxFactory.AttributeArgument(Literal(id + ":" + Titles[id])),
                    SyntaxFactory.AttributeArgument(Literal(Pending)).WithNameEquals(SyntaxFactory.NameEquals("Justification")),
                })));
        }

        private static LiteralExpressionSyntax Literal(string text)
            => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text));
    }
}
