using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>A flag (a private <c>bool</c> instance field of the object, read through <c>this</c>) and a value it has.</summary>
    internal readonly struct FlagValue : System.IEquatable<FlagValue>
    {
        public FlagValue(IFieldSymbol field, bool value)
        {
            Field = field;
            Value = value;
        }

        public IFieldSymbol Field { get; }

        public bool Value { get; }

        public bool Contradicts(FlagValue other) => Value != other.Value && SymbolEqualityComparer.Default.Equals(Field, other.Field);

        public bool Equals(FlagValue other) => Value == other.Value && SymbolEqualityComparer.Default.Equals(Field, other.Field);

        public override bool Equals(object? obj) => obj is FlagValue other && Equals(other);

        public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Field) * 2) + (Value ? 1 : 0);
    }

    /// <summary>
    /// What the body's own tests of its object's flags say at each call and acquisition (issue 10's
    /// "branch guarded by state that cannot hold"), two facts a must-analysis over the control-flow graph
    /// finds:
    /// <list type="bullet">
    /// <item><b>known</b>: <c>this._disposed</c> was tested false and nothing has run since that could change it
    /// on this thread (no call, creation, await or write of it): <c>if (_disposed) return; Drain();</c>;</item>
    /// <item><b>entry conditions</b>: the site runs only if the flag had that value when the body was entered,
    /// because it was tested before anything ran: <c>void Drain() { if (_disposed) { lock (_pending) { } } }</c>.</item>
    /// </list>
    /// Whether another thread can change the flag in between is the graph's question (<see cref="Graph.FlagGuards"/>):
    /// these facts are about this thread only.
    /// </summary>
    internal sealed class FlagTests
    {
        public static readonly FlagTests None = new FlagTests(null, null);

        private readonly Dictionary<IOperation, ImmutableArray<FlagValue>>? _known;
        private readonly Dictionary<IOperation, ImmutableArray<FlagValue>>? _entryConditions;

        private FlagTests(Dictionary<IOperation, ImmutableArray<FlagValue>>? known, Dictionary<IOperation, ImmutableArray<FlagValue>>? entryConditions)
        {
            _known = known;
            _entryConditions = entryConditions;
        }

        /// <summary>
        /// The flags a body writes, found without its lockset flow: for a body too irregular to analyse, whose
        /// writes must then count as made without any lock.
        /// </summary>
        public static ImmutableArray<IFieldSymbol> WrittenFlags(ControlFlowGraph graph)
        {
            var written = ImmutableArray.CreateBuilder<IFieldSymbol>();
            foreach (var block in graph.Blocks)
            {
                foreach (var root in block.Operations)
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        if (operation is IFieldReferenceOperation reference && IsFlag(reference.Field) && !IsPlainRead(reference))
                        {
                            written.Add(reference.Field.OriginalDefinition);
                        }
                    }
                }
            }

            return written.ToImmutable();
        }

        /// <summary>The flag values known on this thread just before the call or creation at <paramref name="site"/>.</summary>
        public ImmutableArray<FlagValue> KnownAt(IOperation site)
            => _known is not null && _known.TryGetValue(site, out var values) ? values : ImmutableArray<FlagValue>.Empty;

        /// <summary>The flag values the body must have been entered with for <paramref name="site"/> to run.</summary>
        public ImmutableArray<FlagValue> EntryConditionsAt(IOperation site)
            => _entryConditions is not null && _entryConditions.TryGetValue(site, out var values) ? values : ImmutableArray<FlagValue>.Empty;

        public static FlagTests Find(ControlFlowGraph graph, ValueOrigins origins, IMethodSymbol owner)
        {
            var blocks = graph.Blocks;
            if (owner.IsStatic || !TestsAFlag(blocks, origins, owner) || IsIterator(owner))
            {
                // Most bodies test no flag of their object: one scan. An iterator's body runs when it is
                // enumerated, not when it is called, so its entry is not its caller's call.
                return None;
            }

            var entry = new State?[blocks.Length];
            var pending = new Queue<int>();
            var queued = new bool[blocks.Length];
            for (var index = 0; index < blocks.Length; index++)
            {
                // Blocks exceptions enter (no predecessors) start knowing nothing: anything may have run before.
                if (index == 0 || blocks[index].Predecessors.IsEmpty)
                {
                    entry[index] = new State(pristine: index == 0);
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
                Transfer(block, state, origins, owner, record: null);
                var onConditional = state;
                var onFallThrough = state;
                if (block.ConditionalSuccessor is not null && block.BranchValue is { } branch && FlagTestOf(branch, origins, owner, out var flag, out var whenTrue))
                {
                    // The conditional successor is taken when the branch value is (ConditionKind).
                    var conditionalValue = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenTrue : !whenTrue;
                    onConditional = state.Copy().Learn(new FlagValue(flag!, conditionalValue));
                    onFallThrough = state.Copy().Learn(new FlagValue(flag!, !conditionalValue));
                }

                Deliver(block.ConditionalSuccessor?.Destination, onConditional, entry, pending, queued);
                Deliver(block.FallThroughSuccessor?.Destination, onFallThrough, entry, pending, queued);
            }

            var known = new Dictionary<IOperation, ImmutableArray<FlagValue>>();
            var entryConditions = new Dictionary<IOperation, ImmutableArray<FlagValue>>();
            var record = (known, entryConditions);
            for (var index = 0; index < blocks.Length; index++)
            {
                if (entry[index] is { } reached)
                {
                    Transfer(blocks[index], reached.Copy(), origins, owner, record);
                }
            }

            return new FlagTests(known.Count == 0 ? null : known, entryConditions.Count == 0 ? null : entryConditions);
        }

        /// <summary>A private <c>bool</c> instance field of the owner's type, read through <c>this</c>.</summary>
        private static bool IsFlagOfThis(IOperation operation, IMethodSymbol owner, out IFieldSymbol? flag)
        {
            flag = null;
            if (operation is IFieldReferenceOperation { Field: var field, Instance: IInstanceReferenceOperation }
                && IsFlag(field)
                && owner.ContainingType is { } type
                && SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, type.OriginalDefinition))
            {
                flag = field.OriginalDefinition;
                return true;
            }

            return false;
        }

        private static bool IsIterator(IMethodSymbol owner)
        {
            foreach (var reference in owner.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is YieldStatementSyntax)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool TestsAFlag(ImmutableArray<BasicBlock> blocks, ValueOrigins origins, IMethodSymbol owner)
        {
            foreach (var block in blocks)
            {
                if (block.BranchValue is { } branch && FlagTestOf(branch, origins, owner, out _, out _))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>_flag</c>, <c>!_flag</c>, <c>_flag == false</c>: which flag, and the branch value when it is true.</summary>
        private static bool FlagTestOf(IOperation branch, ValueOrigins origins, IMethodSymbol owner, out IFieldSymbol? flag, out bool valueWhenTrue)
        {
            var negated = false;
            var value = branch;
            for (var depth = 0; depth < 8; depth++)
            {
                value = origins.Unwrap(value);
                if (!BooleanTest.TryStripNegation(ref value, ref negated))
                {
                    valueWhenTrue = !negated;
                    return IsFlagOfThis(value, owner, out flag);
                }
            }

            valueWhenTrue = true;
            flag = null;
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

        private static void Transfer(BasicBlock block, State state, ValueOrigins origins, IMethodSymbol owner, (Dictionary<IOperation, ImmutableArray<FlagValue>> Known, Dictionary<IOperation, ImmutableArray<FlagValue>> Entry)? record)
        {
            foreach (var operation in block.Operations)
            {
                Transfer(operation, state, origins, owner, record);
            }

            if (block.BranchValue is { } branchValue)
            {
                Transfer(branchValue, state, origins, owner, record);
            }
        }

        /// <summary>Operands before the operation that uses them; a call is recorded with the state before it runs.</summary>
        private static void Transfer(IOperation operation, State state, ValueOrigins origins, IMethodSymbol owner, (Dictionary<IOperation, ImmutableArray<FlagValue>> Known, Dictionary<IOperation, ImmutableArray<FlagValue>> Entry)? record)
        {
            foreach (var child in operation.ChildOperations)
            {
                Transfer(child, state, origins, owner, record);
            }

            switch (operation)
            {
                case IInvocationOperation or IInvalidOperation or IObjectCreationOperation:
                    if (record is { } sites)
                    {
                        if (state.Known.Count > 0)
                        {
                            sites.Known[operation] = state.Known.ToImmutableArray();
                        }

                        if (state.Entry.Count > 0)
                        {
                            sites.Entry[operation] = state.Entry.ToImmutableArray();
                        }
                    }

                    // Code we do not follow here may write the flag, or release a lock another thread waits on to write it.
                    state.RunCode();
                    break;
                case IPropertyReferenceOperation { Property.DeclaringSyntaxReferences.IsEmpty: false }:
                case IAwaitOperation:
                case IReturnOperation { Kind: OperationKind.YieldReturn }:
                case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                    state.RunCode();
                    break;
                case IFieldReferenceOperation written when IsFlagOfThis(written, owner, out var flag) && !IsPlainRead(written):
                    state.Write(flag!);
                    break;
            }
        }

        /// <summary>A private <c>bool</c> instance field: only its own type can write it.</summary>
        public static bool IsFlag(IFieldSymbol field)
            => field is { IsStatic: false, IsConst: false, DeclaredAccessibility: Accessibility.Private, Type.SpecialType: SpecialType.System_Boolean };

        /// <summary>A read that cannot change the field: not assigned, incremented, passed by reference or bound to a <c>ref</c> local.</summary>
        public static bool IsPlainRead(IOperation reference) => reference.Parent switch
        {
            ISimpleAssignmentOperation { IsRef: true } => false,
            IAssignmentOperation assignment => !ReferenceEquals(assignment.Target, reference),
            IIncrementOrDecrementOperation => false,
            ITupleOperation => false, // possibly a deconstruction's target: (_flag, other) = ...
            IArgumentOperation argument => argument.Parameter?.RefKind is not (RefKind.Ref or RefKind.Out),
            _ => true,
        };

        private sealed class State
        {
            public State(bool pristine)
            {
                Pristine = pristine;
            }

            /// <summary>Values this thread knows the flags have now.</summary>
            public List<FlagValue> Known { get; } = new List<FlagValue>();

            /// <summary>Values the flags must have had on entry for this point to be reached.</summary>
            public List<FlagValue> Entry { get; } = new List<FlagValue>();

            /// <summary>Nothing has run and no flag was written since entry: a flag tested now has its entry value.</summary>
            public bool Pristine { get; private set; }

            public State Copy()
            {
                var copy = new State(Pristine);
                copy.Known.AddRange(Known);
                copy.Entry.AddRange(Entry);
                return copy;
            }

            public State Learn(FlagValue value)
            {
                Known.RemoveAll(known => SymbolEqualityComparer.Default.Equals(known.Field, value.Field));
                Known.Add(value);
                if (Pristine && !Entry.Contains(value))
                {
                    Entry.Add(value);
                }

                return this;
            }

            public void RunCode()
            {
                Known.Clear();
                Pristine = false;
            }

            public void Write(IFieldSymbol flag)
            {
                Known.RemoveAll(known => SymbolEqualityComparer.Default.Equals(known.Field, flag));
                Pristine = false;
            }

            /// <summary>Keeps what holds on both paths; true when this state changed.</summary>
            public bool MeetWith(State other)
            {
                var changed = Known.RemoveAll(value => !other.Known.Contains(value)) > 0;
                changed |= Entry.RemoveAll(value => !other.Entry.Contains(value)) > 0;
                if (Pristine && !other.Pristine)
                {
                    Pristine = false;
                    changed = true;
                }

                return changed;
            }
        }
    }
}
