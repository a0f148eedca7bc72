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
using Microsoft.CodeAnalysis.Formatting;

namespace LockDiscipline.CodeFixes.Fixes
{
    /// <summary>
    /// LD0007 (Analyzer/Rules/UnbalancedLockRule.cs), at an acquisition left held: pairs the acquiring
    /// statement with the release of the same lock later in the same block, and either moves the release
    /// into a <c>finally</c> around the statements between them, or, for <c>Monitor.Enter</c>/<c>Exit</c>
    /// and <c>Lock.Enter</c>/<c>Exit</c> with no way out between them, turns the pair into a <c>lock</c>
    /// statement or <c>using (x.EnterScope())</c>. Not offered for a try-acquisition or a call with a ref flag,
    /// when the pair is not in one block, when the lock is also released between them (a <c>finally</c> would
    /// release it twice), or when a local declared between them is used after the release (the new block
    /// would end its scope).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnbalancedLockFix)), Shared]
    public sealed class UnbalancedLockFix : CodeFixProvider
    {
        internal const string FinallyKey = "LD0007.ReleaseInFinally";
        internal const string ScopeKey = "LD0007.ConvertToScope";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleCatalog.UnbalancedLock.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (Pair.Find(node, model, context.CancellationToken) is not { } pair)
                {
                    continue;
                }

                var document = context.Document;
                var release = pair.Release.Call.ToString();
                context.RegisterCodeFix(
                    CodeAction.Create($"Release in a finally block ({release})", token => ReleaseInFinallyAsync(document, pair.Acquire.Call.SpanStart, token), FinallyKey),
                    diagnostic);
                if (pair.ScopedForm is { } scoped)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Convert to '{scoped}'", token => ConvertToScopeAsync(document, pair.Acquire.Call.SpanStart, token), ScopeKey),
                        diagnostic);
                }
            }
        }

        private static Task<Document> ReleaseInFinallyAsync(Document document, int acquireStart, CancellationToken cancellationToken)
            => RewriteAsync(document, acquireStart, ReleaseInFinally, cancellationToken);

        private static Task<Document> ConvertToScopeAsync(Document document, int acquireStart, CancellationToken cancellationToken)
            => RewriteAsync(document, acquireStart, pair => pair.ScopedForm is null ? null : ConvertToScope(pair), cancellationToken);

        /// <summary>The pair is found again in the document being fixed: under Fix All, an earlier fix may have moved it.</summary>
        private static async Task<Document> RewriteAsync(Document document, int acquireStart, System.Func<Pair, StatementSyntax[]?> rewrite, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var token = root.FindToken(acquireStart);
            if (token.Parent is null || Pair.Find(token.Parent, model, cancellationToken) is not { } pair || rewrite(pair) is not { } replacement)
            {
                return document;
            }

            var statements = pair.Block.Statements;
            var start = statements.IndexOf(pair.Acquire.Statement);
            var end = statements.IndexOf(pair.Release.Statement);
            var rewritten = new List<StatementSyntax>(statements.Count);
            for (var i = 0; i < start; i++) rewritten.Add(statements[i]);
            rewritten.AddRange(replacement);
            for (var i = end + 1; i < statements.Count; i++) rewritten.Add(statements[i]);
            var block = pair.Block.WithStatements(SyntaxFactory.List(rewritten));
            return document.WithSyntaxRoot(root.ReplaceNode(pair.Block, block));
        }

        private static StatementSyntax[] ReleaseInFinally(Pair pair)
        {
            var release = pair.Release.Statement.WithoutLeadingTrivia();
            var tryStatement = SyntaxFactory.TryStatement(
                SyntaxFactory.Block(pair.Between),
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(release)))
                .WithTrailingTrivia(pair.Release.Statement.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            return new StatementSyntax[] { pair.Acquire.Statement, tryStatement };
        }

        private static StatementSyntax[] ConvertToScope(Pair pair)
        {
            var body = SyntaxFactory.Block(pair.Between);
            var lockExpression = pair.Acquire.LockExpression.WithoutTrivia();
            StatementSyntax scoped = pair.Acquire.Api.Primitive == LockPrimitive.Monitor
                ? SyntaxFactory.LockStatement(lockExpression, body)
                : SyntaxFactory.UsingStatement(
                    null,
                    SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, lockExpression, SyntaxFactory.IdentifierName("EnterScope"))),
                    body);
            return new[]
            {
                scoped.WithLeadingTrivia(pair.Acquire.Statement.GetLeadingTrivia())
                    .WithTrailingTrivia(pair.Release.Statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation),
            };
        }

        /// <summary>An acquiring statement and the statement after it, in the same block, that releases the same lock.</summary>
        private sealed class Pair
        {
            private Pair(BlockSyntax block, LockCallStatement acquire, LockCallStatement release, List<StatementSyntax> between, string? scopedForm)
            {
                Block = block;
                Acquire = acquire;
                Release = release;
                Between = between;
                ScopedForm = scopedForm;
            }

            public BlockSyntax Block { get; }

            public LockCallStatement Acquire { get; }

            public LockCallStatement Release { get; }

            public List<StatementSyntax> Between { get; }

            /// <summary>The scoped statement the pair can become (<c>lock (x)</c>, <c>using (x.EnterScope())</c>), or null.</summary>
            public string? ScopedForm { get; }

            public static Pair? Find(SyntaxNode reported, SemanticModel model, CancellationToken cancellationToken)
            {
                var statement = reported.FirstAncestorOrSelf<StatementSyntax>();
                if (statement?.Parent is not BlockSyntax block)
                {
                    return null;
                }

                var known = new KnownSymbols(model.Compilation);
                if (LockCallStatement.Read(statement, model, known, cancellationToken) is not { } acquire
                    || acquire.Kind != LockOperationKind.Acquire
                    || acquire.Api.ReturnsScope
                    || !acquire.Call.Span.Contains(reported.Span))
                {
                    return null;
                }

                var statements = block.Statements;
                var between = new List<StatementSyntax>();
                for (var i = statements.IndexOf(statement) + 1; i < statements.Count; i++)
                {
                    if (LockCallStatement.Read(statements[i], model, known, cancellationToken) is { } release && release.Releases(acquire))
                    {
                        return Accepts(block, acquire, release, between, model, known, cancellationToken);
                    }

                    between.Add(statements[i]);
                }

                return null;
            }

            private static Pair? Accepts(BlockSyntax block, LockCallStatement acquire, LockCallStatement release, List<StatementSyntax> between, SemanticModel model, KnownSymbols known, CancellationToken cancellationToken)
            {
                if (between.Count == 0
                    || ReleasesInside(between, acquire, model, known, cancellationToken) || DeclaresWhatFollowingUse(block, release, between, model, cancellationToken))
                {
                    return null;
                }

                var scoped = FindScopedForm(acquire, between, model, cancellationToken);
                return new Pair(block, acquire, release, between, scoped);
            }

            /// <summary>The lock is released between the two statements too (on an early-exit path, say).</summary>
            private static bool ReleasesInside(List<StatementSyntax> between, LockCallStatement acquire, SemanticModel model, KnownSymbols known, CancellationToken cancellationToken)
            {
                foreach (var statement in between)
                {
                    foreach (var inner in statement.DescendantNodesAndSelf())
                    {
                        if (inner is ExpressionStatementSyntax candidate
                            && LockCallStatement.Read(candidate, model, known, cancellationToken) is { } release
                            && release.Releases(acquire))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private static bool DeclaresWhatFollowingUse(BlockSyntax block, LockCallStatement release, List<StatementSyntax> between, SemanticModel model, CancellationToken cancellationToken)
            {
                var flow = model.AnalyzeDataFlow(between[0], between[between.Count - 1]);
                if (flow is null || !flow.Succeeded)
                {
                    return true;
                }

                var declared = flow.VariablesDeclared;

                var statements = block.Statements;
                for (var i = statements.IndexOf(release.Statement) + 1; i < statements.Count; i++)
                {
                    foreach (var name in statements[i].DescendantNodes())
                    {
                        if (name is IdentifierNameSyntax
                            && model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol
                            && declared.Contains(symbol, SymbolEqualityComparer.Default))
                        {
                            return true;
                        }
                    }
                }

                foreach (var statement in between)
                {
                    if (statement is LocalFunctionStatementSyntax or LabeledStatementSyntax)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>
            /// A <c>lock</c> or <c>using</c> scope releases on every way out; the explicit pair did only at its end.
            /// So the conversion is offered only where the end is the only way out besides an exception thrown by
            /// a call (the leak LD0007 reports): no return, break, continue, goto, throw, yield or await between them.
            /// </summary>
            private static string? FindScopedForm(LockCallStatement acquire, List<StatementSyntax> between, SemanticModel model, CancellationToken cancellationToken)
            {
                var primitive = acquire.Api.Primitive;
                if (acquire.IsAwaited
                    || (primitive != LockPrimitive.Monitor && primitive != LockPrimitive.ThreadingLock)
                    || acquire.Call.ArgumentList.Arguments.Count != (primitive == LockPrimitive.Monitor ? 1 : 0))
                {
                    return null;
                }

                var flow = model.AnalyzeControlFlow(between[0], between[between.Count - 1]);
                var data = model.AnalyzeDataFlow(between[0], between[between.Count - 1]);
                if (flow is null || data is null || !flow.Succeeded || !flow.ExitPoints.IsEmpty || !flow.EndPointIsReachable || !data.Succeeded
                    || !LockCallStatement.IsStable(acquire.LockExpression, model, data.WrittenInside, cancellationToken))
                {
                    return null;
                }

                foreach (var statement in between)
                {
                    foreach (var node in statement.DescendantNodesAndSelf(descendIntoChildren: child => child is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax))
                    {
                        if (node is ThrowStatementSyntax or ThrowExpressionSyntax or YieldStatementSyntax or AwaitExpressionSyntax
                            || (node is ForEachStatementSyntax forEach && forEach.AwaitKeyword != default)
                            || (node is UsingStatementSyntax usingStatement && usingStatement.AwaitKeyword != default)
                            || (node is LocalDeclarationStatementSyntax declaration && declaration.AwaitKeyword != default))
                        {
                            return null;
                        }
                    }
                }

                var lockText = acquire.LockExpression.WithoutTrivia().ToString();
                return primitive == LockPrimitive.Monitor ? $"lock ({lockText})" : $"using ({lockText}.EnterScope())";
            }
        }
    }
}
