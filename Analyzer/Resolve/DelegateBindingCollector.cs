using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>
    /// A delegate value flowing into a slot (field, property, event, parameter or local): either a
    /// method or lambda, or whatever another slot holds. Invoking the slot calls every target that
    /// any binding in the compilation gives it.
    /// </summary>
    internal sealed class DelegateBinding
    {
        public DelegateBinding(ISymbol slot, IMethodSymbol? target, ISymbol? sourceSlot, bool isWork = false)
        {
            Slot = slot;
            Target = target;
            SourceSlot = sourceSlot;
            IsWork = isWork;
        }

        public ISymbol Slot { get; }

        public IMethodSymbol? Target { get; }

        public ISymbol? SourceSlot { get; }

        /// <summary>
        /// The slot holds a task or thread running <see cref="Target"/> elsewhere: waiting on the slot
        /// waits for that body (LD0013), but the body is never called under the waiter's locks.
        /// </summary>
        public bool IsWork { get; }
    }

    /// <summary>
    /// Finds where a body stores delegates: <c>E += handler</c>, <c>_callback = M</c>, and delegate
    /// arguments to methods of this compilation or of a reference that carries a summary (whose parameters
    /// then alias the value). Delegates passed to other assemblies' methods (<c>Task.Run</c>, <c>new Thread</c>,
    /// timers) bind nothing: the graph never sees them invoked, so they add no dependency on held locks.
    /// </summary>
    internal static class DelegateBindingCollector
    {
        public static ImmutableArray<DelegateBinding> Collect(ControlFlowGraph graph, ValueOrigins origins, IAssemblySymbol assembly, KnownSymbols known, Summaries.Assemblies.SummaryImport imports)
        {
            var bindings = ImmutableArray.CreateBuilder<DelegateBinding>();
            foreach (var block in graph.Blocks)
            {
                foreach (var root in Roots(block))
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        switch (operation)
                        {
                            case IEventAssignmentOperation { Adds: true, EventReference: IEventReferenceOperation eventReference } eventAssignment:
                                Add(bindings, eventReference.Event.OriginalDefinition, eventAssignment.HandlerValue, origins);
                                break;
                            case ISimpleAssignmentOperation assignment when assignment.Target.Type?.TypeKind == TypeKind.Delegate && SlotOf(assignment.Target, origins) is { } slot:
                                Add(bindings, slot, assignment.Value, origins);
                                break;
                            case ISimpleAssignmentOperation assignment when WorkStarts.StartedWork(assignment.Value, origins, known) is { } work && SlotOf(assignment.Target, origins) is { } workSlot:
                                bindings.Add(new DelegateBinding(workSlot, work, null, isWork: true));
                                break;
                            case IArgumentOperation { Parameter: { } parameter } argument
                                when parameter.Type.TypeKind == TypeKind.Delegate
                                    && (SymbolEqualityComparer.Default.Equals(parameter.ContainingAssembly, assembly) || imports.Carries(parameter.ContainingAssembly)):
                                Add(bindings, parameter.OriginalDefinition, argument.Value, origins);
                                break;
                            case IInvocationOperation { Instance: { } collection } invocation
                                when IsCollectionAdd(invocation) && SlotOf(collection, origins) is { } collectionSlot:
                                foreach (var argument in invocation.Arguments)
                                {
                                    if (argument.Value.Type?.TypeKind == TypeKind.Delegate)
                                    {
                                        Add(bindings, collectionSlot, argument.Value, origins);
                                    }
                                }

                                break;
                        }
                    }
                }
            }

            return bindings.ToImmutable();
        }

        private static System.Collections.Generic.IEnumerable<IOperation> Roots(BasicBlock block)
        {
            foreach (var operation in block.Operations)
            {
                yield return operation;
            }

            if (block.BranchValue is not null)
            {
                yield return block.BranchValue;
            }
        }

        /// <summary>
        /// The symbol that stands for where a delegate value lives. The elements of a collection or array
        /// share its slot: what is added to <c>_notifiers</c> is what a <c>foreach</c> over it invokes.
        /// </summary>
        public static ISymbol? SlotOf(IOperation operation, ValueOrigins origins)
        {
            for (var depth = 0; depth < 8; depth++)
            {
                switch (origins.Unwrap(operation))
                {
                    case IFieldReferenceOperation field:
                        return field.Field.AssociatedSymbol as IEventSymbol ?? (ISymbol)field.Field.OriginalDefinition;
                    case IPropertyReferenceOperation { Arguments.Length: > 0, Instance: { } indexed }:
                        operation = indexed;
                        continue;
                    case IPropertyReferenceOperation { Property.Name: "Current", Instance: { } enumerator }
                        when origins.Unwrap(enumerator) is IInvocationOperation { TargetMethod.Name: "GetEnumerator", Instance: { } enumerated }:
                        operation = enumerated;
                        continue;
                    case IPropertyReferenceOperation property:
                        return property.Property.OriginalDefinition;
                    case IArrayElementReferenceOperation element:
                        operation = element.ArrayReference;
                        continue;
                    case IEventReferenceOperation eventReference:
                        return eventReference.Event.OriginalDefinition;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter.OriginalDefinition;
                    case ILocalReferenceOperation local:
                        return local.Local;
                    default:
                        return null;
                }
            }

            return null;
        }

        private static bool IsCollectionAdd(IInvocationOperation invocation)
        {
            if (invocation.TargetMethod.Name is not ("Add" or "Insert" or "Push" or "Enqueue" or "AddFirst" or "AddLast" or "TryAdd") || invocation.Instance?.Type is not { } type)
            {
                return false;
            }

            foreach (var contract in type.AllInterfaces)
            {
                if (contract.SpecialType == SpecialType.System_Collections_IEnumerable)
                {
                    return true;
                }
            }

            return false;
        }

        private static void Add(ImmutableArray<DelegateBinding>.Builder bindings, ISymbol slot, IOperation value, ValueOrigins origins)
        {
            // cond ? _up[i] : _down[i] binds both arms.
            foreach (var alternative in origins.Alternatives(value))
            {
                AddOne(bindings, slot, alternative, origins);
            }
        }

        private static void AddOne(ImmutableArray<DelegateBinding>.Builder bindings, ISymbol slot, IOperation source, ValueOrigins origins)
        {
            if (source is IDelegateCreationOperation creation)
            {
                source = origins.Unwrap(creation.Target);
            }

            switch (source)
            {
                case IMethodReferenceOperation method:
                    bindings.Add(new DelegateBinding(slot, method.Method.OriginalDefinition, null));
                    break;
                case IFlowAnonymousFunctionOperation lambda:
                    bindings.Add(new DelegateBinding(slot, lambda.Symbol, null));
                    break;
                case IAnonymousFunctionOperation lambda:
                    bindings.Add(new DelegateBinding(slot, lambda.Symbol, null));
                    break;
                default:
                    if (SlotOf(source, origins) is { } sourceSlot)
                    {
                        bindings.Add(new DelegateBinding(slot, null, sourceSlot));
                    }

                    break;
            }
        }
    }
}
