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
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.CodeFixes.Fixes
{
    /// <summary>
    /// LD0009 (Analyzer/Rules/LockContractViolationRule.cs), at a call of a <c>[RequiresLock]</c> (or
    /// <c>[RequiresSharedLock]</c>) method made without the lock: takes the lock, in the call's terms, around
    /// the statement of the call, in its scoped form (see <see cref="ScopedAcquisition"/>). The callee's name is
    /// translated as the rule reads it: a member of the callee's type is the receiver's (<c>child.Bar()</c>
    /// needs <c>child._mu</c>), a parameter path is the argument's. Offered only when the callee requires
    /// exactly one lock and excludes none (so the diagnostic is the missing lock, and taking it cannot be the
    /// violation), the receiver or argument is a local, a parameter, a readonly field or this, the name
    /// written binds to that lock at the call, and the statement can be wrapped.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockContractViolationFix)), Shared]
    public sealed class LockContractViolationFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleCatalog.LockContractViolation.Id);

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
                var call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (call is null
                    || model.GetOperation(call, context.CancellationToken) is not IInvocationOperation invocation
                    || ScopedAcquisition.EnclosingStatement(call) is not { } statement)
                {
                    continue;
                }

                lockModel ??= new LockModelContext(model.Compilation);
                if (RequiredLock(invocation, lockModel.Known) is not { } required
                    || LockAtCall(required, invocation, call) is not { } at
                    || !ScopedAcquisition.BindsTo(at.Expression, at.Member, model, statement.SpanStart)
                    || GuardName.TypeOf(at.Member) is not { } lockType
                    || ScopedAcquisition.Wrap(statement, at.Expression, lockType, lockModel) is not { } wrapped
                    || ScopedAcquisition.Describe(at.Expression, lockType, lockModel) is not { } title)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create($"Take {title} around the call", _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(statement, wrapped))), "LD0009.TakeLock"),
                    diagnostic);
            }
        }

        /// <summary>The one lock name the callee requires; null when it requires several or excludes any.</summary>
        private static string? RequiredLock(IInvocationOperation invocation, KnownSymbols known)
        {
            string? required = null;
            foreach (var attribute in invocation.TargetMethod.OriginalDefinition.GetAttributes())
            {
                var isRequires = KnownSymbols.IsAttribute(attribute, known.RequiresLockAttribute) || KnownSymbols.IsAttribute(attribute, known.RequiresSharedLockAttribute);
                if (KnownSymbols.IsAttribute(attribute, known.ExcludesLockAttribute))
                {
                    return null;
                }

                if (!isRequires)
                {
                    continue;
                }

                foreach (var argument in attribute.ConstructorArguments)
                {
                    var names = argument.Kind == TypedConstantKind.Array ? argument.Values : ImmutableArray.Create(argument);
                    foreach (var name in names)
                    {
                        if (required is not null || name.Value is not string text)
                        {
                            return null;
                        }

                        required = text;
                    }
                }
            }

            return required;
        }

        /// <summary>The callee's lock name in the caller's terms, and the member it ends at.</summary>
        private static (ExpressionSyntax Expression, ISymbol Member)? LockAtCall(string name, IInvocationOperation invocation, InvocationExpressionSyntax call)
        {
            var method = invocation.TargetMethod;
            var segments = name.Split('.');
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name != segments[0])
                {
                    continue;
                }

                if (segments.Length == 1
                    || argument.Value.Syntax is not ExpressionSyntax value
                    || !IsStable(argument.Value)
                    || GuardName.LastMember(argument.Parameter.Type, name, firstSegment: 1) is not { } throughParameter)
                {
                    return null;
                }

                return (SyntaxFactory.ParseExpression(value.WithoutTrivia() + name.Substring(segments[0].Length)), throughParameter);
            }

            if (GuardName.LastMember(method.ContainingType, name) is not { } member)
            {
                return null;
            }

            if (call.Expression is MemberAccessExpressionSyntax access && access.Expression is not ThisExpressionSyntax && !method.IsStatic)
            {
                return invocation.Instance is { } instance && IsStable(instance)
                    ? (SyntaxFactory.ParseExpression(access.Expression.WithoutTrivia() + "." + name), member)
                    : null;
            }

            return (SyntaxFactory.ParseExpression(name), member);
        }

        /// <summary>The same object when the lock is taken and when the call is made: this, a local, a parameter, a readonly field.</summary>
        private static bool IsStable(IOperation value)
        {
            switch (value)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    return IsStable(conversion.Operand);
                case IInstanceReferenceOperation:
                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                    return true;
                case IFieldReferenceOperation field:
                    return field.Field.IsReadOnly && (field.Instance is null || IsStable(field.Instance));
                default:
                    return false;
            }
        }
    }
}
