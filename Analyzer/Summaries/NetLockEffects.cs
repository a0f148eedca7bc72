using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzer.Summaries
{
    /// <summary>
    /// The net lock effect of a method that declares no lock contract, inferred from its body and kept as
    /// the contract it would have if it were annotated: the locks it leaves held on every normal exit
    /// (<c>[AcquiresLock]</c>), the locks it releases without having taken them (<c>[ReleasesLock]</c>), and
    /// the locks it gives up and takes again before it returns (its caller's, released around a callback:
    /// held on entry and on exit, as <c>[RequiresLock]</c> says, so its callers see no change), and the
    /// lock a <c>bool</c> method holds exactly when it returns true (<c>[TryAcquiresLock(true, ...)]</c>).
    /// <para>
    /// Callers then treat a call as the acquisition or release it stands for, so
    /// <c>Acquire(); try { } finally { Release(); }</c> pairs up and LD0007 is reported only where a lock
    /// really leaks: in the caller that never releases, not in the wrapper. A method that returns a
    /// releaser (a value whose <c>Dispose</c> releases a lock of the same kind) is a scope, as
    /// <c>Lock.EnterScope()</c> is: disposing its result releases the lock it took.
    /// </para>
    /// <para>
    /// Conservative on purpose: only methods that cannot be overridden (an override may do something
    /// else), only when every normal exit leaves the same locks held, each certain, on <c>this</c> or a
    /// static member (a lock named through a parameter or local means nothing to the caller), only when
    /// every release in the body balances once the released locks are taken as held on entry, and only
    /// one kind of effect per method (acquiring one lock and releasing another is reported as before).
    /// Exceptional exits do not count, as they do not for an annotated contract.
    /// </para>
    /// <para>
    /// Inferred on first use and cached per compilation, since a caller may be analysed before its
    /// callee. Wrappers of wrappers are followed <see cref="MaxDepth"/> deep: each level resolves its
    /// calls with the level below, so the result does not depend on the order bodies are analysed in.
    /// Only bodies that call a method named like a lock API (<c>Enter</c>, <c>Exit</c>, <c>Release</c>, ...)
    /// are analysed, a syntax test that keeps ordinary methods from being bound twice.
    /// </para>
    /// </summary>
    internal sealed class NetLockEffects : IInferredLockEffects
    {
        /// <summary>How many wrappers deep effects are followed: a releaser's <c>Dispose</c> calling <c>Release()</c> calling <c>Monitor.Exit</c> is two.</summary>
        private const int MaxDepth = 3;

        private readonly Compilation _compilation;
        private readonly Resolvers _resolvers;
        private readonly Level[] _levels;
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();

        // One flow graph per inferable method, shared by every level: only the callees' effects differ.
        private readonly ConcurrentDictionary<IMethodSymbol, InferableBody?> _bodies = new ConcurrentDictionary<IMethodSymbol, InferableBody?>(SymbolEqualityComparer.Default);

        // The driver's graphs of the bodies being flowed, lent for the time of their flow (never kept: most bodies are no wrapper).
        private readonly ConcurrentDictionary<IMethodSymbol, InferableBody> _lent = new ConcurrentDictionary<IMethodSymbol, InferableBody>(SymbolEqualityComparer.Default);

        public NetLockEffects(Compilation compilation, Resolvers resolvers)
        {
            _compilation = compilation;
            _resolvers = resolvers;
            _levels = new Level[MaxDepth + 1];
            for (var depth = 0; depth <= MaxDepth; depth++)
            {
                _levels[depth] = new Level(this, depth);
            }
        }

        public MethodContract? For(IMethodSymbol method) => _levels[MaxDepth].For(method);

        /// <summary>
        /// The effect of a body the analyzer is flowing right now: if its effect has not been inferred yet,
        /// the inference uses the driver's graph of the body instead of binding it again.
        /// </summary>
        public MethodContract? For(IMethodSymbol method, ControlFlowGraph graph, ValueOrigins origins)
        {
            var key = method.OriginalDefinition;
            if (_bodies.ContainsKey(key))
            {
                return For(method);
            }

            _lent.TryAdd(key, new InferableBody(graph, origins));
            try
            {
                return For(method);
            }
            finally
            {
                _lent.TryRemove(key, out _);
            }
        }

        private MethodContract? Infer(IMethodSymbol method, int depth)
        {
            if (_bodies.GetOrAdd(method, Prepare) is not { } inferable)
            {
                return null;
            }

            var graph = inferable.Graph;
            var origins = inferable.Origins;
            var callees = _levels[depth - 1];
            var flow = LocksetAnalysis.Analyze(graph, origins, method, _resolvers, MethodContract.None, callees);
            if (flow.WaitsForItself)
            {
                // A body that deadlocks on itself has no net effect to lend its callers; LD0003 reports it.
                return null;
            }

            var heldOnEntry = ReleasedWithoutHolding(flow);
            if (heldOnEntry.Count > 0)
            {
                var entry = new MethodContract(ImmutableArray<ContractLock>.Empty, heldOnEntry.ToImmutable(), ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, IrqContextKind.None, mightSleep: false);
                flow = LocksetAnalysis.Analyze(graph, origins, method, _resolvers, entry, callees);
            }

            return NetEffect(flow, origins, heldOnEntry, depth);
        }

        private InferableBody? Prepare(IMethodSymbol method)
        {
            if (!CanBeInferred(method))
            {
                return null;
            }

            if (_lent.TryGetValue(method, out var lent))
            {
                return lent;
            }

            if (Body(method) is not { } body)
            {
                return null;
            }

            var graph = ControlFlowGraph.Create(body);
            return new InferableBody(graph, ValueOrigins.Collect(graph, null));
        }

        /// <summary>Only a method every call of which runs this very body, whose body is in this compilation and names a lock API.</summary>
        private bool CanBeInferred(IMethodSymbol method)
        {
            if (method.MethodKind != MethodKind.Ordinary
                || method.IsAbstract
                || method.IsVirtual
                || method.IsExtern
                || (method.IsOverride && !method.IsSealed && !method.ContainingType.IsSealed)
                || method.ContainingType.TypeKind == TypeKind.Interface
                || method.DeclaringSyntaxReferences.Length != 1
                || _resolvers.Contracts.For(method) != MethodContract.None)
            {
                return false;
            }

            var declaration = method.DeclaringSyntaxReferences[0].GetSyntax();
            return _compilation.ContainsSyntaxTree(declaration.SyntaxTree) && NamesALockApi(declaration);
        }

        private bool NamesALockApi(SyntaxNode declaration)
        {
            foreach (var node in declaration.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && InvokedName(invocation.Expression) is { } name && _resolvers.Known.IsLockApiName(name))
                {
                    return true;
                }
            }

            return false;
        }

        private static string? InvokedName(ExpressionSyntax expression)
            => expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
                SimpleNameSyntax name => name.Identifier.ValueText,
                _ => null,
            };

        private IMethodBodyOperation? Body(IMethodSymbol method)
        {
            var declaration = method.DeclaringSyntaxReferences[0].GetSyntax();
#pragma warning disable RS1030 // The callee's body may be in a tree no callback has handed over yet; one model per tree is kept.
            var model = _models.GetOrAdd(declaration.SyntaxTree, tree => _compilation.GetSemanticModel(tree));
#pragma warning restore RS1030
            return model.GetOperation(declaration) as IMethodBodyOperation;
        }

        /// <summary>
        /// The locks the body releases on normal paths without having taken them, and never releases while
        /// holding them: what its caller must hold on entry.
        /// </summary>
        private static ImmutableArray<ContractLock>.Builder ReleasedWithoutHolding(BodyFlow flow)
        {
            var released = ImmutableArray.CreateBuilder<ContractLock>();
            foreach (var release in flow.Releases)
            {
                var operation = release.Operation;
                if (release.Balance != ReleaseBalance.NotHeld || release.ExceptionCause is not null || !IsVisibleToCallers(operation.Instance) || IndexOf(released, operation.Class, operation.Mode, operation.Instance) >= 0)
                {
                    continue;
                }

                if (AlwaysReleasedWithoutHolding(flow, operation))
                {
                    released.Add(new ContractLock(operation.Class, operation.Instance, operation.Mode, tryAcquire: false, successValue: null));
                }
            }

            return released;
        }

        private static bool AlwaysReleasedWithoutHolding(BodyFlow flow, LockOperation lockOperation)
        {
            foreach (var release in flow.Releases)
            {
                var other = release.Operation;
                if (other.Class.Equals(lockOperation.Class) && other.Mode == lockOperation.Mode && other.Instance.Equals(lockOperation.Instance)
                    && (release.Balance != ReleaseBalance.NotHeld || release.ExceptionCause is not null))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The contract the body's flow amounts to, or null when it has no net effect or not the same one on every normal exit.</summary>
        private MethodContract? NetEffect(BodyFlow flow, ValueOrigins origins, ImmutableArray<ContractLock>.Builder heldOnEntry, int depth)
        {
            if (!flow.Completed)
            {
                return null;
            }

            foreach (var release in flow.Releases)
            {
                if (release.Balance != ReleaseBalance.Held && release.ExceptionCause is null)
                {
                    return null;
                }
            }

            if (heldOnEntry.Count == 0 && TryAcquireEffect(flow, origins) is { } tryLock)
            {
                return new MethodContract(ImmutableArray.Create(tryLock), ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, IrqContextKind.None, mightSleep: false);
            }

            ImmutableArray<HeldLock>? first = null;
            foreach (var exit in flow.Exits)
            {
                if (exit.ExceptionCause is not null)
                {
                    continue;
                }

                if (first is null)
                {
                    foreach (var hold in exit.Held)
                    {
                        if (!hold.Certain || hold.Condition is not null || hold.Depth != 1 || !IsVisibleToCallers(hold.Instance))
                        {
                            return null;
                        }
                    }

                    first = exit.Held;
                }
                else if (!SameLocks(first.Value, exit.Held))
                {
                    return null;
                }
            }

            if (first is not { } held)
            {
                return null;
            }

            var leaves = ImmutableArray.CreateBuilder<ContractLock>();
            var requires = ImmutableArray.CreateBuilder<ContractLock>();
            foreach (var hold in held)
            {
                var target = IndexOf(heldOnEntry, hold.Class, hold.Mode, hold.Instance) >= 0 ? requires : leaves;
                target.Add(new ContractLock(hold.Class, hold.Instance, hold.Mode, tryAcquire: false, successValue: null));
            }

            var releases = ImmutableArray.CreateBuilder<ContractLock>();
            foreach (var entry in heldOnEntry)
            {
                if (IndexOf(requires, entry.Class, entry.Mode, entry.Path) < 0)
                {
                    releases.Add(entry);
                }
            }

            // One kind of effect only: a body that leaves one lock held and releases another (or the same
            // lock in another mode) is far more often a mistake than a wrapper, and stays reported in itself.
            if (Kinds(leaves.Count, releases.Count, requires.Count) != 1)
            {
                return null;
            }

            var scope = leaves.Count == 1 && ReturnsReleaserOf(flow, origins, leaves[0].Class, depth);
            return new MethodContract(leaves.ToImmutable(), releases.ToImmutable(), requires.ToImmutable(), ImmutableArray<ContractLock>.Empty, IrqContextKind.None, mightSleep: false, releasedByDisposingResult: scope);
        }

        /// <summary>
        /// A try-acquiring wrapper (<c>bool TryAcquire(int ms) => Monitor.TryEnter(_gate, ms);</c>), as
        /// <c>[TryAcquiresLock(true, ...)]</c>: every normal exit returns a bool, and holds one lock exactly
        /// when it returns true: a constant <c>true</c> with it held, <c>false</c> without, or the try-acquire's
        /// own result (directly or through a local).
        /// </summary>
        private static ContractLock? TryAcquireEffect(BodyFlow flow, ValueOrigins origins)
        {
            if (flow.Owner.ReturnType.SpecialType != SpecialType.System_Boolean || flow.Returns.Count != NormalExits(flow))
            {
                return null;
            }

            HeldLock? acquired = null;
            foreach (var returned in flow.Returns)
            {
                if (returned.Held.Length > 1)
                {
                    return null;
                }

                var value = origins.Unwrap(returned.Value);
                var holds = returned.Held.Length == 1;
                if (value.ConstantValue is { HasValue: true, Value: bool constant })
                {
                    // A hold made certain by testing its flag keeps the flag as its condition.
                    if (constant != holds || (holds && !returned.Held[0].Certain))
                    {
                        return null;
                    }
                }
                else
                {
                    var flag = value is ILocalReferenceOperation local ? local.Local : (object)value;
                    if (!holds || !returned.Held[0].WhenValue || !ConditionKey.AreEqual(returned.Held[0].Condition, flag))
                    {
                        return null;
                    }
                }

                if (!holds)
                {
                    continue;
                }

                var hold = returned.Held[0];
                if (hold.Depth != 1 || !IsVisibleToCallers(hold.Instance) || (acquired is { } other && !other.SameLock(hold)))
                {
                    return null;
                }

                acquired = hold;
            }

            return acquired is { } held ? new ContractLock(held.Class, held.Instance, held.Mode, tryAcquire: true, successValue: true) : null;
        }

        private static int NormalExits(BodyFlow flow)
        {
            var count = 0;
            foreach (var exit in flow.Exits)
            {
                if (exit.ExceptionCause is null)
                {
                    count++;
                }
            }

            return count;
        }

        private static int Kinds(int leaves, int releases, int requires)
            => (leaves > 0 ? 1 : 0) + (releases > 0 ? 1 : 0) + (requires > 0 ? 1 : 0);

        /// <summary>
        /// Whether every value the method returns (an async method: its task's result) is a releaser: its type's
        /// <c>Dispose</c> releases a lock like <paramref name="held"/>. The returned values are looked at, not the
        /// declared return type, which is often just <c>IDisposable</c>.
        /// </summary>
        private bool ReturnsReleaserOf(BodyFlow flow, ValueOrigins origins, LockClass held, int depth)
        {
            foreach (var returned in flow.Returns)
            {
                if (origins.Unwrap(returned.Value).Type is not INamedTypeSymbol type || !DisposeReleases(type, held, depth))
                {
                    return false;
                }
            }

            return flow.Returns.Count > 0;
        }

        /// <summary>
        /// Whether the type's <c>Dispose</c> releases a lock like <paramref name="held"/>: by the lock API of its
        /// kind (a releaser often keeps the lock in a field of its own, another class), or through a wrapper
        /// that releases that very class.
        /// </summary>
        private bool DisposeReleases(INamedTypeSymbol type, LockClass held, int depth)
        {
            if (DisposeOf(type) is not { } dispose || dispose.DeclaringSyntaxReferences.Length != 1 || Body(dispose) is not { } body)
            {
                return false;
            }

            foreach (var operation in body.Descendants())
            {
                if (operation is not IInvocationOperation invocation)
                {
                    continue;
                }

                if (_resolvers.Known.FindApi(invocation.TargetMethod, out _) is { Operation: LockOperationKind.Release } api && api.Primitive == held.Primitive)
                {
                    return true;
                }

                if (_levels[depth - 1].For(invocation.TargetMethod) is { } wrapped && IndexOf(wrapped.Releases, held) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        private IMethodSymbol? DisposeOf(INamedTypeSymbol type)
        {
            foreach (var member in _compilation.GetSpecialType(SpecialType.System_IDisposable).GetMembers("Dispose"))
            {
                if (type.FindImplementationForInterfaceMember(member) is IMethodSymbol implementation)
                {
                    return implementation;
                }
            }

            // A ref struct disposed by pattern in a using statement implements no interface.
            foreach (var member in type.GetMembers("Dispose"))
            {
                if (member is IMethodSymbol { Parameters.Length: 0, IsStatic: false } dispose)
                {
                    return dispose;
                }
            }

            return null;
        }

        /// <summary>A lock on <c>this</c> or a static member; one reached through a parameter or local is lost at the call (see <see cref="InstancePath.ThroughCall"/>).</summary>
        private static bool IsVisibleToCallers(InstancePath path)
            => path.Text is { } text && (text == "this" || text.StartsWith("this.", System.StringComparison.Ordinal) || text.StartsWith("static:", System.StringComparison.Ordinal));

        private static bool SameLocks(ImmutableArray<HeldLock> a, ImmutableArray<HeldLock> b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            foreach (var hold in a)
            {
                var found = false;
                foreach (var other in b)
                {
                    if (hold.SameLock(other) && other.Certain && other.Condition is null && other.Depth == hold.Depth)
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        private static int IndexOf(IReadOnlyList<ContractLock> locks, LockClass lockClass, LockMode mode, InstancePath path)
        {
            for (var i = 0; i < locks.Count; i++)
            {
                if (locks[i].Class.Equals(lockClass) && locks[i].Mode == mode && locks[i].Path.Equals(path))
                {
                    return i;
                }
            }

            return -1;
        }

        private static int IndexOf(ImmutableArray<ContractLock> locks, LockClass lockClass)
        {
            for (var i = 0; i < locks.Length; i++)
            {
                if (locks[i].Class.Equals(lockClass))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Effects inferred with callees followed <c>depth - 1</c> deep; depth 0 infers nothing.</summary>
        private sealed class InferableBody
        {
            public InferableBody(ControlFlowGraph graph, ValueOrigins origins)
            {
                Graph = graph;
                Origins = origins;
            }

            public ControlFlowGraph Graph { get; }

            public ValueOrigins Origins { get; }
        }

        private sealed class Level : IInferredLockEffects
        {
            private readonly NetLockEffects _effects;
            private readonly int _depth;
            private readonly ConcurrentDictionary<IMethodSymbol, MethodContract?> _cache = new ConcurrentDictionary<IMethodSymbol, MethodContract?>(SymbolEqualityComparer.Default);

            public Level(NetLockEffects effects, int depth)
            {
                _effects = effects;
                _depth = depth;
            }

            public MethodContract? For(IMethodSymbol method)
                => _depth == 0 ? null : _cache.GetOrAdd(method.OriginalDefinition, m => _effects.Infer(m, _depth));
        }
    }
}
