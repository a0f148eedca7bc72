using System.Threading;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// Taking a lock around one statement, in the scoped form of its kind: <c>lock (x)</c> for a plain object,
    /// <c>using (x.EnterScope())</c> for <c>System.Threading.Lock</c>, <c>using (x.Guard())</c> for the kernel-style
    /// primitives (the exclusive guard of <see cref="LockApis"/>). The other kinds (semaphores, reader-writer
    /// locks, spin locks, mutexes) have no scoped form that releases on every path, so they get no such fix.
    /// </summary>
    internal static class ScopedAcquisition
    {
        /// <summary>
        /// The statement around a reported site that a lock can be wrapped around: the nearest one in a block,
        /// reached without leaving a lambda or local function (whose body runs later, not under the lock), that
        /// declares no local (the new block would end its scope) and awaits nothing (a thread-affine lock must
        /// not be held across an await; a <c>lock</c> statement cannot contain one).
        /// </summary>
        public static StatementSyntax? EnclosingStatement(SyntaxNode site)
        {
            foreach (var ancestor in site.AncestorsAndSelf())
            {
                if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return null;
                }

                if (ancestor is StatementSyntax statement && statement.Parent is BlockSyntax)
                {
                    if (statement is LocalDeclarationStatementSyntax or LabeledStatementSyntax)
                    {
                        return null;
                    }

                    foreach (var node in statement.DescendantNodesAndSelf(child => child is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax))
                    {
                        if (node is AwaitExpressionSyntax
                            || (node is ForEachStatementSyntax forEach && forEach.AwaitKeyword != default)
                            || (node is UsingStatementSyntax usingStatement && usingStatement.AwaitKeyword != default)
                            || (node is LocalDeclarationStatementSyntax declaration && declaration.AwaitKeyword != default))
                        {
                            return null;
                        }
                    }

                    return statement;
                }
            }

            return null;
        }

        /// <summary>
        /// Whether <paramref name="lockExpression"/>, placed at <paramref name="position"/>, binds to <paramref name="lockMember"/>:
        /// the fix writes a name, and this proves the name means the lock the rule asked for there.
        /// </summary>
        public static bool BindsTo(ExpressionSyntax lockExpression, ISymbol lockMember, SemanticModel model, int position)
        {
            var bound = model.GetSpeculativeSymbolInfo(position, lockExpression, SpeculativeBindingOption.BindAsExpression).Symbol;
            return bound is not null && SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, lockMember.OriginalDefinition);
        }

        /// <summary>The statement wrapped in the scoped acquisition of the lock, or null when its kind has none.</summary>
        public static StatementSyntax? Wrap(StatementSyntax statement, ExpressionSyntax lockExpression, ITypeSymbol lockType, LockModelContext lockModel)
        {
            var body = SyntaxFactory.Block(statement.WithoutLeadingTrivia().WithoutTrailingTrivia());
            var primitive = lockModel.Names.PrimitiveOf(lockType);
            StatementSyntax? wrapped = primitive switch
            {
                LockPrimitive.Monitor => SyntaxFactory.LockStatement(lockExpression, body),
                LockPrimitive.ThreadingLock => Using(lockExpression, "EnterScope", body),
                { } kernel when ExclusiveGuard(kernel) is { } guard => Using(lockExpression, guard, body),
                _ => null,
            };
            return wrapped?.WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>
        /// A short text of the scoped form for a fix's title (<c>lock (_gate)</c>), or null when the kind has none;
        /// the same decision as <see cref="Wrap"/>.
        /// </summary>
        public static string? Describe(ExpressionSyntax lockExpression, ITypeSymbol lockType, LockModelContext lockModel)
        {
            var primitive = lockModel.Names.PrimitiveOf(lockType);
            return primitive switch
            {
                LockPrimitive.Monitor => $"lock ({lockExpression})",
                LockPrimitive.ThreadingLock => $"using ({lockExpression}.EnterScope())",
                { } kernel when ExclusiveGuard(kernel) is { } guard => $"using ({lockExpression}.{guard}())",
                _ => null,
            };
        }

        /// <summary>The kind's acquisition that returns a releasing scope, exclusive and with interrupts untouched.</summary>
        private static string? ExclusiveGuard(LockPrimitive primitive)
        {
            foreach (var api in LockApis.All)
            {
                if (api.Primitive == primitive && api.ReturnsScope && api.Mode == LockMode.Exclusive && api.Irq == IrqEffect.None
                    && primitive != LockPrimitive.ThreadingLock)
                {
                    return api.Method;
                }
            }

            return null;
        }

        private static UsingStatementSyntax Using(ExpressionSyntax lockExpression, string method, BlockSyntax body)
            => SyntaxFactory.UsingStatement(
                null,
                SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, lockExpression, SyntaxFactory.IdentifierName(method))),
                body);
    }
}
