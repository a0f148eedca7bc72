using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.LockModel
{
    /// <summary>
    /// Where the values of one body's flow captures and locals come from. The control flow graph
    /// spills sub-expressions into captures (<c>lock (_o)</c> locks a capture of <c>_o</c>), and
    /// locals carry locks and lock scopes around, so resolution looks through both.
    /// Flow-insensitive on purpose: a local counts as traced only when every assignment agrees.
    /// </summary>
    internal sealed class ValueOrigins
    {
        private const int MaxDepth = 8;

        private readonly Dictionary<CaptureId, IOperation> _captures = new Dictionary<CaptureId, IOperation>();
        private readonly Dictionary<CaptureId, List<IOperation>> _alternatives = new Dictionary<CaptureId, List<IOperation>>();
        private readonly Dictionary<ILocalSymbol, List<IOperation>> _locals = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly ValueOrigins? _enclosing;
        private readonly List<IFlowAnonymousFunctionOperation> _lambdas = new List<IFlowAnonymousFunctionOperation>();
        private readonly List<IMethodSymbol> _methodGroups = new List<IMethodSymbol>();
        private readonly List<IOperation> _parameterWriteTargets = new List<IOperation>();

        private ValueOrigins(ValueOrigins? enclosing) => _enclosing = enclosing;

        /// <summary>Collects the origins in a graph; a lambda's graph sees its enclosing body's locals too.</summary>
        public static ValueOrigins Collect(ControlFlowGraph graph, ValueOrigins? enclosing)
        {
            var origins = new ValueOrigins(enclosing);
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    origins.Visit(operation);
                }

                if (block.BranchValue is not null)
                {
                    origins.Visit(block.BranchValue);
                }
            }

            return origins;
        }

        /// <summary>
        /// Collects the origins in an operation tree, for a caller that resolves single calls and builds no
        /// flow graph (the generator). Without a graph there are no captures: locals are what it traces.
        /// </summary>
        public static ValueOrigins CollectTree(IOperation root)
        {
            var origins = new ValueOrigins(null);
            origins.Visit(root);
            return origins;
        }

        /// <summary>
        /// The lambdas and anonymous methods created in this graph (each has a graph of its own), in
        /// block order: found on the same walk, so the caller need not walk the operations again.
        /// </summary>
        public IReadOnlyList<IFlowAnonymousFunctionOperation> Lambdas => _lambdas;

        /// <summary>The methods this graph takes as values (method groups made into delegates), found on the same walk.</summary>
        public IReadOnlyList<IMethodSymbol> MethodGroups => _methodGroups;

        /// <summary>Strips conversions, captures and <c>ConfigureAwait</c> to the operation that produced the value.</summary>
        public IOperation Unwrap(IOperation operation)
        {
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IFlowCaptureReferenceOperation reference when TryGetCapture(reference.Id, out var value) && value is not IFlowCaptureOperation:
                        operation = value;
                        continue;
                    case IConditionalAccessInstanceOperation instance when ConditionalAccessOf(instance) is { } access:
                        // The receiver of `x?.M()` is x. Only operation trees have these; a flow graph captures x instead.
                        operation = access.Operation;
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured }:
                        // task.ConfigureAwait(false) only changes where the continuation runs: the value is the task's.
                        operation = configured;
                        continue;
                }

                return operation;
            }

            return operation;
        }

        /// <summary>The <c>?.</c> whose receiver this is: the nearest one reached through its WhenNotNull part.</summary>
        private static IConditionalAccessOperation? ConditionalAccessOf(IConditionalAccessInstanceOperation instance)
        {
            IOperation child = instance;
            for (var parent = instance.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access && access.WhenNotNull == child)
                {
                    return access;
                }
            }

            return null;
        }

        /// <summary>
        /// Every value an operation may have: the arms of a conditional captured on two paths, each unwrapped;
        /// otherwise just the operation, unwrapped.
        /// </summary>
        public IEnumerable<IOperation> Alternatives(IOperation operation)
        {
            var unwrapped = Unwrap(operation);
            if (unwrapped is IFlowCaptureReferenceOperation reference && _alternatives.TryGetValue(reference.Id, out var values) && values.Count > 1)
            {
                foreach (var value in values)
                {
                    yield return Unwrap(value);
                }

                yield break;
            }

            yield return unwrapped;
        }

        /// <summary>
        /// Whether a capture is assigned on more than one path (the arms of <c>c ? a : b</c>): its value is then
        /// one of several operations, and a flag carried by it has to be tracked by the capture itself.
        /// </summary>
        public bool IsJoinOfPaths(CaptureId id)
            => _alternatives.TryGetValue(id, out var values) ? values.Count > 1 : _enclosing is not null && _enclosing.IsJoinOfPaths(id);

        /// <summary>The values assigned to a local in this body (or the enclosing one, for captured locals).</summary>
        public IReadOnlyList<IOperation> AssignmentsOf(ILocalSymbol local)
        {
            if (_locals.TryGetValue(local, out var values))
            {
                return values;
            }

            return _enclosing?.AssignmentsOf(local) ?? (IReadOnlyList<IOperation>)System.Array.Empty<IOperation>();
        }

        private bool TryGetCapture(CaptureId id, out IOperation value)
        {
            if (_captures.TryGetValue(id, out value!))
            {
                return true;
            }

            return _enclosing is not null && _enclosing.TryGetCapture(id, out value);
        }

        private void Visit(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IFlowCaptureOperation capture:
                        // A capture assigned on two paths (c ? _a : _b) has no single origin: leave it opaque,
                        // but keep the alternatives for questions that want all of them (delegate targets).
                        _captures[capture.Id] = _captures.ContainsKey(capture.Id) ? capture : capture.Value;
                        if (!_alternatives.TryGetValue(capture.Id, out var values))
                        {
                            values = new List<IOperation>(1);
                            _alternatives.Add(capture.Id, values);
                        }

                        values.Add(capture.Value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                        Add(local.Local, assignment.Value);
                        break;
                    case IVariableDeclaratorOperation { Initializer: not null } declarator:
                        Add(declarator.Symbol, declarator.Initializer.Value);
                        break;
                    case IFlowAnonymousFunctionOperation lambda:
                        _lambdas.Add(lambda);
                        break;
                    case IMethodReferenceOperation methodGroup:
                        _methodGroups.Add(methodGroup.Method);
                        break;
                }

                // Kept unresolved: a capture read here may be defined in a block not visited yet.
                var written = operation switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation step => step.Target,
                    IArgumentOperation { Parameter.RefKind: not RefKind.None } byReference => byReference.Value,
                    _ => null,
                };
                if (written is IParameterReferenceOperation or IFlowCaptureReferenceOperation)
                {
                    _parameterWriteTargets.Add(written);
                }
            }
        }

        /// <summary>
        /// Bit n set: parameter n (of the first 64) is assigned, stepped or passed by <c>ref</c>/<c>out</c> in
        /// this graph (through a capture too: the graph writes <c>p ??= v</c> through one), found on the walk
        /// that collects the origins.
        /// </summary>
        public ulong WrittenParameters()
        {
            var written = 0UL;
            foreach (var target in _parameterWriteTargets)
            {
                if (Unwrap(target) is IParameterReferenceOperation { Parameter.Ordinal: < 64 } parameter)
                {
                    written |= 1UL << parameter.Parameter.Ordinal;
                }
            }

            return written;
        }

        private void Add(ILocalSymbol local, IOperation value)
        {
            if (!_locals.TryGetValue(local, out var values))
            {
                values = new List<IOperation>(1);
                _locals.Add(local, values);
            }

            values.Add(value);
        }
    }
}
