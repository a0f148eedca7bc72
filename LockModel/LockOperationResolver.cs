using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.LockModel
{
    /// <summary>
    /// Turns an invocation into the lock operations it performs: the BCL lock APIs, the kernel-style
    /// primitives, the lowered <c>lock</c> statement (<c>Monitor.Enter(o, ref taken)</c> or
    /// <c>Lock.EnterScope()</c>), scope disposal, and calls to methods whose attributes make them
    /// lock operations (<c>[AcquiresLock]</c>, <c>[ReleasesLock]</c>, <c>[TryAcquiresLock]</c>).
    /// </summary>
    internal sealed class LockOperationResolver
    {
        private const int MaxTraceDepth = 6;
        private static readonly IReadOnlyList<LockOperation> None = System.Array.Empty<LockOperation>();

        private readonly KnownSymbols _known;
        private readonly LockClassRegistry _registry;
        private readonly MethodContracts _contracts;

        public LockOperationResolver(KnownSymbols known, LockClassRegistry registry, MethodContracts contracts)
        {
            _known = known;
            _registry = registry;
            _contracts = contracts;
        }

        /// <param name="inferred">Contracts inferred for unannotated lock wrappers; null to go by attributes only.</param>
        public IReadOnlyList<LockOperation> Resolve(IInvocationOperation invocation, ValueOrigins origins, IInferredLockEffects? inferred = null)
        {
            var method = invocation.TargetMethod;
            if (method.ContainingType is null)
            {
                return None;
            }

            if (_known.FindApi(method, out var requiredReceiver) is { } api)
            {
                return Single(ResolveApiCall(invocation, api, requiredReceiver, origins));
            }

            if (method.Name == "Dispose" && method.Parameters.Length == 0) return Single(ResolveScopeDisposal(invocation, origins, inferred));
            return ResolveContract(invocation, origins, inferred);
        }

        /// <summary>A call of a row of <see cref="LockApis"/>: the operation it performs on the lock it names.</summary>
        private LockOperation? ResolveApiCall(IInvocationOperation invocation, LockApi api, INamedTypeSymbol? requiredReceiver, ValueOrigins origins)
        {
            var lockObject = api.LocksFirstArgument
                ? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null)
                : invocation.Instance;
            if (lockObject is null || (requiredReceiver is not null && !KnownSymbols.IsOrDerives(origins.Unwrap(lockObject).Type, requiredReceiver)))
            {
                return null;
            }

            var method = invocation.TargetMethod;
            var kind = KindOf(api, method);
            var operation = Create(kind, lockObject, api.Primitive, api.Mode, invocation, origins);
            if (operation is null)
            {
                return null;
            }

            operation.Api = api;
            operation.TakenFlag = RefFlag(invocation);
            operation.IrqEffect = api.Irq;
            operation.CanThrowBeforeAcquiring = api.Primitive == LockPrimitive.SemaphoreSlim && TakesCancellationToken(method);
            if (api.TakesNestingSubclass
                && invocation.Arguments.Length == 1
                && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int subclass })
            {
                return new LockOperation(kind, _registry.ForSubclass(operation.Class, subclass), api.Mode, operation.Instance, invocation) { Api = api };
            }

            return operation;
        }

        /// <summary>
        /// A <c>lock</c> statement the flow graph kept as an invalid operation (a <c>System.Threading.Lock</c>
        /// under nullable analysis in Roslyn 4.14): the acquisition, scoped to the statement.
        /// </summary>
        public LockOperation? ResolveUnloweredLock(IInvalidOperation invalid, ValueOrigins origins)
        {
            if (invalid.Syntax.Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.LockStatementSyntax statement || statement.Expression != invalid.Syntax)
            {
                return null;
            }

            foreach (var child in invalid.ChildOperations)
            {
                if (KnownSymbols.Is(child.Type, _known.ThreadingLock)
                    && ResolveLockObject(child, LockPrimitive.ThreadingLock, origins) is { } resolved)
                {
                    return new LockOperation(LockOperationKind.Acquire, resolved.Class, LockMode.Exclusive, resolved.Path, child) { Scope = statement };
                }
            }

            return null;
        }

        /// <summary>The lock class and instance of the object an operation locks.</summary>
        public (LockClass Class, InstancePath Path)? ResolveLockObject(IOperation lockObject, LockPrimitive primitive, ValueOrigins origins)
            => ResolveLockObject(lockObject, primitive, origins, 0);

        private (LockClass Class, InstancePath Path)? ResolveLockObject(IOperation lockObject, LockPrimitive primitive, ValueOrigins origins, int depth)
        {
            var operation = origins.Unwrap(lockObject);
            switch (operation)
            {
                case IFieldReferenceOperation field:
                    return MemberLock(field.Field, field.Instance, primitive, origins);
                case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                    return MemberLock(property.Property, property.Instance, primitive, origins);
                case IPropertyReferenceOperation { Instance: { } collection }:
                    return ElementLock(collection, primitive, origins);
                case IArrayElementReferenceOperation element:
                    return ElementLock(element.ArrayReference, primitive, origins);
                case ITypeOfOperation typeOf when primitive != LockPrimitive.SemaphoreSlim:
                    // One Type object per type: the same object wherever typeof(X) is written.
                    return (_registry.ForTypeObject(typeOf.TypeOperand, primitive), InstancePath.Static(LockClass.TypeObjectKeyPrefix + typeOf.TypeOperand.OriginalDefinition.ToDisplayString()));
                case IInstanceReferenceOperation instance when instance.Type is not null:
                    return (_registry.ForType(instance.Type, primitive), InstancePath.This);
                case ILocalReferenceOperation local:
                    if (depth < MaxTraceDepth && TraceLocal(local.Local, primitive, origins, depth) is { } traced)
                    {
                        return traced;
                    }

                    return IsUntracedLockUsable(primitive, local.Local, origins)
                        ? (_registry.ForType(local.Local.Type, primitive), InstancePath.Local(local.Local.Name))
                        : ((LockClass, InstancePath)?)null;
                case IParameterReferenceOperation parameter:
                    return primitive == LockPrimitive.SemaphoreSlim
                        ? ((LockClass, InstancePath)?)null
                        : (_registry.ForType(parameter.Parameter.Type, primitive), InstancePath.Parameter(parameter.Parameter.Name));
                default:
                    return operation.Type is null || primitive == LockPrimitive.SemaphoreSlim
                        ? ((LockClass, InstancePath)?)null
                        : (_registry.ForType(operation.Type, primitive), InstancePath.Unknown);
            }
        }

        private (LockClass, InstancePath)? MemberLock(ISymbol member, IOperation? instance, LockPrimitive primitive, ValueOrigins origins)
        {
            if (primitive == LockPrimitive.SemaphoreSlim && !_registry.IsMutexSemaphore(member))
            {
                return null;
            }

            return (_registry.ForMember(member, primitive), MemberPath(member, instance, origins));
        }

        private (LockClass, InstancePath)? ElementLock(IOperation collection, LockPrimitive primitive, ValueOrigins origins)
        {
            var owner = origins.Unwrap(collection) switch
            {
                IFieldReferenceOperation field => (ISymbol)field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            if (owner is null || primitive == LockPrimitive.SemaphoreSlim)
            {
                return null;
            }

            return (_registry.ForElement(owner, primitive), InstancePath.Unknown);
        }

        private (LockClass, InstancePath)? TraceLocal(ILocalSymbol local, LockPrimitive primitive, ValueOrigins origins, int depth)
        {
            (LockClass Class, InstancePath Path)? agreed = null;
            foreach (var value in origins.AssignmentsOf(local))
            {
                var unwrapped = origins.Unwrap(value);
                if (unwrapped is IObjectCreationOperation or ILiteralOperation or IDefaultValueOperation)
                {
                    return null;
                }

                var resolved = ResolveLockObject(value, primitive, origins, depth + 1);
                if (resolved is null || (agreed is not null && !agreed.Value.Class.Equals(resolved.Value.Class)))
                {
                    return null;
                }

                agreed = agreed is null || agreed.Value.Path.Equals(resolved.Value.Path) ? resolved : (agreed.Value.Class, InstancePath.Unknown);
            }

            return agreed;
        }

        /// <summary>A semaphore in an untraced local is a lock only when the local was created as <c>new SemaphoreSlim(1, ...)</c>.</summary>
        private static bool IsUntracedLockUsable(LockPrimitive primitive, ILocalSymbol local, ValueOrigins origins)
        {
            if (primitive != LockPrimitive.SemaphoreSlim)
            {
                return true;
            }

            foreach (var value in origins.AssignmentsOf(local))
            {
                if (origins.Unwrap(value) is IObjectCreationOperation { Arguments.Length: > 0 } creation
                    && creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 1 })
                {
                    return true;
                }
            }

            return false;
        }

        private static InstancePath MemberPath(ISymbol member, IOperation? instance, ValueOrigins origins, int depth = 0)
        {
            if (member.IsStatic)
            {
                return InstancePath.Static(member.ContainingType.OriginalDefinition.ToDisplayString()).Member(member.Name);
            }

            return InstanceOf(instance, origins, depth).Member(member.Name);
        }

        /// <summary>
        /// A path a contract names in the callee's terms (<c>this._mutex</c>, <c>param:group.Mutex</c>), in the
        /// terms of a call: the callee's <c>this</c> is <paramref name="receiver"/>, a parameter is the argument
        /// passed for it (matched by position, so that a delegate's <c>Invoke</c> maps a lambda's parameters),
        /// a static path stays as it is. Unknown when the receiver or argument has no path.
        /// </summary>
        public static InstancePath InCallerTerms(InstancePath calleePath, IMethodSymbol callee, InstancePath receiver, System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, ValueOrigins origins)
        {
            if (calleePath.ParameterName is not { } name)
            {
                return calleePath.ThroughCall(receiver);
            }

            var ordinal = -1;
            foreach (var parameter in callee.Parameters)
            {
                if (parameter.Name == name)
                {
                    ordinal = parameter.Ordinal;
                }
            }

            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal && argument.ArgumentKind == ArgumentKind.Explicit)
                {
                    var passed = InstanceOf(argument.Value, origins);
                    return passed.IsKnown ? calleePath.Reroot(InstancePath.Parameter(name), passed) : InstancePath.Unknown;
                }
            }

            return InstancePath.Unknown;
        }

        /// <summary>The path of an object reference: <c>this</c>, a parameter, a local, or members of those.</summary>
        public static InstancePath InstanceOf(IOperation? instance, ValueOrigins origins) => InstanceOf(instance, origins, 0);

        private static InstancePath InstanceOf(IOperation? instance, ValueOrigins origins, int depth)
        {
            if (instance is null)
            {
                return InstancePath.This;
            }

            switch (origins.Unwrap(instance))
            {
                case IInstanceReferenceOperation:
                    return InstancePath.This;
                case IParameterReferenceOperation parameter:
                    return InstancePath.Parameter(parameter.Parameter.Name);
                case ILocalReferenceOperation local:
                    return depth < MaxTraceDepth && TraceLocalInstance(local.Local, origins, depth) is { IsKnown: true } traced
                        ? traced
                        : InstancePath.Local(local.Local.Name);
                case IFieldReferenceOperation field:
                    return MemberPath(field.Field, field.Instance, origins, depth);
                case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                    return MemberPath(property.Property, property.Instance, origins, depth);
                default:
                    return InstancePath.Unknown;
            }
        }

        /// <summary>
        /// A local every assignment of which gives the same known path (<c>var target = Next;</c> is
        /// <c>this.Next</c>) stands for that path, so that what is reached through it can be told apart
        /// from, or matched with, what is reached directly. A fresh object, or assignments that disagree,
        /// leave the local as it is (unknown here).
        /// </summary>
        private static InstancePath TraceLocalInstance(ILocalSymbol local, ValueOrigins origins, int depth)
        {
            var agreed = InstancePath.Unknown;
            foreach (var value in origins.AssignmentsOf(local))
            {
                var path = origins.Unwrap(value) is IObjectCreationOperation or ILiteralOperation or IDefaultValueOperation
                    ? InstancePath.Unknown
                    : InstanceOf(value, origins, depth + 1);
                if (!path.IsKnown || (agreed.IsKnown && !agreed.Equals(path)))
                {
                    return InstancePath.Unknown;
                }

                agreed = path;
            }

            return agreed;
        }

        /// <summary>
        /// The simulated interrupt switches of <c>LockDiscipline.Irq</c>: <c>LocalIrqSave</c>/<c>LocalIrqDisable</c>
        /// turn hard IRQs off, <c>LocalIrqRestore</c>/<c>LocalIrqEnable</c> back on; <c>LocalBh*</c> the same for soft IRQs.
        /// </summary>
        public (IrqEffect Effect, bool Disables)? ResolveIrqSwitch(IInvocationOperation invocation)
        {
            if (!KnownSymbols.Is(invocation.TargetMethod.ContainingType, _known.Irq))
            {
                return null;
            }

            return invocation.TargetMethod.Name switch
            {
                "LocalIrqSave" or "LocalIrqDisable" => (IrqEffect.HardIrqsOff, true),
                "LocalIrqRestore" or "LocalIrqEnable" => (IrqEffect.HardIrqsOff, false),
                "LocalBhDisable" => (IrqEffect.SoftIrqsOff, true),
                "LocalBhEnable" => (IrqEffect.SoftIrqsOff, false),
                _ => ((IrqEffect, bool)?)null,
            };
        }

        /// <summary>
        /// What a call that is not a lock operation waits for, if it can sleep: <c>Thread.Sleep</c>,
        /// <c>Monitor.Wait</c>, blocking waits on tasks and threads, and <c>[MightSleep]</c> methods.
        /// </summary>
        public string? SleepingCall(IMethodSymbol method)
        {
            var type = method.ContainingType;
            var name = method.Name;
            if ((KnownSymbols.Is(type, _known.Thread) && name is "Sleep" or "Join")
                || (KnownSymbols.Is(type, _known.Monitor) && name == "Wait")
                || (BlockingWaitKind(method) is not null))
            {
                return type.Name + "." + (name.StartsWith("get_", System.StringComparison.Ordinal) ? name.Substring(4) : name);
            }

            foreach (var attribute in method.OriginalDefinition.GetAttributes())
            {
                if (KnownSymbols.IsAttribute(attribute, _known.MightSleepAttribute))
                {
                    return type.Name + "." + name + " [MightSleep]";
                }
            }

            return null;
        }

        /// <summary>A synchronous wait for other work: Task.Wait/WaitAll/Result, GetAwaiter().GetResult(), Thread.Join.</summary>
        public string? BlockingWaitKind(IMethodSymbol method)
        {
            var type = method.ContainingType?.OriginalDefinition;
            var name = method.Name;
            if ((KnownSymbols.Is(type, _known.Task) || KnownSymbols.Is(type, _known.TaskOfT)) && name is "Wait" or "WaitAll" or "WaitAny" or "get_Result")
            {
                return name == "get_Result" ? "Result" : name;
            }

            // TaskAwaiter, and ConfigureAwait's ConfiguredTaskAwaiter (nested in ConfiguredTaskAwaitable).
            if (name == "GetResult"
                && (KnownSymbols.Is(type, _known.TaskAwaiter) || KnownSymbols.Is(type, _known.TaskAwaiterOfT) || type?.Name == "ConfiguredTaskAwaiter"))
            {
                return "GetResult";
            }

            return KnownSymbols.Is(type, _known.Thread) && name == "Join" ? "Join" : null;
        }

        /// <summary>
        /// <c>scope.Dispose()</c> on a value that a scope-returning acquisition produced
        /// (<c>Lock.EnterScope()</c>, <c>KMutex.Guard()</c>, …) releases that acquisition's lock.
        /// </summary>
        private LockOperation? ResolveScopeDisposal(IInvocationOperation invocation, ValueOrigins origins, IInferredLockEffects? inferred)
        {
            if (invocation.Instance is null)
            {
                return null;
            }

            var source = origins.Unwrap(invocation.Instance);
            if (source is ILocalReferenceOperation local)
            {
                var assignments = origins.AssignmentsOf(local.Local);
                source = assignments.Count == 1 ? origins.Unwrap(assignments[0]) : source;
            }

            // `using (await gate.LockAsync())` disposes what the awaited call's task gives.
            if (source is IAwaitOperation awaited)
            {
                source = origins.Unwrap(awaited.Operation);
            }

            if (source is not IInvocationOperation acquisition || !ReturnsScope(acquisition, inferred))
            {
                return null;
            }

            var acquired = Resolve(acquisition, origins, inferred);
            if (acquired.Count != 1)
            {
                return null;
            }

            var scoped = acquired[0];
            return new LockOperation(LockOperationKind.Release, scoped.Class, scoped.Mode, scoped.Instance, invocation);
        }

        private bool ReturnsScope(IInvocationOperation invocation, IInferredLockEffects? inferred)
            => _known.FindApi(invocation.TargetMethod, out _) is { ReturnsScope: true }
               || (_contracts.For(invocation.TargetMethod) == MethodContract.None && inferred?.For(invocation.TargetMethod) is { ReleasedByDisposingResult: true });

        /// <summary>A call of a method whose attributes make it a lock operation for its caller.</summary>
        private IReadOnlyList<LockOperation> ResolveContract(IInvocationOperation invocation, ValueOrigins origins, IInferredLockEffects? inferred)
        {
            var method = invocation.TargetMethod;
            if (method.MethodKind == MethodKind.DelegateInvoke)
            {
                return None;
            }

            var contract = _contracts.For(method);
            if (contract == MethodContract.None && inferred?.For(method) is { } inferredContract)
            {
                contract = inferredContract;
            }

            if (contract.LeavesHeld.IsEmpty && contract.Releases.IsEmpty)
            {
                return None;
            }

            var receiver = InstanceOf(invocation.Instance, origins);
            var operations = new List<LockOperation>();
            foreach (var held in contract.LeavesHeld)
            {
                var kind = held.TryAcquire ? LockOperationKind.TryAcquire : LockOperationKind.Acquire;
                operations.Add(new LockOperation(kind, held.Class, held.Mode, InCallerTerms(held.Path, method, receiver, invocation.Arguments, origins), invocation)
                {
                    SuccessValue = held.SuccessValue is bool success ? success : true,
                    SuccessConstant = held.TryAcquire && held.SuccessValue is not bool ? held.SuccessValue : null,
                    IsContract = true,
                });
            }

            foreach (var released in contract.Releases)
            {
                operations.Add(new LockOperation(LockOperationKind.Release, released.Class, released.Mode, InCallerTerms(released.Path, method, receiver, invocation.Arguments, origins), invocation) { IsContract = true });
            }

            return operations;
        }

        private LockOperation? Create(LockOperationKind kind, IOperation lockObject, LockPrimitive primitive, LockMode mode, IInvocationOperation invocation, ValueOrigins origins)
        {
            var resolved = ResolveLockObject(lockObject, primitive, origins);
            return resolved is null
                ? null
                : new LockOperation(kind, resolved.Value.Class, mode, resolved.Value.Path, invocation) { SleepsOnTimeout = SleepsOnTimeout(invocation) };
        }

        private static ILocalSymbol? RefFlag(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.RefKind == RefKind.Ref && argument.Value is ILocalReferenceOperation local && local.Local.Type.SpecialType == SpecialType.System_Boolean)
                {
                    return local.Local;
                }
            }

            return null;
        }

        /// <summary>A timeout argument other than a constant 0 (or <c>TimeSpan.Zero</c>) lets the call block.</summary>
        private static bool SleepsOnTimeout(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                var type = argument.Parameter?.Type;
                if (type?.SpecialType == SpecialType.System_Int32)
                {
                    return argument.Value.ConstantValue is not { HasValue: true, Value: 0 };
                }

                if (type?.Name == "TimeSpan")
                {
                    return !(argument.Value is IFieldReferenceOperation { Field.Name: "Zero" });
                }
            }

            return false;
        }

        /// <summary>What a call of this row does through this overload: an overload with a timeout can give up.</summary>
        public static LockOperationKind KindOf(LockApi api, IMethodSymbol method)
            => api.TimeoutMakesTry && HasTimeout(method) ? LockOperationKind.TryAcquire : api.Operation;

        private static bool HasTimeout(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.SpecialType == SpecialType.System_Int32 || parameter.Type.Name == "TimeSpan")
                {
                    return true;
                }
            }

            return false;
        }

        private bool TakesCancellationToken(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (KnownSymbols.Is(parameter.Type, _known.CancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        private static IReadOnlyList<LockOperation> Single(LockOperation? operation) => operation is null ? None : new[] { operation };
    }
}
