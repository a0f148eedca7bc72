using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// Forward lockset analysis over one body's <see cref="ControlFlowGraph"/>.
    /// <para>
    /// The graph gives finally regions no predecessors: a branch lists the finally regions it runs
    /// through. So a finally region is analysed as a transfer function, once per distinct entry state,
    /// which keeps "return inside lock" and "exception inside lock" apart. Exceptions are modelled at
    /// throwing points (calls, object creations, awaits, cancellable waits, throw): the state there
    /// runs through the enclosing finally regions into the catch handlers, or out of the body.
    /// </para>
    /// <para>
    /// The analysis first iterates to a fixed point without recording anything, then makes one
    /// recording pass over the converged states, so every event describes a converged state.
    /// </para>
    /// </summary>
    internal sealed class LocksetAnalysis
    {
        private const int MaxVisitsPerBlock = 64;

        private readonly ControlFlowGraph _graph;
        private readonly ValueOrigins _origins;
        private readonly Resolvers _resolvers;
        private readonly LockOperationResolver _resolver;
        private readonly IAssemblySymbol _assembly;
        private readonly IInferredLockEffects? _effects;
        private readonly BodyFlow _flow;
        private readonly Dictionary<FinallyEntry, LockState?> _finallyResults = new Dictionary<FinallyEntry, LockState?>();
        private readonly HashSet<FinallyEntry> _finallyRecorded = new HashSet<FinallyEntry>();
        private readonly Dictionary<IOperation, IOperation[]> _flattened = new Dictionary<IOperation, IOperation[]>();
        private readonly List<IOperation> _flattening = new List<IOperation>();
        private readonly Stack<(IOperation Operation, bool ChildrenDone)> _pending = new Stack<(IOperation Operation, bool ChildrenDone)>();
        private readonly Dictionary<IInvocationOperation, IReadOnlyList<LockOperation>> _resolved = new Dictionary<IInvocationOperation, IReadOnlyList<LockOperation>>();
        private bool _recording;

        private LocksetAnalysis(ControlFlowGraph graph, ValueOrigins origins, Resolvers resolvers, IInferredLockEffects? effects, BodyFlow flow)
        {
            _effects = effects;
            _graph = graph;
            _origins = origins;
            _resolvers = resolvers;
            _resolver = resolvers.Operations;
            _assembly = resolvers.Assembly;
            _flow = flow;
        }

        /// <summary>
        /// Analyses a body with its contract: the declared one, or for an unannotated lock wrapper the one
        /// inferred from its net lock effect; calls of lock wrappers act as their inferred contracts say.
        /// </summary>
        public static BodyFlow Analyze(ControlFlowGraph graph, ValueOrigins origins, IMethodSymbol owner, Resolvers resolvers)
        {
            var contract = resolvers.Contracts.For(owner);
            var declared = contract != MethodContract.None;
            if (!declared && resolvers.Effects.For(owner, graph, origins) is { } inferred)
            {
                contract = inferred;
            }

            var flow = Analyze(graph, origins, owner, resolvers, contract, resolvers.Effects);
            flow.ContractIsDeclared = declared;
            return flow;
        }

        /// <summary>Analyses a body entered as <paramref name="contract"/> says, resolving calls with <paramref name="effects"/>.</summary>
        public static BodyFlow Analyze(ControlFlowGraph graph, ValueOrigins origins, IMethodSymbol owner, Resolvers resolvers, MethodContract contract, IInferredLockEffects? effects)
        {
            var flow = new BodyFlow(owner, contract);
            var analysis = new LocksetAnalysis(graph, origins, resolvers, effects, flow);
            var body = new Frame(analysis, region: null, exceptionCause: null);
            body.Seed(0, EntryState(contract));
            if (!body.Solve())
            {
                flow.Completed = false;
                return flow;
            }

            analysis._recording = true;
            body.Record();
            return flow;
        }

        /// <summary>
        /// What holds on entry: the locks the contract says the caller holds (<c>[RequiresLock]</c>) or
        /// hands over (<c>[ReleasesLock]</c>), and interrupts off in an IRQ handler.
        /// </summary>
        private static LockState EntryState(MethodContract contract)
        {
            var state = LockState.Empty;
            foreach (var held in contract.Requires)
            {
                state = state.Acquire(new LockOperation(LockOperationKind.Acquire, held.Class, held.Mode, held.Path, site: null!), condition: null, whenValue: true, certain: true);
            }

            foreach (var held in contract.Releases)
            {
                state = state.Acquire(new LockOperation(LockOperationKind.Acquire, held.Class, held.Mode, held.Path, site: null!), condition: null, whenValue: true, certain: true);
            }

            return contract.Context switch
            {
                IrqContextKind.HardIrq => state.WithIrqsOff(hard: true, soft: true),
                IrqContextKind.SoftIrq => state.WithIrqsOff(hard: false, soft: true),
                _ => state,
            };
        }

        private LockState Transfer(IOperation root, LockState state, Frame frame)
        {
            state = state.LeaveScopes(root.Syntax.Span);
            foreach (var operation in Flatten(root))
            {
                state = Apply(operation, state, frame);
            }

            return state;
        }

        /// <summary>
        /// The operations under <paramref name="root"/> that <see cref="Apply"/> acts on, in evaluation
        /// order (post-order: operands before the operation that uses them). Computed once per root:
        /// the solver visits a block several times and the recording pass once more.
        /// </summary>
        private IOperation[] Flatten(IOperation root)
        {
            if (_flattened.TryGetValue(root, out var cached))
            {
                return cached;
            }

            // One stack and one list serve every root of the body: only the flattened arrays are kept.
            var result = _flattening;
            var pending = _pending;
            result.Clear();
            pending.Push((root, false));
            while (pending.Count > 0)
            {
                var (operation, childrenDone) = pending.Pop();
                if (!childrenDone)
                {
                    pending.Push((operation, true));
                    foreach (var child in operation.ChildOperations.Reverse())
                    {
                        pending.Push((child, false));
                    }

                    continue;
                }

                switch (operation.Kind)
                {
                    case OperationKind.Invocation:
                    case OperationKind.Invalid:
                    case OperationKind.ObjectCreation:
                    case OperationKind.PropertyReference:
                    case OperationKind.FieldReference:
                    case OperationKind.Await:
                    case OperationKind.SimpleAssignment:
                    case OperationKind.FlowCapture:
                        result.Add(operation);
                        break;
                }
            }

            cached = result.Count == 0 ? System.Array.Empty<IOperation>() : result.ToArray();
            _flattened.Add(root, cached);
            return cached;
        }

        /// <summary>The lock operations an invocation performs, resolved once per body.</summary>
        private IReadOnlyList<LockOperation> Resolve(IInvocationOperation invocation)
        {
            if (!_resolved.TryGetValue(invocation, out var operations))
            {
                operations = _resolver.Resolve(invocation, _origins, _effects);
                _resolved.Add(invocation, operations);
            }

            return operations;
        }

        private LockState Apply(IOperation operation, LockState state, Frame frame)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return ApplyInvocation(invocation, state, frame);

                case IInvalidOperation invalid when _resolver.ResolveUnloweredLock(invalid, _origins) is { } scoped:
                    if (_recording)
                    {
                        _flow.Acquisitions.Add(new AcquisitionEvent(scoped, state.Holds, state.HardIrqsOff, state.SoftIrqsOff));
                    }

                    return state.Acquire(scoped, condition: null, whenValue: true, certain: true);

                case IObjectCreationOperation { Constructor: { } constructor } creation:
                    RecordCall(creation, constructor, delegateSlot: null, isVirtual: false, InstancePath.Unknown, creation.Arguments, state);
                    Throw(state, creation, frame);
                    return state;

                case IPropertyReferenceOperation property:
                    var accessor = IsAssignmentTarget(property) ? property.Property.SetMethod : property.Property.GetMethod;
                    if (accessor is not null)
                    {
                        RecordCall(property, accessor, null, IsVirtualCall(accessor, property.Instance), LockOperationResolver.InstanceOf(property.Instance, _origins), property.Arguments, state);
                        RecordBlockingCall(property, accessor, property.Instance, state);
                    }

                    RecordAccess(property, property.Property, property.Instance, state);
                    return state;

                case IFieldReferenceOperation field:
                    RecordAccess(field, field.Field, field.Instance, state);
                    return state;

                case IAwaitOperation awaitOperation:
                    if (_recording)
                    {
                        _flow.Awaits.Add(new AwaitEvent(awaitOperation, state.Holds));
                    }

                    if (!(AwaitedCall(awaitOperation) is { } awaited && Resolve(awaited).Count > 0))
                    {
                        Throw(state, awaitOperation, frame);
                    }

                    return state;

                // The target is spilled into a capture when the value awaits (`taken = c ? await a : b`).
                case ISimpleAssignmentOperation assignment when _origins.Unwrap(assignment.Target) is ILocalReferenceOperation { Local: var local } && IsFlagType(local.Type):
                    return AssignFlag(local, _origins.Unwrap(assignment.Value), state);

                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } copy when _origins.Unwrap(copy.Value) is ILocalReferenceOperation source:
                    var to = LockOperationResolver.InstanceOf(target, _origins);
                    var from = LockOperationResolver.InstanceOf(source, _origins);

                    // A local whose every assignment agrees names one path whatever is assigned: nothing moves.
                    return to.Equals(InstancePath.Local(target.Local.Name)) && from.IsKnown && !from.Equals(to) ? state.Rename(from, to) : state;

                case IFlowCaptureOperation capture when _origins.IsJoinOfPaths(capture.Id):
                    // One arm of `c ? s.Wait(t) : await s.WaitAsync(t)`: each arm ties its hold to the capture
                    // that joins them, so the join keeps the condition and the local assigned from it gets it.
                    var armFlag = FlagOf(_origins.Unwrap(capture.Value));
                    return state.IsCondition(armFlag) ? state.Rebind(armFlag, capture.Id) : state;

                default:
                    return state;
            }
        }

        /// <summary>
        /// A write to a local that can carry a try-acquire's result: the result itself (the hold is now tied
        /// to the local), a copy or negation of another flag (<c>var b2 = b;</c>, <c>b = !b;</c>), or anything
        /// else, which ends what the local said.
        /// </summary>
        private LockState AssignFlag(ILocalSymbol local, IOperation value, LockState state)
        {
            var negated = false;
            while (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                negated = !negated;
                value = _origins.Unwrap(not.Operand);
            }

            var flag = FlagOf(value);
            if (flag is ILocalSymbol source)
            {
                if (SymbolEqualityComparer.Default.Equals(source, local))
                {
                    return negated ? state.Rebind(local, local, negate: true) : state;
                }

                if (state.IsCondition(source))
                {
                    return state.CopyFlag(local, source, negated);
                }
            }
            else if (state.IsCondition(flag))
            {
                return state.Rebind(flag, local, negated);
            }

            return state.Assign(local, !negated && value.ConstantValue is { HasValue: true, Value: bool constant } ? constant : (bool?)null);
        }

        /// <summary>Bools carry <c>TryEnter</c>'s result; integers a kernel-style try-acquire's (0 on success).</summary>
        private static bool IsFlagType(ITypeSymbol type)
            => type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Int32 or SpecialType.System_Int64
                or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Byte or SpecialType.System_SByte;

        /// <summary>
        /// What a try-acquire's hold may be conditioned on, for a flag value: the awaited call of an await,
        /// the id of a capture joining a conditional's arms, a local's symbol, or the operation itself.
        /// </summary>
        private object FlagOf(IOperation value)
            => value switch
            {
                IAwaitOperation awaited => (object?)AwaitedCall(awaited) ?? value,
                IFlowCaptureReferenceOperation reference when _origins.IsJoinOfPaths(reference.Id) => reference.Id,
                ILocalReferenceOperation local => local.Local,
                _ => value,
            };

        /// <summary>The call an await waits for (looking through <c>ConfigureAwait</c>, as <see cref="ValueOrigins.Unwrap"/> does).</summary>
        private IInvocationOperation? AwaitedCall(IAwaitOperation awaitOperation)
            => _origins.Unwrap(awaitOperation.Operation) as IInvocationOperation;

        private LockState ApplyInvocation(IInvocationOperation invocation, LockState state, Frame frame)
        {
            if (_resolver.ResolveIrqSwitch(invocation) is { } irqSwitch)
            {
                var switched = state.SwitchIrqs(irqSwitch.Effect, irqSwitch.Disables);
                RecordIrqsEnabled(state, switched, invocation);
                return switched;
            }

            var operations = Resolve(invocation);
            var isCall = operations.Count == 0 || operations[0].IsContract;
            var releasesByContract = false;
            if (isCall)
            {
                var method = invocation.TargetMethod;
                var slot = method.MethodKind == MethodKind.DelegateInvoke ? DelegateSlot(invocation.Instance) : null;
                RecordCall(invocation, method, slot, IsVirtualCall(method, invocation.Instance), LockOperationResolver.InstanceOf(invocation.Instance, _origins), invocation.Arguments, state);
                RecordBlockingCall(invocation, method, invocation.Instance, state);

                // A method that releases by contract is taken at its word even when it throws; any other
                // call throws before its lock effects. Wrapping a task to await it does not fail at all.
                releasesByContract = ContainsRelease(operations);
                if (!releasesByContract && method.Name is not ("ConfigureAwait" or "GetAwaiter") && !IsPrimitiveComparison(method))
                {
                    Throw(state, invocation, frame);
                }
            }

            foreach (var operation in operations)
            {
                switch (operation.Kind)
                {
                    case LockOperationKind.Acquire:
                        if (operation.CanThrowBeforeAcquiring)
                        {
                            Throw(state, invocation, frame);
                        }

                        if (_recording)
                        {
                            _flow.Acquisitions.Add(AcquisitionAt(operation, state));
                        }

                        if (WaitsForItself(operation, state))
                        {
                            // LD0003 reports the deadlock; the thread never gets a second hold to leak or release.
                            _flow.WaitsForItself = true;
                            break;
                        }

                        if (operation.TakenFlag is null && NullTestOfReceiver(invocation) is { } receiverIsNull)
                        {
                            // `_mutex?.WaitOne()`: held exactly when the receiver was not null.
                            state = state.Acquire(operation, receiverIsNull, whenValue: false, certain: true);
                            break;
                        }

                        state = state.Acquire(operation, operation.TakenFlag, whenValue: true, certain: true);
                        break;

                    case LockOperationKind.TryAcquire:
                        if (operation.CanThrowBeforeAcquiring)
                        {
                            Throw(state, invocation, frame);
                        }

                        if (_recording)
                        {
                            _flow.TryAcquisitions.Add(AcquisitionAt(operation, state));
                        }

                        if (_recording && operation.SleepsOnTimeout && operation.Class.Sleeps)
                        {
                            _flow.Sleeps.Add(new SleepEvent(invocation, invocation.TargetMethod.Name + " with a timeout", state.Holds, state.HardIrqsOff, state.SoftIrqsOff, state.IsAtomic));
                        }

                        state = state.Acquire(operation, (object?)operation.TakenFlag ?? invocation, operation.SuccessValue, certain: false);
                        break;

                    case LockOperationKind.Release:
                        var before = state;
                        state = state.Release(operation, out var balance, out var released);
                        if (operation.Api?.EnablesHardIrqs == true)
                        {
                            state = state.WithHardIrqsOn();
                        }

                        if (_recording)
                        {
                            RecordHandOver(before, released);
                            _flow.Releases.Add(new ReleaseEvent(operation, balance, frame.ExceptionCause, releasesEntryHold: balance != ReleaseBalance.NotHeld && released.Site is null));
                            RecordIrqsEnabled(before, state, invocation);
                        }

                        break;

                    case LockOperationKind.Downgrade:
                        state = state.Downgrade(operation);
                        break;
                }
            }

            if (releasesByContract)
            {
                Throw(state, invocation, frame);
            }

            return state;
        }

        /// <summary>
        /// A blocking acquisition of a lock this body certainly took on the provably same instance, in a mode
        /// that does not re-enter: it never returns (LD0003), so it adds no hold, as Clang counts it. Holds a contract provides on
        /// entry are left out: for a lock wrapper the entry is itself inferred from the body. A read after a
        /// read of a reader-writer semaphore waits only if a writer queued in between, so it may well hold.
        /// </summary>
        private bool WaitsForItself(LockOperation operation, LockState state)
        {
            foreach (var held in state.Holds)
            {
                if (held.Site is not null && held.Certain && held.Condition is null && held.Class.Equals(operation.Class)
                    && !MayBeAdmittedBesideItself(held, operation)
                    && Graph.SameClassNesting.Classify(held.Class, held.Mode, held.Instance, operation.Mode, operation.Instance, _resolvers.Links) == Graph.SameClassNestingKind.SelfDeadlock)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool MayBeAdmittedBesideItself(HeldLock held, LockOperation operation)
            => held.Mode == LockMode.Shared && operation.Mode == LockMode.Shared
                && operation.Class.RuntimeKind is Validation.LockClassKind.RwSemaphore or Validation.LockClassKind.PerCpuRwSemaphore;

        /// <summary>
        /// Interrupts this body had switched off come back on (<c>Irq.LocalIrqEnable</c>, <c>LocalBhEnable</c>, the
        /// release of an <c>_irq</c> lock) while locks are still held: from here they are held with interrupts
        /// enabled, the usage lockdep marks on <c>local_irq_enable</c> (selftests irqsafe2A/2B).
        /// </summary>
        private void RecordIrqsEnabled(LockState before, LockState after, IOperation site)
        {
            var enabled = (before.HardIrqsOff && !after.HardIrqsOff) || (before.SoftIrqsOff && !after.SoftIrqsOff);
            if (_recording && enabled && !after.Holds.IsEmpty)
            {
                _flow.IrqsEnabled.Add(new IrqsEnabledEvent(site, after.Holds, after.HardIrqsOff, after.SoftIrqsOff));
            }
        }

        /// <summary>An acquisition with the state it is made in; <c>LockIrqSave</c> switches interrupts off before it acquires.</summary>
        private static AcquisitionEvent AcquisitionAt(LockOperation operation, LockState state)
            => new AcquisitionEvent(
                operation,
                state.Holds,
                state.HardIrqsOff || operation.IrqEffect == IrqEffect.HardIrqsOff,
                state.SoftIrqsOff || operation.IrqEffect == IrqEffect.SoftIrqsOff);

        /// <summary>
        /// <c>long.CompareTo(long)</c>, <c>int.Equals(int)</c>, <c>x.GetHashCode()</c> on a primitive: cannot throw, so a
        /// lock taken just before it (the next node's, in a hand-over-hand loop that compares keys) is not
        /// leaked on an exception path that does not exist. The <c>object</c> overloads can throw and are not included.
        /// </summary>
        private static bool IsPrimitiveComparison(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null || method.Name is not ("CompareTo" or "Equals" or "GetHashCode")
                || type.SpecialType is not (SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte
                    or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
                    or SpecialType.System_Int64 or SpecialType.System_UInt64))
            {
                return false;
            }

            foreach (var parameter in method.Parameters)
            {
                if (!SymbolEqualityComparer.Default.Equals(parameter.Type, type))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A lock released while a lock of the same class taken after it stays held: the traversal has moved on
        /// from one object to the next (lock coupling), and the later acquisition is recorded as handed over.
        /// </summary>
        private void RecordHandOver(LockState before, HeldLock released)
        {
            if (released.Site is null)
            {
                return;
            }

            var after = false;
            foreach (var hold in before.Holds)
            {
                if (after && hold.Class.Equals(released.Class) && hold.Site is { } site && !hold.Instance.Equals(released.Instance))
                {
                    _flow.HandedOver.Add(site.Syntax.SpanStart);
                }

                after |= ReferenceEquals(hold.Site, released.Site) && hold.SameLock(released);
            }
        }

        private static bool ContainsRelease(IReadOnlyList<LockOperation> operations)
        {
            foreach (var operation in operations)
            {
                if (operation.Kind == LockOperationKind.Release)
                {
                    return true;
                }
            }

            return false;
        }

        private void RecordCall(IOperation site, IMethodSymbol method, ISymbol? delegateSlot, bool isVirtual, InstancePath receiver, ImmutableArray<IArgumentOperation> arguments, LockState state)
        {
            if (!_recording)
            {
                return;
            }

            var contract = _resolvers.Contracts.For(method);
            var contractOwner = method;
            if (method.MethodKind == MethodKind.DelegateInvoke && site is IInvocationOperation { Instance: { } delegateValue } && InvokedFunction(delegateValue) is { } function)
            {
                // A delegate that can only be one lambda or local function carries that function's contract,
                // and the function's `this` is the enclosing method's.
                contract = _resolvers.Contracts.For(function);
                contractOwner = function;
                receiver = InstancePath.This;
            }

            if (delegateSlot is null && contract == MethodContract.None && !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly)
                && !_resolvers.Imports.Carries(method.ContainingAssembly))
            {
                // A call into an assembly that says nothing of its locking: nothing to follow.
                return;
            }

            var required = InCallerTerms(contract.Requires, contractOwner, receiver, arguments);
            var excluded = InCallerTerms(contract.Excludes, contractOwner, receiver, arguments);
            _flow.Calls.Add(new CallEvent(site, method, delegateSlot, isVirtual, receiver, state.Holds, state.HardIrqsOff, state.SoftIrqsOff, state.IsAtomic, contract, required, excluded));
        }

        private ImmutableArray<InstancePath> InCallerTerms(ImmutableArray<ContractLock> locks, IMethodSymbol callee, InstancePath receiver, ImmutableArray<IArgumentOperation> arguments)
        {
            if (locks.IsEmpty)
            {
                return ImmutableArray<InstancePath>.Empty;
            }

            var paths = ImmutableArray.CreateBuilder<InstancePath>(locks.Length);
            foreach (var contractLock in locks)
            {
                paths.Add(LockOperationResolver.InCallerTerms(contractLock.Path, callee, receiver, arguments, _origins));
            }

            return paths.MoveToImmutable();
        }

        /// <summary>The one lambda or local function a delegate value can be, when every value its local is given is that function.</summary>
        private IMethodSymbol? InvokedFunction(IOperation delegateValue)
        {
            var value = _origins.Unwrap(delegateValue);
            if (value is not ILocalReferenceOperation local)
            {
                return FunctionOf(value);
            }

            IMethodSymbol? function = null;
            foreach (var assigned in _origins.AssignmentsOf(local.Local))
            {
                var candidate = FunctionOf(_origins.Unwrap(assigned));
                if (candidate is null || (function is not null && !SymbolEqualityComparer.Default.Equals(function, candidate)))
                {
                    return null;
                }

                function = candidate;
            }

            return function;
        }

        private IMethodSymbol? FunctionOf(IOperation value)
        {
            if (value is IDelegateCreationOperation creation)
            {
                value = _origins.Unwrap(creation.Target);
            }

            return value switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                IFlowAnonymousFunctionOperation lambda => lambda.Symbol,
                IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference => reference.Method,
                _ => null,
            };
        }

        /// <summary>Calls that sleep (LD0006) and, among them, waits for other work (LD0013).</summary>
        private void RecordBlockingCall(IOperation site, IMethodSymbol method, IOperation? instance, LockState state)
        {
            if (!_recording || _resolver.SleepingCall(method) is not { } what)
            {
                return;
            }

            _flow.Sleeps.Add(new SleepEvent(site, what, state.Holds, state.HardIrqsOff, state.SoftIrqsOff, state.IsAtomic));

            // WaitAny returns when any of the work finishes, so one task needing the lock does not block it.
            if (_resolver.BlockingWaitKind(method) is not { } how || how == "WaitAny")
            {
                return;
            }

            var waited = instance;
            if (waited is not null && _origins.Unwrap(waited) is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter)
            {
                waited = getAwaiter.Instance;
            }

            if (waited is not null)
            {
                RecordWait(site, how, waited, state);
            }
            else if (site is IInvocationOperation invocation)
            {
                // Task.WaitAll(a, b), WaitAll(new[] { a, b }) and the params-span overload all name the tasks inside the arguments.
                foreach (var argument in invocation.Arguments)
                {
                    foreach (var operand in argument.Value.DescendantsAndSelf())
                    {
                        if (operand is ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation or IInvocationOperation
                            && KnownSymbols.IsOrDerives(operand.Type, _resolvers.Known.Task))
                        {
                            RecordWait(site, how, operand, state);
                        }
                    }
                }
            }
        }

        private void RecordWait(IOperation site, string how, IOperation waited, LockState state)
        {
            var work = WorkStarts.StartedWork(waited, _origins, _resolvers.Known);
            var slot = work is null ? DelegateBindingCollector.SlotOf(waited, _origins) : null;
            if (work is not null || slot is not null)
            {
                _flow.Waits.Add(new WaitEvent(site, how, slot, work, state.Holds));
            }
        }

        private void RecordAccess(IOperation site, ISymbol member, IOperation? receiver, LockState state)
        {
            if (_recording && site is IFieldReferenceOperation flag && FlagTests.IsFlag(flag.Field) && !FlagTests.IsPlainRead(site))
            {
                _flow.FlagWrites.Add(new FlagWriteEvent(flag, state.Holds));
            }

            if (!_recording || _resolvers.Guards.GuardOf(member) is not { } guard)
            {
                return;
            }

            // The guard of the object accessed: `other.Value` needs other's lock, not this one's.
            var guardInstance = guard.Path.IsKnown ? guard.Path.ThroughCall(LockOperationResolver.InstanceOf(receiver, _origins)) : InstancePath.Unknown;
            _flow.Accesses.Add(new AccessEvent(site, member, guard, guardInstance, IsWrite(site), state.Holds));
        }

        private static bool IsWrite(IOperation operation)
            => operation.Parent switch
            {
                IAssignmentOperation assignment => ReferenceEquals(assignment.Target, operation),
                IIncrementOrDecrementOperation => true,
                IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
                _ => false,
            };

        private ISymbol? DelegateSlot(IOperation? instance)
            => instance is null ? null : DelegateBindingCollector.SlotOf(instance, _origins);

        private static bool IsVirtualCall(IMethodSymbol method, IOperation? instance)
        {
            if (instance?.Syntax is BaseExpressionSyntax)
            {
                return false;
            }

            return method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface;
        }

        private static bool IsAssignmentTarget(IOperation operation)
            => operation.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, operation);

        /// <summary>
        /// An exception at <paramref name="cause"/>: the state runs through each enclosing finally and
        /// into the catch handlers, and leaves the body unless a catch-all stops it.
        /// </summary>
        private void Throw(LockState? state, IOperation cause, Frame frame, bool explicitThrow = false)
        {
            var block = frame.CurrentBlock;
            if (block is null)
            {
                return;
            }

            // A lambda's or local function's graph hangs under its parent's regions: stop at this graph's root.
            for (var region = block.EnclosingRegion; region is not null && state is not null && !ReferenceEquals(region, _graph.Root); region = region.EnclosingRegion)
            {
                if (ReferenceEquals(region, frame.Region))
                {
                    // An exception out of a finally region: rare, and not followed further.
                    return;
                }

                if (region.Kind != ControlFlowRegionKind.Try)
                {
                    continue;
                }

                var parent = region.EnclosingRegion!;
                if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
                {
                    state = RunFinally(parent.NestedRegions[1], state, cause);
                }
                else if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
                {
                    for (var i = 1; i < parent.NestedRegions.Length; i++)
                    {
                        var handler = parent.NestedRegions[i];
                        frame.Seed(handler.FirstBlockOrdinal, state);
                        if (IsCatchAll(handler))
                        {
                            return;
                        }
                    }
                }

                region = parent;
            }

            if (state is not null && _recording)
            {
                _flow.Exits.Add(new ExitEvent(state.LeaveScopes(null).Holds, cause, explicitThrow));
            }
        }

        private static bool IsCatchAll(ControlFlowRegion handler)
            => handler.Kind == ControlFlowRegionKind.Catch
               && (handler.ExceptionType is null
                   || handler.ExceptionType.SpecialType == SpecialType.System_Object
                   || handler.ExceptionType.ToDisplayString() == "System.Exception");

        private LockState? RunFinally(ControlFlowRegion region, LockState state, IOperation? exceptionCause)
        {
            var key = new FinallyEntry(region.FirstBlockOrdinal, state);
            if (_finallyResults.TryGetValue(key, out var known) && (!_recording || _finallyRecorded.Contains(key)))
            {
                return known;
            }

            var frame = new Frame(this, region, exceptionCause);
            var recording = _recording;
            _recording = false;
            frame.Seed(region.FirstBlockOrdinal, state);
            var solved = frame.Solve();
            _recording = recording;
            if (!solved)
            {
                _flow.Completed = false;
                return null;
            }

            if (_recording)
            {
                _finallyRecorded.Add(key);
                frame.Record();
            }

            _finallyResults[key] = frame.End;
            return frame.End;
        }

        /// <summary>A value returned by a lock wrapper that returns a releaser (every value it returns is one, never null).</summary>
        private bool IsReleaser(IOperation value)
        {
            var source = _origins.Unwrap(value);
            if (source is IAwaitOperation awaited)
            {
                source = _origins.Unwrap(awaited.Operation);
            }

            return source is IInvocationOperation invocation
                   && _resolvers.Contracts.For(invocation.TargetMethod) == MethodContract.None
                   && _effects?.For(invocation.TargetMethod) is { ReleasedByDisposingResult: true };
        }

        /// <summary>For a call made through <c>?.</c> on a readonly field: the condition "that field is null".</summary>
        private NullTest? NullTestOfReceiver(IInvocationOperation invocation)
            => invocation.Instance is { Syntax.Parent: ConditionalAccessExpressionSyntax access } instance && access.Expression == instance.Syntax
                ? NullTestOf(instance, _origins)
                : null;

        private static NullTest? NullTestOf(IOperation tested, ValueOrigins origins)
            => origins.Unwrap(tested) is IFieldReferenceOperation { Field.IsReadOnly: true } field
               && LockOperationResolver.InstanceOf(field, origins) is { IsKnown: true } path
                ? new NullTest(path)
                : null;

        private static object? ConditionOf(IOperation? value, ValueOrigins origins, out bool negated)
        {
            negated = false;
            for (var depth = 0; value is not null && depth < 8; depth++)
            {
                value = origins.Unwrap(value);
                if (BooleanTest.TryStripNegation(ref value, ref negated))
                {
                    continue;
                }

                switch (value)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                        when IntComparison.Of(comparison, origins) is { } intComparison:
                        negated ^= comparison.OperatorKind == BinaryOperatorKind.NotEquals;
                        return intComparison;
                    case IAwaitOperation awaitOperation:
                        value = awaitOperation.Operation;
                        continue;
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IInvocationOperation invocation:
                        return invocation;
                    case IFlowCaptureReferenceOperation reference when origins.IsJoinOfPaths(reference.Id):
                        return reference.Id;
                    case IIsNullOperation isNull:
                        return NullTestOf(isNull.Operand, origins);
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="constant"/> is the success value of the int try-acquire that made <paramref name="hold"/>.</summary>
        private bool IsSuccessConstant(HeldLock hold, object constant)
        {
            if (hold.Site is not IInvocationOperation acquisition)
            {
                return false;
            }

            foreach (var operation in Resolve(acquisition))
            {
                if (operation.Kind == LockOperationKind.TryAcquire && operation.Class.Equals(hold.Class) && operation.SuccessConstant is { } success)
                {
                    return SameNumber(success, constant);
                }
            }

            return false;
        }

        private static bool SameNumber(object a, object b)
        {
            try
            {
                return System.Convert.ToDecimal(a, System.Globalization.CultureInfo.InvariantCulture) == System.Convert.ToDecimal(b, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (System.Exception exception) when (exception is System.InvalidCastException or System.FormatException or System.OverflowException)
            {
                return a.Equals(b);
            }
        }

        /// <summary>
        /// <c>result == constant</c> (or <c>!=</c>) with a number: how a kernel-style try-acquire's int result is
        /// tested. The result is a local it was stored in, or the call itself.
        /// </summary>
        private sealed class IntComparison
        {
            private IntComparison(object key, object constant)
            {
                Key = key;
                Constant = constant;
            }

            public object Key { get; }

            public object Constant { get; }

            public static IntComparison? Of(IBinaryOperation comparison, ValueOrigins origins)
            {
                var (tested, constant) = comparison.RightOperand.ConstantValue.HasValue
                    ? (comparison.LeftOperand, comparison.RightOperand.ConstantValue.Value)
                    : (comparison.RightOperand, comparison.LeftOperand.ConstantValue.HasValue ? comparison.LeftOperand.ConstantValue.Value : null);
                if (constant is null or bool || !(constant is int or long or short or sbyte or byte or uint or ulong or ushort))
                {
                    return null;
                }

                return origins.Unwrap(tested) switch
                {
                    ILocalReferenceOperation local => new IntComparison(local.Local, constant),
                    IInvocationOperation invocation => new IntComparison(invocation, constant),
                    _ => null,
                };
            }
        }

        private readonly struct FinallyEntry : System.IEquatable<FinallyEntry>
        {
            public FinallyEntry(int ordinal, LockState state)
            {
                Ordinal = ordinal;
                State = state;
            }

            public int Ordinal { get; }

            public LockState State { get; }

            public bool Equals(FinallyEntry other) => Ordinal == other.Ordinal && State.Equals(other.State);

            public override bool Equals(object? obj) => obj is FinallyEntry other && Equals(other);

            public override int GetHashCode() => (Ordinal * 397) ^ State.GetHashCode();
        }

        /// <summary>
        /// One worklist over a set of blocks: the whole body, or one finally region entered with one state.
        /// </summary>
        private sealed class Frame
        {
            private readonly LocksetAnalysis _analysis;
            private readonly LockState?[] _input;
            private readonly int[] _visits;
            private readonly SortedSet<int> _worklist = new SortedSet<int>();

            public Frame(LocksetAnalysis analysis, ControlFlowRegion? region, IOperation? exceptionCause)
            {
                _analysis = analysis;
                Region = region;
                ExceptionCause = exceptionCause;
                _input = new LockState?[analysis._graph.Blocks.Length];
                _visits = new int[_input.Length];
            }

            /// <summary>The finally region this frame runs, or null for the body.</summary>
            public ControlFlowRegion? Region { get; }

            public IOperation? ExceptionCause { get; }

            public BasicBlock? CurrentBlock { get; private set; }

            /// <summary>For a finally frame: the join of the states that leave the region.</summary>
            public LockState? End { get; private set; }

            public void Seed(int ordinal, LockState state)
            {
                if (_analysis._recording)
                {
                    return;
                }

                var joined = LockState.Join(_input[ordinal], state);
                if (_input[ordinal] is null || !joined.Equals(_input[ordinal]))
                {
                    _input[ordinal] = joined;
                    _worklist.Add(ordinal);
                }
            }

            public bool Solve()
            {
                while (_worklist.Count > 0)
                {
                    var ordinal = _worklist.Min;
                    _worklist.Remove(ordinal);
                    if (++_visits[ordinal] > MaxVisitsPerBlock)
                    {
                        return false;
                    }

                    Process(_analysis._graph.Blocks[ordinal], _input[ordinal]!);
                }

                return true;
            }

            public void Record()
            {
                for (var ordinal = 0; ordinal < _input.Length; ordinal++)
                {
                    if (_input[ordinal] is { } state)
                    {
                        Process(_analysis._graph.Blocks[ordinal], state);
                    }
                }
            }

            private void Process(BasicBlock block, LockState state)
            {
                var previous = CurrentBlock;
                CurrentBlock = block;
                foreach (var operation in block.Operations)
                {
                    state = _analysis.Transfer(operation, state, this);
                }

                if (block.BranchValue is { } branchValue)
                {
                    state = _analysis.Transfer(branchValue, state, this);
                }

                if (block.ConditionalSuccessor is { } whenNull && block.BranchValue is IIsNullOperation isNull && _analysis.IsReleaser(isNull.Operand))
                {
                    // `using (Lock())` tests a releaser for null before disposing it; a releaser never is.
                    Deliver(block.ConditionKind == ControlFlowConditionKind.WhenTrue ? block.FallThroughSuccessor : whenNull, state, block);
                }
                else if (block.ConditionalSuccessor is { } conditional && block.BranchValue is not null)
                {
                    var condition = ConditionOf(block.BranchValue, _analysis._origins, out var negated);
                    var whenConditional = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                    Deliver(conditional, Refine(state, condition, whenConditional ^ negated), block);
                    Deliver(block.FallThroughSuccessor, Refine(state, condition, !whenConditional ^ negated), block);
                }
                else
                {
                    Deliver(block.FallThroughSuccessor, state, block);
                }

                CurrentBlock = previous;
            }

            private LockState? Refine(LockState state, object? condition, bool value)
                => condition switch
                {
                    null => state,
                    IntComparison comparison => state.RefineComparison(comparison.Key, value, hold => _analysis.IsSuccessConstant(hold, comparison.Constant)),
                    _ => state.Refine(condition, value),
                };

            private void Deliver(ControlFlowBranch? branch, LockState? state, BasicBlock source)
            {
                if (branch is null || state is null)
                {
                    return;
                }

                switch (branch.Semantics)
                {
                    case ControlFlowBranchSemantics.Regular:
                    case ControlFlowBranchSemantics.Return:
                        foreach (var finallyRegion in branch.FinallyRegions)
                        {
                            state = _analysis.RunFinally(finallyRegion, state, exceptionCause: null);
                            if (state is null)
                            {
                                return;
                            }
                        }

                        if (branch.Destination is not { } destination)
                        {
                            return;
                        }

                        if (destination.Kind == BasicBlockKind.Exit)
                        {
                            state = state.LeaveScopes(null);
                            if (_analysis._recording)
                            {
                                _analysis._flow.Exits.Add(new ExitEvent(state.Holds, exceptionCause: null));
                                if (branch.Semantics == ControlFlowBranchSemantics.Return && source.BranchValue is { } returned)
                                {
                                    _analysis._flow.Returns.Add(new ReturnEvent(returned, state.Holds));
                                }
                            }
                        }
                        else
                        {
                            Seed(destination.Ordinal, state);
                        }

                        break;

                    case ControlFlowBranchSemantics.Throw:
                    case ControlFlowBranchSemantics.Rethrow:
                        _analysis.Throw(state, source.BranchValue ?? (IOperation?)LastOperation(source) ?? _analysis._graph.OriginalOperation, this, explicitThrow: true);
                        break;

                    case ControlFlowBranchSemantics.StructuredExceptionHandling:
                        End = LockState.Join(End, state);
                        break;
                }
            }

            private static IOperation? LastOperation(BasicBlock block)
                => block.Operations.IsEmpty ? null : block.Operations[block.Operations.Length - 1];
        }
    }
}
