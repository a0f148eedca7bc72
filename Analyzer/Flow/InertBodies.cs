using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// Decides from the operation tree alone, without a control flow graph, that a body's lockset flow
    /// would record nothing: no lock operation or IRQ switch, no call the summaries keep (a method of this
    /// assembly, one with a lock contract, a delegate), nothing that sleeps or waits, no await, no access of
    /// a <c>[GuardedBy]</c> member or a flag, and no lambda, local function or method group (each is a body,
    /// a binding or a use of its own). Such a body's summary is empty whatever the flow, so it needs no
    /// graph and no flow at all; most bodies of real code are like this.
    /// <para>
    /// Conservative: only the operation kinds listed here pass, so a construct the graph lowers into calls
    /// the tree does not show (<c>foreach</c>, <c>using</c>, <c>lock</c>, <c>with</c>, deconstruction,
    /// interpolation handlers, collection expressions) sends the body down the full path.
    /// </para>
    /// </summary>
    internal sealed class InertBodies
    {
        private readonly Resolvers _resolvers;

        public InertBodies(Resolvers resolvers) => _resolvers = resolvers;

        /// <summary>Whether the body under <paramref name="root"/>, owned by <paramref name="owner"/>, would yield an empty flow.</summary>
        public bool IsInert(IOperation root, IMethodSymbol owner)
        {
            if (_resolvers.Contracts.For(owner) != LockModel.MethodContract.None)
            {
                return false;
            }

            var pending = new Stack<IOperation>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                if (!IsInertOperation(operation))
                {
                    return false;
                }

                foreach (var child in operation.ChildOperations)
                {
                    pending.Push(child);
                }
            }

            // Last, as it may read the body's syntax: a body with no net lock effect is entered with nothing held.
            return _resolvers.Effects.For(owner) is null;
        }

        private bool IsInertOperation(IOperation operation)
        {
            if (operation.Type?.TypeKind == TypeKind.Delegate)
            {
                return false;
            }

            switch (operation)
            {
                case IInvocationOperation invocation:
                    return IsInertCall(invocation.TargetMethod)
                        && invocation.TargetMethod.MethodKind != MethodKind.DelegateInvoke
                        && _resolvers.Operations.ResolveIrqSwitch(invocation) is null;
                case IObjectCreationOperation creation:
                    return creation.Constructor is { } constructor && IsInertCall(constructor);
                case IPropertyReferenceOperation property:
                    return (property.Property.GetMethod is not { } getter || IsInertCall(getter))
                        && (property.Property.SetMethod is not { } setter || IsInertCall(setter))
                        && _resolvers.Guards.GuardOf(property.Property) is null;
                case IFieldReferenceOperation field:
                    return !FlagTests.IsFlag(field.Field) && _resolvers.Guards.GuardOf(field.Field) is null;
                case ILoopOperation loop:
                    return loop.LoopKind is LoopKind.While or LoopKind.For;
            }

            switch (operation.Kind)
            {
                case OperationKind.MethodBody:
                case OperationKind.ConstructorBody:
                case OperationKind.Block:
                case OperationKind.ExpressionStatement:
                case OperationKind.VariableDeclarationGroup:
                case OperationKind.VariableDeclaration:
                case OperationKind.VariableDeclarator:
                case OperationKind.VariableInitializer:
                case OperationKind.Return:
                case OperationKind.Branch:
                case OperationKind.Labeled:
                case OperationKind.Empty:
                case OperationKind.Throw:
                case OperationKind.Try:
                case OperationKind.CatchClause:
                case OperationKind.Switch:
                case OperationKind.SwitchCase:
                case OperationKind.CaseClause:
                case OperationKind.SwitchExpression:
                case OperationKind.SwitchExpressionArm:
                case OperationKind.IsPattern:
                case OperationKind.DeclarationPattern:
                case OperationKind.ConstantPattern:
                case OperationKind.TypePattern:
                case OperationKind.RelationalPattern:
                case OperationKind.NegatedPattern:
                case OperationKind.BinaryPattern:
                case OperationKind.DiscardPattern:
                case OperationKind.Literal:
                case OperationKind.DefaultValue:
                case OperationKind.NameOf:
                case OperationKind.TypeOf:
                case OperationKind.SizeOf:
                case OperationKind.Conversion:
                case OperationKind.Binary:
                case OperationKind.Unary:
                case OperationKind.Parenthesized:
                case OperationKind.Conditional:
                case OperationKind.Coalesce:
                case OperationKind.CoalesceAssignment:
                case OperationKind.SimpleAssignment:
                case OperationKind.CompoundAssignment:
                case OperationKind.Increment:
                case OperationKind.Decrement:
                case OperationKind.IsType:
                case OperationKind.ConditionalAccess:
                case OperationKind.ConditionalAccessInstance:
                case OperationKind.Argument:
                case OperationKind.Tuple:
                case OperationKind.LocalReference:
                case OperationKind.ParameterReference:
                case OperationKind.InstanceReference:
                case OperationKind.ArrayCreation:
                case OperationKind.ArrayInitializer:
                case OperationKind.ArrayElementReference:
                case OperationKind.InterpolatedString:
                case OperationKind.InterpolatedStringText:
                case OperationKind.Interpolation:
                case OperationKind.ObjectOrCollectionInitializer:
                case OperationKind.MemberInitializer:
                case OperationKind.Discard:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>A call the flow would neither keep (<c>RecordCall</c>), resolve to a lock operation, nor count as sleeping.</summary>
        private bool IsInertCall(IMethodSymbol method)
            => method.ContainingType is not null
               && !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _resolvers.Assembly)
               && !_resolvers.Imports.Carries(method.ContainingAssembly)
               && method.Name != "Dispose"
               && !_resolvers.Known.IsLockApiName(method.Name)
               && _resolvers.Contracts.For(method) == LockModel.MethodContract.None
               && _resolvers.Operations.SleepingCall(method) is null;
    }
}
