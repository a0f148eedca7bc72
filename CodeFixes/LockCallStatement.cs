using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// A statement that is one call of a lock API (<c>Monitor.Enter(_gate);</c>, <c>await _gate.WaitAsync();</c>):
    /// the row of <see cref="LockApis"/> it calls and the expression that names the lock. Read through the
    /// analyzer's lock model, so a fix rewrites exactly the calls the rules read as lock operations.
    /// </summary>
    internal sealed class LockCallStatement
    {
        private LockCallStatement(ExpressionStatementSyntax statement, InvocationExpressionSyntax call, LockApi api, LockOperationKind kind, ExpressionSyntax lockExpression)
        {
            Statement = statement;
            Call = call;
            Api = api;
            Kind = kind;
            LockExpression = lockExpression;
        }

        public ExpressionStatementSyntax Statement { get; }

        public InvocationExpressionSyntax Call { get; }

        public LockApi Api { get; }

        /// <summary>What this overload does: <c>Wait(timeout)</c> is a try-acquisition, <c>Wait()</c> an acquisition.</summary>
        public LockOperationKind Kind { get; }

        /// <summary>The receiver, or the first argument of a call that locks its argument (<c>Monitor.Enter(obj)</c>).</summary>
        public ExpressionSyntax LockExpression { get; }

        public bool IsAwaited => Statement.Expression is AwaitExpressionSyntax;

        public static LockCallStatement? Read(StatementSyntax? statement, SemanticModel model, KnownSymbols known, System.Threading.CancellationToken cancellationToken)
        {
            if (statement is not ExpressionStatementSyntax expressionStatement)
            {
                return null;
            }

            var expression = expressionStatement.Expression is AwaitExpressionSyntax awaited ? awaited.Expression : expressionStatement.Expression;
            if (expression is not InvocationExpressionSyntax call
                || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
                || known.FindApi(method, out _) is not { } api)
            {
                return null;
            }

            ExpressionSyntax? lockExpression;
            if (api.LocksFirstArgument)
            {
                lockExpression = call.ArgumentList.Arguments.Count > 0 ? call.ArgumentList.Arguments[0].Expression : null;
            }
            else
            {
                lockExpression = call.Expression is MemberAccessExpressionSyntax access ? access.Expression : null;
            }

            // A call that reports through a ref or out flag (Monitor.Enter(o, ref taken)) is left to its flag's tests.
            foreach (var argument in call.ArgumentList.Arguments)
            {
                if (argument.RefKindKeyword != default)
                {
                    return null;
                }
            }

            return lockExpression is null ? null : new LockCallStatement(expressionStatement, call, api, LockOperationResolver.KindOf(api, method), lockExpression);
        }

        /// <summary>Releases what <paramref name="acquire"/> took: the same primitive and mode, on the same expression.</summary>
        public bool Releases(LockCallStatement acquire)
            => Kind == LockOperationKind.Release
                && Api.Primitive == acquire.Api.Primitive
                && Api.Mode == acquire.Api.Mode
                && SyntaxFactory.AreEquivalent(LockExpression, acquire.LockExpression);

        /// <summary>
        /// The expression reads the same object each time it is evaluated, with no side effect: <c>this</c>,
        /// <c>typeof</c>, readonly fields, and locals and parameters the region between the two calls does not
        /// assign. Evaluating it once (a <c>lock</c> statement) instead of twice then changes nothing.
        /// </summary>
        public static bool IsStable(ExpressionSyntax expression, SemanticModel model, System.Collections.Immutable.ImmutableArray<ISymbol> writtenBetween, System.Threading.CancellationToken cancellationToken)
        {
            switch (expression)
            {
                case ThisExpressionSyntax:
                case TypeOfExpressionSyntax:
                    return true;
                case ParenthesizedExpressionSyntax parenthesized:
                    return IsStable(parenthesized.Expression, model, writtenBetween, cancellationToken);
                case IdentifierNameSyntax:
                    return IsStableSymbol(model.GetSymbolInfo(expression, cancellationToken).Symbol, writtenBetween);
                case MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    return IsStableSymbol(model.GetSymbolInfo(access, cancellationToken).Symbol, writtenBetween)
                        && (model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is INamespaceOrTypeSymbol
                            || IsStable(access.Expression, model, writtenBetween, cancellationToken));
                default:
                    return false;
            }
        }

        private static bool IsStableSymbol(ISymbol? symbol, System.Collections.Immutable.ImmutableArray<ISymbol> writtenBetween)
            => symbol switch
            {
                IFieldSymbol field => field.IsReadOnly || field.IsConst,
                ILocalSymbol or IParameterSymbol => !writtenBetween.Contains(symbol, SymbolEqualityComparer.Default),
                _ => false,
            };
    }
}
