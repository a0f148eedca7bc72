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
    /// LD0008 (Analyzer/Rules/UnguardedAccessRule.cs), at a <c>[GuardedBy]</c> member read or written without its
    /// lock. Two fixes:
    /// <list type="bullet">
    /// <item>take the guarding lock around the statement of the access, in its scoped form (see
    /// <see cref="ScopedAcquisition"/>): offered when the member is a path of members, the name written at the
    /// statement binds to that lock (on this object, or on the object the access goes through when that is a
    /// local, a parameter or a readonly field), and the statement can be wrapped (in a block, declares no
    /// local, awaits nothing, not inside a lambda);</item>
    /// <item>add <c>[RequiresLock]</c> with the guard's name to the method, so its callers hold the lock: offered
    /// for an access on this object directly in an ordinary method (not an override, an interface
    /// implementation, an accessor, a lambda or a local function), where the name binds to the same lock.</item>
    /// </list>
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnguardedAccessFix)), Shared]
    public sealed class UnguardedAccessFix : CodeFixProvider
    {
        internal const string TakeLockKey = "LD0008.TakeLock";
        internal const string RequiresLockKey = "LD0008.RequiresLock";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleCatalog.UnguardedAccess.Id);

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
                lockModel ??= new LockModelContext(model.Compilation);
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (Access.Find(node, model, lockModel.Known, context.CancellationToken) is not { } access)
                {
                    continue;
                }

                var document = context.Document;
                if (TakeLock(access, model, lockModel) is { } take)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Take {take.Title} around the access", _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(take.Statement, take.Wrapped))), TakeLockKey),
                        diagnostic);
                }

                if (RequireLock(access, model, context.CancellationToken) is { } method)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Add [RequiresLock({access.GuardArgument})] to '{method.Identifier.ValueText}'", _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(method, WithRequiresLock(method, access)))), RequiresLockKey),
                        diagnostic);
                }
            }
        }

        private static (StatementSyntax Statement, StatementSyntax Wrapped, string Title)? TakeLock(Access access, SemanticModel model, LockModelContext lockModel)
        {
            if (ScopedAcquisition.EnclosingStatement(access.Node) is not { } statement
                || access.LockMember is not { } lockMember
                || GuardName.TypeOf(lockMember) is not { } lockType)
            {
                return null;
            }

            var name = SyntaxFactory.ParseExpression(access.GuardName);
            var lockExpression = access.Receiver is { } receiver
                ? SyntaxFactory.ParseExpression(receiver.WithoutTrivia().ToString() + "." + access.GuardName)
                : name;
            if (!ScopedAcquisition.BindsTo(lockExpression, lockMember, model, statement.SpanStart)
                || ScopedAcquisition.Wrap(statement, lockExpression, lockType, lockModel) is not { } wrapped
                || ScopedAcquisition.Describe(lockExpression, lockType, lockModel) is not { } title)
            {
                return null;
            }

            return (statement, wrapped, title);
        }

        private static MethodDeclarationSyntax? RequireLock(Access access, SemanticModel model, CancellationToken cancellationToken)
        {
            if (access.Receiver is not null || access.LockMember is not { } lockMember)
            {
                return null;
            }

            foreach (var ancestor in access.Node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case AccessorDeclarationSyntax:
                        return null;
                    case MethodDeclarationSyntax method:
                        var symbol = model.GetDeclaredSymbol(method, cancellationToken);
                        var body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
                        if (symbol is null || body is null || symbol.IsOverride || symbol.IsAbstract || symbol.ExplicitInterfaceImplementations.Length > 0 || ImplementsInterface(symbol)
                            || !ScopedAcquisition.BindsTo(SyntaxFactory.ParseExpression(access.GuardName), lockMember, model, body.SpanStart))
                        {
                            return null;
                        }

                        return method;
                }
            }

            return null;
        }

        private static bool ImplementsInterface(IMethodSymbol method)
        {
            foreach (var implemented in method.ContainingType.AllInterfaces)
            {
                foreach (var member in implemented.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static MethodDeclarationSyntax WithRequiresLock(MethodDeclarationSyntax method, Access access)
        {
            var attribute = SyntaxFactory.Attribute(
                SyntaxFactory.ParseName("LockDiscipline.RequiresLock").WithAdditionalAnnotations(Simplifier.Annotation),
                SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(access.GuardArgument.WithoutTrivia()))));
            var leading = method.GetLeadingTrivia();
            var bare = method.WithoutLeadingTrivia();
            // Only the new attribute is formatted: the method keeps the layout the user wrote.
            var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute)).WithAdditionalAnnotations(Formatter.Annotation);
            return bare.WithAttributeLists(bare.AttributeLists.Add(list)).WithLeadingTrivia(leading);
        }

        /// <summary>The reported access: the guarded member, the name of its guard, and the object it goes through.</summary>
        private sealed class Access
        {
            private Access(ExpressionSyntax node, ExpressionSyntax? receiver, string guardName, ExpressionSyntax guardArgument, ISymbol? lockMember)
            {
                Node = node;
                Receiver = receiver;
                GuardName = guardName;
                GuardArgument = guardArgument;
                LockMember = lockMember;
            }

            public ExpressionSyntax Node { get; }

            /// <summary>The object accessed, when it is not this one (<c>other</c> in <c>other._count</c>).</summary>
            public ExpressionSyntax? Receiver { get; }

            public string GuardName { get; }

            /// <summary>The argument of <c>[GuardedBy]</c> as written (<c>nameof(_lock)</c>, <c>"_lock"</c>).</summary>
            public ExpressionSyntax GuardArgument { get; }

            /// <summary>The lock member the guard's name ends at, from the guarded member's type; null for a [LockClass] name.</summary>
            public ISymbol? LockMember { get; }

            public static Access? Find(SyntaxNode reported, SemanticModel model, KnownSymbols known, CancellationToken cancellationToken)
            {
                foreach (var node in reported.DescendantNodesAndSelf())
                {
                    if (node is not (IdentifierNameSyntax or MemberAccessExpressionSyntax)
                        || model.GetSymbolInfo(node, cancellationToken).Symbol is not { } member
                        || member is not (IFieldSymbol or IPropertySymbol)
                        || Guard(member, known, cancellationToken) is not { } guard)
                    {
                        continue;
                    }

                    var expression = node is IdentifierNameSyntax && node.Parent is MemberAccessExpressionSyntax parent && parent.Name == node ? parent : (ExpressionSyntax)node;
                    ExpressionSyntax? receiver = null;
                    if (expression is MemberAccessExpressionSyntax access && access.Expression is not ThisExpressionSyntax)
                    {
                        if (member.IsStatic || !IsStableReceiver(access.Expression, model, cancellationToken))
                        {
                            return null;
                        }

                        receiver = access.Expression;
                    }

                    return new Access(expression, receiver, guard.Name, guard.Argument, LockDiscipline.CodeFixes.GuardName.LastMember(member.ContainingType, guard.Name));
                }

                return null;
            }

            private static (string Name, ExpressionSyntax Argument)? Guard(ISymbol member, KnownSymbols known, CancellationToken cancellationToken)
            {
                foreach (var attribute in member.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.GuardedByAttribute)
                        && attribute.ConstructorArguments.Length == 1
                        && attribute.ConstructorArguments[0].Value is string name
                        && attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: 1 } syntax)
                    {
                        return (name, syntax.ArgumentList.Arguments[0].Expression);
                    }
                }

                return null;
            }

            /// <summary>A local, a parameter or a readonly field: the object is the same when the lock is taken and when it is accessed.</summary>
            private static bool IsStableReceiver(ExpressionSyntax receiver, SemanticModel model, CancellationToken cancellationToken)
                => receiver is IdentifierNameSyntax
                    && model.GetSymbolInfo(receiver, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol { IsReadOnly: true };
        }
    }
}
