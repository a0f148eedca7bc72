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
using Microsoft.CodeAnalysis.Simplification;

namespace LockDiscipline.CodeFixes.Fixes
{
    /// <summary>
    /// LD0011 (Analyzer/Rules/ThreadAffineLockAcrossAwaitRule.cs), at an <c>await</c> with a thread-affine lock
    /// held: turns the lock into a <c>SemaphoreSlim(1, 1)</c>, which has no owner thread, when it is a private
    /// readonly field of a type declared in one place and every use of it is an explicit acquire or release
    /// statement (<c>Monitor.Enter(_gate);</c>/<c>Monitor.Exit(_gate);</c>, <c>_lock.Enter();</c>/<c>_lock.Exit();</c>).
    /// Each acquisition becomes <c>await _gate.WaitAsync();</c> in an async method and <c>_gate.Wait();</c>
    /// elsewhere, each release <c>_gate.Release();</c>. Not offered for a field used any other way (a <c>lock</c>
    /// statement, a scope, a try-acquisition, passed on), whose rewrite would change its meaning. A semaphore is
    /// not reentrant: where the old lock was taken again by its holder, the analyzer then says so (LD0003).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ThreadAffineLockAcrossAwaitFix)), Shared]
    public sealed class ThreadAffineLockAcrossAwaitFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleCatalog.ThreadAffineLockAcrossAwait.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            var known = new KnownSymbols(model.Compilation);
            foreach (var diagnostic in context.Diagnostics)
            {
                var method = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>();
                if (method is null || Conversion.Find(method, model, known, context.CancellationToken) is not { } conversion)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create($"Convert '{conversion.Field.Name}' to a SemaphoreSlim", _ => Task.FromResult(document.WithSyntaxRoot(conversion.Apply(root))), "LD0011.ConvertToSemaphoreSlim"),
                    diagnostic);
            }
        }

        /// <summary>The field to convert, its declaration, and every statement that acquires or releases it.</summary>
        private sealed class Conversion
        {
            private Conversion(IFieldSymbol field, VariableDeclarationSyntax declaration, List<LockCallStatement> uses)
            {
                Field = field;
                Declaration = declaration;
                Uses = uses;
            }

            public IFieldSymbol Field { get; }

            public VariableDeclarationSyntax Declaration { get; }

            public List<LockCallStatement> Uses { get; }

            /// <summary>The first thread-affine lock the method acquires explicitly that can be converted.</summary>
            public static Conversion? Find(MethodDeclarationSyntax method, SemanticModel model, KnownSymbols known, CancellationToken cancellationToken)
            {
                foreach (var statement in method.DescendantNodes())
                {
                    if (statement is ExpressionStatementSyntax candidate
                        && LockCallStatement.Read(candidate, model, known, cancellationToken) is { Kind: LockOperationKind.Acquire } acquire
                        && model.GetSymbolInfo(acquire.LockExpression, cancellationToken).Symbol is IFieldSymbol field
                        && Convertible(field, model, known, cancellationToken) is { } conversion)
                    {
                        return conversion;
                    }
                }

                return null;
            }

            private static Conversion? Convertible(IFieldSymbol field, SemanticModel model, KnownSymbols known, CancellationToken cancellationToken)
            {
                if (field.DeclaredAccessibility != Accessibility.Private
                    || !field.IsReadOnly
                    || field.ContainingType.DeclaringSyntaxReferences.Length != 1
                    || field.DeclaringSyntaxReferences.Length != 1
                    || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration }
                    || field.ContainingType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not TypeDeclarationSyntax type
                    || type.SyntaxTree != model.SyntaxTree)
                {
                    return null;
                }

                var uses = new List<LockCallStatement>();
                foreach (var name in type.DescendantNodes())
                {
                    if (name is not IdentifierNameSyntax identifier
                        || identifier.Identifier.ValueText != field.Name
                        || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, field))
                    {
                        continue;
                    }

                    var lockExpression = identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } qualified && qualified.Name == identifier ? (ExpressionSyntax)qualified : identifier;
                    if (lockExpression.Parent?.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement
                        || LockCallStatement.Read(statement, model, known, cancellationToken) is not { } use
                        || use.LockExpression != lockExpression
                        || use.IsAwaited
                        || !IsPlainPair(use))
                    {
                        return null;
                    }

                    uses.Add(use);
                }

                return new Conversion(field, declaration, uses);
            }

            /// <summary><c>Monitor.Enter(x)</c>, <c>Monitor.Exit(x)</c>, <c>Lock.Enter()</c>, <c>Lock.Exit()</c>: no flag, no timeout.</summary>
            private static bool IsPlainPair(LockCallStatement use)
            {
                var arguments = use.Call.ArgumentList.Arguments.Count;
                return use.Kind is LockOperationKind.Acquire or LockOperationKind.Release
                    && !use.Api.ReturnsScope
                    && ((use.Api.Primitive == LockPrimitive.Monitor && arguments == 1) || (use.Api.Primitive == LockPrimitive.ThreadingLock && arguments == 0));
            }

            public SyntaxNode Apply(SyntaxNode root)
            {
                var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
                foreach (var use in Uses)
                {
                    replacements[use.Statement] = Rewrite(use);
                }

                var semaphore = SyntaxFactory.ParseTypeName("System.Threading.SemaphoreSlim").WithAdditionalAnnotations(Simplifier.Annotation).WithTriviaFrom(Declaration.Type);
                var initializer = SyntaxFactory.EqualsValueClause(SyntaxFactory.ParseExpression("new(1, 1)"));
                var variable = Declaration.Variables[0].WithInitializer(initializer.WithLeadingTrivia(SyntaxFactory.Space));
                replacements[Declaration] = Declaration.WithType(semaphore).WithVariables(SyntaxFactory.SingletonSeparatedList(variable));
                return root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
            }

            private static StatementSyntax Rewrite(LockCallStatement use)
            {
                var field = use.LockExpression.WithoutTrivia();
                ExpressionSyntax call;
                if (use.Kind == LockOperationKind.Release)
                {
                    call = Invoke(field, "Release");
                }
                else if (InAsyncBody(use.Statement))
                {
                    call = SyntaxFactory.AwaitExpression(Invoke(field, "WaitAsync"));
                }
                else
                {
                    call = Invoke(field, "Wait");
                }

                return use.Statement.WithExpression(call.WithTriviaFrom(use.Statement.Expression)).WithAdditionalAnnotations(Formatter.Annotation);
            }

            /// <summary>The statement runs in an async method (not in a lambda or local function inside one).</summary>
            private static bool InAsyncBody(SyntaxNode statement)
            {
                foreach (var ancestor in statement.Ancestors())
                {
                    switch (ancestor)
                    {
                        case AnonymousFunctionExpressionSyntax function:
                            return function.AsyncKeyword != default;
                        case LocalFunctionStatementSyntax local:
                            return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                        case MethodDeclarationSyntax method:
                            return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    }
                }

                return false;
            }

            private static InvocationExpressionSyntax Invoke(ExpressionSyntax receiver, string method)
                => SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(method)));
        }
    }
}
