using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzer.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// Finds the calls of one body made on an object no other thread can have seen yet: a constructor
    /// (<c>new T(...)</c>), or a call on a local that holds a fresh <c>new T(...)</c> which has not escaped
    /// on any path to the call. Static deadlock detectors stay quiet about such objects: their locks
    /// cannot be contended, so they order nothing against another thread.
    /// </summary>
    /// <remarks>
    /// A local escapes when it is passed, stored, returned, captured, copied, or used as the receiver of
    /// a call (which may publish <c>this</c>). In an instance constructor, <c>this</c> is fresh too until
    /// it escapes the same way (or a base constructor in source runs, or an event is subscribed): raising
    /// its own event or delegate then has no subscriber but those the field initializers added.
    /// One publication is understood conditionally, the lazy initialisation race: after
    /// <c>var w = Interlocked.CompareExchange(ref s_field, x, null)</c>, x was stored only when w is null,
    /// so on the path where w is not null (x lost the race) x is still fresh. A must-analysis over the
    /// control-flow graph: fresh at a point only when fresh on every path.
    /// </remarks>
    internal static class FreshObjects
    {
        public static FreshReceivers Find(ControlFlowGraph graph, ValueOrigins origins, IMethodSymbol owner)
        {
            var capturesLocals = graph.LocalFunctions.Length > 0 || origins.Lambdas.Count > 0;
            var blocks = graph.Blocks;
            var thisFresh = owner is { MethodKind: MethodKind.Constructor, IsStatic: false };
            if (!thisFresh && !AssignsFreshLocal(blocks, origins))
            {
                // Most bodies: nothing to follow, only the constructors they call (judged at each call).
                return new FreshReceivers(null, origins);
            }

            var entry = new State?[blocks.Length];
            var pending = new Queue<int>();
            var queued = new bool[blocks.Length];
            for (var index = 0; index < blocks.Length; index++)
            {
                // The entry, and the blocks exceptions enter (catch, filter and finally regions have no
                // predecessors in the graph): an exception may come from anywhere, so nothing is fresh there.
                if (index == 0 || blocks[index].Predecessors.IsEmpty)
                {
                    entry[index] = new State { ThisFresh = index == 0 && thisFresh };
                    pending.Enqueue(index);
                    queued[index] = true;
                }
            }

            while (pending.Count > 0)
            {
                var index = pending.Dequeue();
                queued[index] = false;
                var block = blocks[index];
                var state = entry[index]!.Copy();
                Transfer(block, state, result: null, origins, capturesLocals);

                var onConditional = state;
                var onFallThrough = state;
                if (block.ConditionalSuccessor is not null && block.BranchValue is not null && state.Pending.Count > 0
                    && NullTest(origins.Unwrap(block.BranchValue), origins, out var tested, out var trueWhenNull))
                {
                    // The branch taken when the condition is (ConditionKind) decides whether w is null there.
                    var conditionalWhenTrue = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                    onConditional = state.AfterNullTest(tested, wIsNull: conditionalWhenTrue == trueWhenNull);
                    onFallThrough = state.AfterNullTest(tested, wIsNull: conditionalWhenTrue != trueWhenNull);
                }

                Deliver(block.ConditionalSuccessor?.Destination, onConditional, entry, pending, queued);
                Deliver(block.FallThroughSuccessor?.Destination, onFallThrough, entry, pending, queued);
            }

            // Catch, filter and finally regions run off the graph's edges (a finally does not flow into the
            // code after it): what escapes there is never fresh anywhere.
            var offPath = new State { ThisFresh = true };
            for (var index = 0; index < blocks.Length; index++)
            {
                if (IsInHandler(blocks[index]))
                {
                    foreach (var root in blocks[index].Operations)
                    {
                        EscapeAll(root, offPath, origins);
                    }

                    if (blocks[index].BranchValue is { } branchValue)
                    {
                        EscapeAll(branchValue, offPath, origins);
                    }
                }
            }

            // The calls are judged once the states are final: an early, optimistic visit says nothing.
            var result = new Dictionary<IOperation, Freshness>();
            var judging = new Judging(result, offPath);
            for (var index = 0; index < blocks.Length; index++)
            {
                if (entry[index] is { } reached)
                {
                    Transfer(blocks[index], reached.Copy(), judging, origins, capturesLocals);
                }
            }

            return new FreshReceivers(result, origins);
        }

        private static bool IsInHandler(BasicBlock block)
        {
            for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
            {
                if (region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.Filter or ControlFlowRegionKind.Finally)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool AssignsFreshLocal(System.Collections.Immutable.ImmutableArray<BasicBlock> blocks, ValueOrigins origins)
        {
            foreach (var block in blocks)
            {
                foreach (var root in block.Operations)
                {
                    if (AssignmentOf(root) is { Local: not null, Value: { } value } && origins.Unwrap(value) is IObjectCreationOperation)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static void Deliver(BasicBlock? destination, State state, State?[] entry, Queue<int> pending, bool[] queued)
        {
            if (destination is null)
            {
                return;
            }

            var index = destination.Ordinal;
            var changed = entry[index] is null ? (entry[index] = state.Copy()) is not null : entry[index]!.MeetWith(state);
            if (changed && !queued[index])
            {
                queued[index] = true;
                pending.Enqueue(index);
            }
        }

        private static void Transfer(BasicBlock block, State state, Judging? result, ValueOrigins origins, bool capturesLocals)
        {
            foreach (var operation in block.Operations)
            {
                Transfer(operation, state, result, origins, capturesLocals);
            }

            if (block.BranchValue is { } branchValue)
            {
                Transfer(branchValue, state, result, origins, capturesLocals);
            }
        }

        private static void Transfer(IOperation root, State state, Judging? result, ValueOrigins origins, bool capturesLocals)
        {
            // Judge the calls first, against the state before this operation's own escapes.
            foreach (var operation in result is null ? Enumerable.Empty<IOperation>() : root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation { Instance: { } instance } invocation
                        when origins.Unwrap(instance) is ILocalReferenceOperation local && state.Fresh.TryGetValue(local.Local, out var freshness)
                            && !result!.OffPath.HasEscaped(local.Local):
                        result.Result[invocation] = freshness;
                        break;
                    case IInvocationOperation { Instance: { } raised } invocation when state.ThisFresh && result!.OffPath.ThisFresh && IsOwnDelegate(origins.Unwrap(raised)):
                        result.Result[invocation] = Freshness.Fresh;
                        break;
                }
            }

            var (assigned, value) = AssignmentOf(root);
            (ILocalSymbol, Freshness)? lostRace = null;
            if (assigned is not null
                && origins.Unwrap(value!) is IInvocationOperation { TargetMethod: { Name: "CompareExchange", ContainingType.Name: "Interlocked" } } exchange
                && exchange.Arguments.Length == 3
                && origins.Unwrap(exchange.Arguments[1].Value) is ILocalReferenceOperation published
                && state.Fresh.TryGetValue(published.Local, out var publishedFreshness))
            {
                // Published by the exchange only when it succeeds: fresh again where w turns out non-null.
                lostRace = (published.Local, publishedFreshness);
            }

            EscapeAll(root, state, origins);
            if (assigned is null)
            {
                return;
            }

            state.Escape(assigned);
            if (origins.Unwrap(value!) is IObjectCreationOperation created && !capturesLocals)
            {
                state.Fresh[assigned] = CreationFreshness(created, origins);
            }
            else if (lostRace is { } race)
            {
                state.Pending[assigned] = race;
            }
        }

        /// <summary>Every escape an operation makes: locals passed, stored, copied or called, and <c>this</c>.</summary>
        private static void EscapeAll(IOperation root, State state, ValueOrigins origins)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation local when !IsHarmlessUse(local):
                        state.Escape(local.Local);
                        break;
                    case IFlowCaptureOperation { Value: var captured } when origins.Unwrap(captured) is ILocalReferenceOperation copied:
                        state.Escape(copied.Local);
                        break;
                    case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } self when state.ThisFresh && !IsHarmlessUse(self):
                        state.ThisFresh = false;
                        break;
                    case IEventAssignmentOperation { Adds: true }:
                        // A handler subscribed to some event: if it is this object's, the event has a subscriber now.
                        state.ThisFresh = false;
                        break;
                }
            }
        }

        /// <summary>The local a statement assigns and the value (the flow graph turns declarations into assignments).</summary>
        private static (ILocalSymbol? Local, IOperation? Value) AssignmentOf(IOperation root)
        {
            if (root is IExpressionStatementOperation statement)
            {
                root = statement.Operation;
            }

            return root is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                ? (target.Local, assignment.Value)
                : (null, null);
        }

        /// <summary>An event or delegate field of <c>this</c>, as the delegate a call invokes.</summary>
        private static bool IsOwnDelegate(IOperation delegateValue) => delegateValue switch
        {
            IEventReferenceOperation { Instance: IInstanceReferenceOperation } => true,
            IFieldReferenceOperation { Instance: IInstanceReferenceOperation, Type.TypeKind: TypeKind.Delegate } => true,
            _ => false,
        };

        /// <summary>
        /// Uses that cannot publish the object: reading one of its fields or events, comparing it, and (for
        /// <c>this</c>) running the constructor of a base type outside the compilation (<c>object</c>'s).
        /// </summary>
        private static bool IsHarmlessUse(IOperation local)
        {
            var parent = local.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                IFieldReferenceOperation field => field.Instance is not null,
                IEventReferenceOperation => true,
                IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Constructor } baseConstructor } => baseConstructor.DeclaringSyntaxReferences.IsEmpty,
                IIsPatternOperation or IIsNullOperation => true,
                IBinaryOperation binary => binary.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals && binary.OperatorMethod is null,
                ISimpleAssignmentOperation assignment => assignment.Target == local,
                _ => false,
            };
        }

        /// <summary>
        /// Owned when every constructor argument is a constant or itself a fresh object: what the new object
        /// refers to was made with it. Otherwise only the object itself is fresh.
        /// </summary>
        public static Freshness CreationFreshness(IObjectCreationOperation creation, ValueOrigins origins)
        {
            foreach (var argument in creation.Arguments)
            {
                if (!IsFreshOrConstant(argument.Value, origins, depth: 0))
                {
                    return Freshness.Fresh;
                }
            }

            return creation.Initializer is null ? Freshness.Owned : Freshness.Fresh;
        }

        private static bool IsFreshOrConstant(IOperation value, ValueOrigins origins, int depth)
        {
            var unwrapped = origins.Unwrap(value);
            if (unwrapped.ConstantValue.HasValue || unwrapped is IDefaultValueOperation or ILiteralOperation)
            {
                return true;
            }

            if (depth > 4)
            {
                return false;
            }

            switch (unwrapped)
            {
                case IObjectCreationOperation nested:
                    return CreationFreshness(nested, origins) == Freshness.Owned;
                case IArrayCreationOperation array:
                    if (array.Initializer is null)
                    {
                        return true;
                    }

                    foreach (var element in array.Initializer.ElementValues)
                    {
                        if (!IsFreshOrConstant(element, origins, depth + 1))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary><c>w is null</c>, <c>w == null</c>, <c>w is not null</c>, <c>w != null</c>, <c>w is { }</c>.</summary>
        private static bool NullTest(IOperation condition, ValueOrigins origins, out ILocalSymbol tested, out bool trueWhenNull)
        {
            tested = null!;
            trueWhenNull = false;
            switch (condition)
            {
                case IIsNullOperation { Operand: var operand } when origins.Unwrap(operand) is ILocalReferenceOperation local:
                    tested = local.Local;
                    trueWhenNull = true;
                    return true;
                case IIsPatternOperation { Value: var value, Pattern: var pattern } when origins.Unwrap(value) is ILocalReferenceOperation local:
                    tested = local.Local;
                    switch (pattern)
                    {
                        case IConstantPatternOperation { Value: var constant } when constant.ConstantValue is { HasValue: true, Value: null }:
                            trueWhenNull = true;
                            return true;
                        case INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } when constant.ConstantValue is { HasValue: true, Value: null }:
                            return true;
                        case IRecursivePatternOperation { DeclaredSymbol: null }:
                            return true;
                    }

                    return false;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                    var left = origins.Unwrap(binary.LeftOperand);
                    var right = origins.Unwrap(binary.RightOperand);
                    var local2 = left as ILocalReferenceOperation ?? right as ILocalReferenceOperation;
                    var other = ReferenceEquals(local2, left) ? right : left;
                    if (local2 is null || other.ConstantValue is not { HasValue: true, Value: null })
                    {
                        return false;
                    }

                    tested = local2.Local;
                    trueWhenNull = binary.OperatorKind == BinaryOperatorKind.Equals;
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Where the final pass records its judgements, and what escaped off the walked paths.</summary>
        private sealed class Judging
        {
            public Judging(Dictionary<IOperation, Freshness> result, State offPath)
            {
                Result = result;
                OffPath = offPath;
            }

            public Dictionary<IOperation, Freshness> Result { get; }

            /// <summary>Its <c>ThisFresh</c> is false, and its locals have escaped, when they escape off the walked paths.</summary>
            public State OffPath { get; }
        }

        /// <summary>The fresh locals at a point, and the locals whose null-ness says whether one came back unpublished.</summary>
        private sealed class State
        {
            /// <summary>In an instance constructor: <c>this</c> has not escaped yet.</summary>
            public bool ThisFresh { get; set; }

            public Dictionary<ILocalSymbol, Freshness> Fresh { get; } = new Dictionary<ILocalSymbol, Freshness>(SymbolEqualityComparer.Default);

            public Dictionary<ILocalSymbol, (ILocalSymbol Published, Freshness Freshness)> Pending { get; } = new Dictionary<ILocalSymbol, (ILocalSymbol, Freshness)>(SymbolEqualityComparer.Default);

            public State Copy()
            {
                var copy = new State { ThisFresh = ThisFresh };
                foreach (var entry in Fresh)
                {
                    copy.Fresh.Add(entry.Key, entry.Value);
                }

                foreach (var entry in Pending)
                {
                    copy.Pending.Add(entry.Key, entry.Value);
                }

                return copy;
            }

            private HashSet<ILocalSymbol>? _escaped;

            /// <summary>Whether the local escaped at some point (asked only of the off-path escapes).</summary>
            public bool HasEscaped(ILocalSymbol local) => _escaped is not null && _escaped.Contains(local);

            public void Escape(ILocalSymbol local)
            {
                (_escaped ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(local);
                Fresh.Remove(local);
                Pending.Remove(local);
                List<ILocalSymbol>? stale = null;
                foreach (var entry in Pending)
                {
                    if (SymbolEqualityComparer.Default.Equals(entry.Value.Published, local))
                    {
                        (stale ??= new List<ILocalSymbol>()).Add(entry.Key);
                    }
                }

                if (stale is not null)
                {
                    foreach (var key in stale)
                    {
                        Pending.Remove(key);
                    }
                }
            }

            public State AfterNullTest(ILocalSymbol tested, bool wIsNull)
            {
                var after = Copy();
                if (after.Pending.TryGetValue(tested, out var pending))
                {
                    after.Pending.Remove(tested);
                    if (!wIsNull)
                    {
                        after.Fresh[pending.Published] = pending.Freshness;
                    }
                }

                return after;
            }

            /// <summary>Keeps what holds on both paths; says whether anything was lost.</summary>
            public bool MeetWith(State other)
            {
                var changed = ThisFresh && !other.ThisFresh;
                ThisFresh &= other.ThisFresh;
                List<(ILocalSymbol Local, Freshness Freshness)>? lowered = null;
                foreach (var entry in Fresh)
                {
                    var theirs = other.Fresh.TryGetValue(entry.Key, out var freshness) ? freshness : Freshness.None;
                    if (theirs < entry.Value)
                    {
                        (lowered ??= new List<(ILocalSymbol, Freshness)>()).Add((entry.Key, theirs));
                    }
                }

                if (lowered is not null)
                {
                    foreach (var (local, freshness) in lowered)
                    {
                        if (freshness == Freshness.None)
                        {
                            Fresh.Remove(local);
                        }
                        else
                        {
                            Fresh[local] = freshness;
                        }
                    }

                    changed = true;
                }

                List<ILocalSymbol>? lost = null;
                foreach (var entry in Pending)
                {
                    if (!other.Pending.TryGetValue(entry.Key, out var theirs) || !theirs.Equals(entry.Value))
                    {
                        (lost ??= new List<ILocalSymbol>()).Add(entry.Key);
                    }
                }

                if (lost is not null)
                {
                    foreach (var local in lost)
                    {
                        Pending.Remove(local);
                    }

                    changed = true;
                }

                return changed;
            }
        }
    }

    /// <summary>One body's answer to "is this call's receiver fresh?", for the summary of its calls.</summary>
    internal sealed class FreshReceivers
    {
        private readonly Dictionary<IOperation, Freshness>? _calls;
        private readonly ValueOrigins _origins;

        public FreshReceivers(Dictionary<IOperation, Freshness>? calls, ValueOrigins origins)
        {
            _calls = calls;
            _origins = origins;
        }

        /// <summary>A constructor's object is always fresh; a call on a local or <c>this</c> is as the walk found.</summary>
        public Freshness Of(IOperation call)
        {
            if (call is IObjectCreationOperation creation)
            {
                return FreshObjects.CreationFreshness(creation, _origins);
            }

            return _calls is not null && _calls.TryGetValue(call, out var freshness) ? freshness : Freshness.None;
        }
    }
}
