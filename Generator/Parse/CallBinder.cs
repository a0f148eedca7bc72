using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Generator.Model;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>
    /// Binds the candidates (invocations found by name, <c>lock</c> statements) and keeps those the weaver
    /// checks: lock API calls and <c>lock</c> statements the lock model resolves to a class, and calls of
    /// methods carrying <c>[RequiresLock]</c>, <c>[RequiresSharedLock]</c>, <c>[ExcludesLock]</c>,
    /// <c>[HardIrqContext]</c>, <c>[SoftIrqContext]</c> or <c>[MightSleep]</c>. Each becomes a row of the
    /// site table; calls that need more than a runtime hook also get a checked call, one per overload and
    /// shape (not per site). Runs once per compilation over all candidates, so the tree lookup and semantic
    /// models are shared; its output is plain data.
    /// </summary>
    internal sealed class CallBinder
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private readonly Compilation _compilation;
        private readonly LockModelContext _model;
        private readonly KnownTypes _known;
        private readonly string _projectDirectory;
        private readonly Dictionary<SyntaxTree, SemanticModel> _models = new Dictionary<SyntaxTree, SemanticModel>();
        private readonly Dictionary<IOperation, ValueOrigins> _origins = new Dictionary<IOperation, ValueOrigins>();
        private readonly Dictionary<string, ClassRef> _usedClasses = new Dictionary<string, ClassRef>(StringComparer.Ordinal);

        // Each site with what its checked call does: an InterceptedApi, a ContractCall, or null for a runtime hook.
        private readonly List<(WovenSite Site, object? CheckedCall)> _sites = new List<(WovenSite, object?)>();
        private readonly bool _nullable;

        private CallBinder(Compilation compilation, string projectDirectory, bool nullable)
        {
            _compilation = compilation;
            _model = new LockModelContext(compilation);
            _known = new KnownTypes(compilation);
            _projectDirectory = projectDirectory;
            _nullable = nullable;
        }

        /// <summary>The simple names of every lock API method: the syntactic filter before any binding.</summary>
        public static readonly HashSet<string> LockApiMethodNames = new HashSet<string>(LockApis.All.Select(api => api.Method), StringComparer.Ordinal);

        /// <summary>The candidate name of a <c>lock</c> statement (not an identifier, so no method has it).</summary>
        public const string LockStatementName = "lock statement";

        /// <summary>
        /// The lock calls the weaver's runtime hooks handle without a checked call (docs/runtime-checks.md), by
        /// the lock model's type and method: blocking acquisitions and releases whose lock object is on the
        /// stack at the call. The lock statement's calls and locks classed by type go this way.
        /// </summary>
        private static readonly HashSet<string> HookedApis = new HashSet<string>(StringComparer.Ordinal)
        {
            "System.Threading.Monitor.Enter",
            "System.Threading.Monitor.Exit",
            "System.Threading.Lock.Enter",
            "System.Threading.Lock.Exit",
            "System.Threading.Lock.EnterScope",
        };

        public static BoundCalls Bind(ImmutableArray<CallCandidate> candidates, Compilation compilation, string projectDirectory, bool nullable, CancellationToken cancellationToken)
        {
            var binder = new CallBinder(compilation, projectDirectory, nullable);
            var trees = new Dictionary<string, SyntaxTree?>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                // The weaver finds a site by its file: a path shared by two trees cannot be told apart.
                trees[tree.FilePath] = trees.ContainsKey(tree.FilePath) ? null : tree;
            }

            foreach (var candidate in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (trees.TryGetValue(candidate.Path, out var tree) && tree is not null)
                {
                    binder.BindCandidate(tree, candidate, cancellationToken);
                }
            }

            return binder.Result(cancellationToken);
        }

        private void BindCandidate(SyntaxTree tree, CallCandidate candidate, CancellationToken cancellationToken)
        {
            var span = new Microsoft.CodeAnalysis.Text.TextSpan(candidate.Start, candidate.Length);
            var root = tree.GetRoot(cancellationToken);
            if (span.End > root.FullSpan.End)
            {
                return;
            }

            if (candidate.Name == LockStatementName)
            {
                if (root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<LockStatementSyntax>().FirstOrDefault(node => node.Span == span) is { } statement)
                {
                    BindLockStatement(ModelFor(tree), statement, cancellationToken);
                }

                return;
            }

            var invocation = root.FindNode(span, getInnermostNodeForTie: true)
                .AncestorsAndSelf()
                .OfType<InvocationExpressionSyntax>()
                .FirstOrDefault(node => node.Span == span);
            if (invocation is null)
            {
                return;
            }

            var model = ModelFor(tree);
            if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation || InExpressionTree(model, invocation, cancellationToken))
            {
                return;
            }

            if (_model.Known.FindApi(operation.TargetMethod, out _) is not null)
            {
                BindLockCall(model, invocation, operation, cancellationToken);
            }
            else
            {
                BindContractCall(model, invocation, operation, cancellationToken);
            }
        }

        /// <summary>
        /// Checks a lock API call when the lock model resolves it to one operation on a class: through the
        /// runtime hooks when the API's release is a call the compiler emits (<c>EnterScope</c>) or it is a
        /// blocking <c>Monitor</c>/<c>Lock</c> call on a lock classed by static type (<c>this</c>, parameters),
        /// as a <c>lock</c> statement on it is; through a checked call otherwise, try-acquisitions, semaphores,
        /// reader-writer locks and the K* primitives on locks classed by type included. APIs the model does not
        /// check (<c>SpinLock</c>, <c>Mutex</c>) are left to the compile-time rules (docs/runtime-checks.md).
        /// </summary>
        private void BindLockCall(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation operation, CancellationToken cancellationToken)
        {
            var resolved = _model.Operations.Resolve(operation, OriginsFor(operation));
            if (resolved.Count != 1 || resolved[0].Api is not { } api)
            {
                return;
            }

            var lockClass = resolved[0].Class.NestingBase ?? resolved[0].Class;
            var hooked = api.Type + "." + api.Method;
            var byHook = HookedApis.Contains(hooked) && resolved[0].Kind != LockOperationKind.TryAcquire;
            if (api.NotInterceptedBecause is not null || (lockClass.ClassedByType && byHook))
            {
                // The release of a scope is a call in IL the hooks pair with its acquisition; a Monitor or Lock
                // on a lock classed by type goes through the hooks as a lock statement on it does.
                if (byHook)
                {
                    AddSite(model, hooked, lockClass, NameOf(invocation), null, cancellationToken);
                }

                return;
            }

            AddSite(model, MetadataName(operation.TargetMethod), lockClass, NameOf(invocation), Intercepted(api, resolved[0].Kind, operation.TargetMethod), cancellationToken);
        }

        /// <summary>
        /// A <c>lock</c> statement compiles to <c>Monitor.Enter(o, ref taken)</c> and <c>Monitor.Exit</c>, or on a
        /// <c>System.Threading.Lock</c> to <c>EnterScope</c> and the scope's <c>Dispose</c>: calls no interceptor
        /// statement can name, so the weaver's hooks check them. The class is the lock model's, as for any lock object.
        /// </summary>
        private void BindLockStatement(SemanticModel model, LockStatementSyntax statement, CancellationToken cancellationToken)
        {
            if (model.GetOperation(statement, cancellationToken) is not ILockOperation operation || operation.LockedValue.Type is null)
            {
                return;
            }

            var onLock = KnownTypes.Is(operation.LockedValue.Type, _model.Known.ThreadingLock);
            var primitive = onLock ? LockPrimitive.ThreadingLock : LockPrimitive.Monitor;
            if (_model.Operations.ResolveLockObject(operation.LockedValue, primitive, OriginsFor(operation)) is not { } resolved)
            {
                return;
            }

            AddSite(model, onLock ? "System.Threading.Lock.EnterScope" : "System.Threading.Monitor.Enter", resolved.Class.NestingBase ?? resolved.Class, statement.LockKeyword, null, cancellationToken);
        }

        /// <param name="checkedCall">What the call is redirected to (an <see cref="InterceptedApi"/> or a <see cref="ContractCall"/>), or null for a runtime hook.</param>
        private void AddSite(SemanticModel model, string api, LockClass? lockClass, SyntaxNodeOrToken at, object? checkedCall, CancellationToken cancellationToken)
        {
            var mapped = at.GetLocation()!.GetMappedLineSpan();
            var site = new LockSiteInfo(RelativePath(mapped.Path), mapped.StartLinePosition.Line + 1, MemberName(model.GetEnclosingSymbol(at.SpanStart, cancellationToken)));
            _sites.Add((new WovenSite(api, lockClass is null ? null : Use(lockClass), site, mapped.StartLinePosition.Character + 1, model.SyntaxTree.FilePath, at.SpanStart, string.Empty), checkedCall));
        }

        /// <summary>A method as the weaver reads its call in IL: the declaring type's metadata name, nested types after '/', then the method's name.</summary>
        private static string MetadataName(IMethodSymbol method)
        {
            var type = method.ContainingType.OriginalDefinition;
            var name = type.MetadataName;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "/" + name;
            }

            var ns = type.ContainingNamespace;
            return (ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name) + "." + method.Name;
        }

        /// <summary>The overload bound at the call, as its checked call declares it, with what the model's row says it does.</summary>
        private static InterceptedApi Intercepted(LockApi api, LockOperationKind kind, IMethodSymbol method)
        {
            var parameters = method.Parameters
                .Select(p => new ApiParameter(p.RefKind == RefKind.Ref ? "ref " : string.Empty, p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), p.Name))
                .ToEquatableArray();
            var returnType = method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            var reportsThroughFlag = method.Parameters.Any(p => p.RefKind == RefKind.Ref && p.Type.SpecialType == SpecialType.System_Boolean);
            var returnsTask = method.ReturnType is INamedTypeSymbol { Name: "Task" } task && task.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";
            var shape = kind switch
            {
                LockOperationKind.Acquire => reportsThroughFlag ? ApiShape.AcquireWithFlag : returnsTask ? ApiShape.AcquireAsync : ApiShape.Acquire,
                LockOperationKind.TryAcquire => reportsThroughFlag ? ApiShape.TryAcquireWithFlag : returnsTask ? ApiShape.TryAcquireAsync : ApiShape.TryAcquire,
                LockOperationKind.Release => method.ReturnType.SpecialType == SpecialType.System_Int32 ? ApiShape.ReleaseCount : ApiShape.Release,
                _ => ApiShape.Downgrade,
            };
            var acquires = kind is LockOperationKind.Acquire or LockOperationKind.TryAcquire;
            var mode = api.Mode == LockMode.Shared ? "Read" : api.Mode == LockMode.Upgradeable ? "Upgradeable" : null;
            var irqs = api.Irq == IrqEffect.HardIrqsOff ? "DisablesHardIrqs" : api.Irq == IrqEffect.SoftIrqsOff ? "DisablesSoftIrqs" : null;
            var flags = !acquires || (mode is null && irqs is null) ? "None"
                : mode is not null && irqs is not null ? mode + " | " + irqs
                : mode ?? irqs!;
            var subclass = api.TakesNestingSubclass ? method.Parameters.First(p => p.Type.SpecialType == SpecialType.System_Int32).Name : "0";
            return new InterceptedApi(
                method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                method.Name,
                method.IsStatic,
                returnType,
                shape,
                flags,
                api.HeldCheck,
                subclass,
                parameters);
        }

        /// <summary>Where the locals of the call's body come from, collected once per body.</summary>
        private ValueOrigins OriginsFor(IOperation operation)
        {
            var root = operation;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            if (!_origins.TryGetValue(root, out var origins))
            {
                origins = ValueOrigins.CollectTree(root);
                _origins.Add(root, origins);
            }

            return origins;
        }

        private void BindContractCall(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation operation, CancellationToken cancellationToken)
        {
            var method = operation.TargetMethod;
            var definition = method.OriginalDefinition;
            var checks = new List<(string Hook, LockClass Class)>();
            var mightSleep = false;
            string? irq = null;
            foreach (var attribute in definition.GetAttributes())
            {
                var type = attribute.AttributeClass;
                if (KnownTypes.Is(type, _known.RequiresLockAttribute))
                {
                    AddChecks(checks, "AssertHeld", attribute, definition);
                }
                else if (KnownTypes.Is(type, _known.RequiresSharedLockAttribute))
                {
                    AddChecks(checks, "AssertHeldShared", attribute, definition);
                }
                else if (KnownTypes.Is(type, _known.ExcludesLockAttribute))
                {
                    AddChecks(checks, "AssertNotHeld", attribute, definition);
                }
                else if (KnownTypes.Is(type, _known.HardIrqContextAttribute))
                {
                    irq = "HardIrq";
                }
                else if (KnownTypes.Is(type, _known.SoftIrqContextAttribute))
                {
                    irq ??= "SoftIrq";
                }
                else if (KnownTypes.Is(type, _known.MightSleepAttribute))
                {
                    mightSleep = true;
                }
            }

            if ((checks.Count == 0 && irq is null && !mightSleep) || !IsWrappable(method, invocation, out var access))
            {
                return;
            }

            var contractChecks = checks.Select(check => new ContractCheck(check.Hook, Use(check.Class))).ToEquatableArray();

            var call = new ContractCall(
                method.ContainingType.ToDisplayString(TypeFormat),
                method.Name,
                !method.IsStatic,
                method.IsExtensionMethod,
                method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(TypeFormat),
                method.IsGenericMethod ? "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(TypeFormat))) + ">" : string.Empty,
                method.Parameters.Select(p => new ContractParameter(Modifier(p.RefKind), p.Type.ToDisplayString(TypeFormat), p.IsParams, IsWrittenScoped(p))).ToEquatableArray(),
                access,
                access == CalleeAccess.UnsafeStaticByName ? RuntimeTypeName(method.ContainingType) : string.Empty,
                contractChecks,
                mightSleep,
                irq);
            AddSite(model, MetadataName(method), null, NameOf(invocation), call, cancellationToken);
        }

        private void AddChecks(List<(string Hook, LockClass Class)> checks, string hook, AttributeData attribute, IMethodSymbol annotated)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return;
            }

            foreach (var value in attribute.ConstructorArguments[0].Values)
            {
                // A name that does not resolve is LD0012's; one classed by type (a bare parameter) names a
                // class no generated acquisition uses, so a runtime assertion on it could only fail.
                if (value.Value is not string name || _model.Names.Resolve(name, annotated).Class is not { ClassedByType: false } lockClass)
                {
                    continue;
                }

                if (!checks.Contains((hook, lockClass)))
                {
                    checks.Add((hook, lockClass));
                }
            }
        }

        /// <summary>
        /// Whether a non-generic checked call can declare the method's signature as bound here and forward to
        /// it: every type in it is nameable from the generated class, the receiver is a class or interface
        /// reached without <c>base</c> (a base call is not virtual; the checked call's would be), and the
        /// method itself is accessible or reachable through
        /// <c>[UnsafeAccessor]</c> (.NET 8 and later: private and protected non-virtual methods of a
        /// non-generic class of this assembly; a static class's only from .NET 10, which can name it).
        /// </summary>
        private bool IsWrappable(IMethodSymbol method, InvocationExpressionSyntax invocation, out CalleeAccess access)
        {
            access = CalleeAccess.Direct;
            var type = method.ContainingType;
            if (method.MethodKind != MethodKind.Ordinary
                || method.ReturnsByRef
                || method.ReturnsByRefReadonly
                || type.TypeKind is not (TypeKind.Class or TypeKind.Interface or TypeKind.Struct)
                || (!method.IsStatic && type.IsValueType)
                || (method.IsStatic && type.TypeKind == TypeKind.Interface)
                || (invocation.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax })
                || !IsNameable(type)
                || (!method.ReturnsVoid && !IsNameable(method.ReturnType))
                || method.TypeArguments.Any(t => !IsNameable(t))
                || method.Parameters.Any(p => !IsNameable(p.Type)))
            {
                return false;
            }

            if (_compilation.IsSymbolAccessibleWithin(method, _compilation.Assembly))
            {
                return true;
            }

            if (_known.UnsafeAccessorAttribute is null
                || method.IsGenericMethod
                || type.IsGenericType
                || (type.IsStatic && _known.UnsafeAccessorTypeAttribute is null)
                || type.TypeKind != TypeKind.Class
                || method.IsVirtual || method.IsAbstract || method.IsOverride
                || !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly))
            {
                return false;
            }

            access = !method.IsStatic ? CalleeAccess.UnsafeInstance : type.IsStatic ? CalleeAccess.UnsafeStaticByName : CalleeAccess.UnsafeStatic;
            return true;
        }

        /// <summary>The name the runtime resolves: namespace, nested types joined with '+', then the assembly.</summary>
        private string RuntimeTypeName(INamedTypeSymbol type)
        {
            var name = type.MetadataName;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
            }

            var ns = type.ContainingNamespace;
            return (ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name) + ", " + _compilation.AssemblyName;
        }

        /// <summary>Whether generated code outside every user type can write this type's name.</summary>
        private bool IsNameable(ITypeSymbol type)
        {
            switch (type)
            {
                case ITypeParameterSymbol:
                case IPointerTypeSymbol:
                case IFunctionPointerTypeSymbol:
                case IErrorTypeSymbol:
                    return false;
                case IArrayTypeSymbol array:
                    return IsNameable(array.ElementType);
                case INamedTypeSymbol named:
                    if (named.IsAnonymousType || !_compilation.IsSymbolAccessibleWithin(named.OriginalDefinition, _compilation.Assembly))
                    {
                        return false;
                    }

                    return named.TypeArguments.All(IsNameable) && (named.ContainingType is null || IsNameable(named.ContainingType));
                default:
                    return type.SpecialType != SpecialType.None || type.TypeKind == TypeKind.Dynamic;
            }
        }

        // out and params-span parameters are scoped implicitly: only other scoped parameters say so in code.
        private static bool IsWrittenScoped(IParameterSymbol parameter)
            => parameter.ScopedKind != ScopedKind.None && parameter.RefKind != RefKind.Out && !parameter.IsParams;

        private static string Modifier(RefKind kind) => kind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            RefKind.RefReadOnlyParameter => "ref readonly ",
            _ => string.Empty,
        };

        private static SyntaxNode NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            MemberBindingExpressionSyntax binding => binding.Name,
            _ => invocation.Expression,
        };

        /// <summary>The path as the engine prints it: relative to the project directory, with forward slashes.</summary>
        private string RelativePath(string path)
        {
            if (_projectDirectory.Length > 0 && path.StartsWith(_projectDirectory, StringComparison.OrdinalIgnoreCase))
            {
                path = path.Substring(_projectDirectory.Length).TrimStart('/', '\\');
            }

            return path.Replace('\\', '/');
        }

        /// <summary><c>Type.Member</c> of the member whose body holds the call; lambdas and local functions count as their enclosing member.</summary>
        private static string MemberName(ISymbol? symbol)
        {
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            if (symbol is null)
            {
                return string.Empty;
            }

            var member = symbol is IMethodSymbol { AssociatedSymbol: { } associated } ? associated.Name : symbol.Name;
            return symbol.ContainingType is null ? member : symbol.ContainingType.Name + "." + member;
        }

        private static bool InExpressionTree(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            foreach (var ancestor in invocation.Ancestors())
            {
                if (ancestor is AnonymousFunctionExpressionSyntax lambda
                    && model.GetTypeInfo(lambda, cancellationToken).ConvertedType is INamedTypeSymbol { Name: "Expression" } converted
                    && converted.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions")
                {
                    return true;
                }

                if (ancestor is MemberDeclarationSyntax)
                {
                    return false;
                }
            }

            return false;
        }

        private SemanticModel ModelFor(SyntaxTree tree)
        {
            if (!_models.TryGetValue(tree, out var model))
            {
                model = _compilation.GetSemanticModel(tree);
                _models.Add(tree, model);
            }

            return model;
        }

        /// <summary>The registry entry of a class generated code refers to.</summary>
        private ClassRef Use(LockClass lockClass)
        {
            if (!_usedClasses.TryGetValue(lockClass.Key, out var used))
            {
                used = new ClassRef(lockClass.Key, lockClass.DisplayName, lockClass.RuntimeKind.ToString());
                _usedClasses.Add(lockClass.Key, used);
            }

            return used;
        }

        /// <summary>
        /// The site table in source order, each row naming its checked call: one per distinct lock API overload
        /// (with its flags) and one per distinct annotated method with its checks, in order of first use.
        /// </summary>
        private BoundCalls Result(CancellationToken cancellationToken)
        {
            var ordered = _sites.OrderBy(entry => entry.Site.Path, StringComparer.Ordinal).ThenBy(entry => entry.Site.Position).ToList();
            var locks = new Dictionary<InterceptedApi, int>();
            var contracts = new Dictionary<ContractCall, int>();
            foreach (var (_, checkedCall) in ordered)
            {
                if (checkedCall is InterceptedApi api && !locks.ContainsKey(api))
                {
                    locks.Add(api, locks.Count);
                }
                else if (checkedCall is ContractCall call && !contracts.ContainsKey(call))
                {
                    contracts.Add(call, contracts.Count);
                }
            }

            var model = new CheckedCallsModel(
                locks.OrderBy(pair => pair.Value).Select(pair => pair.Key).ToEquatableArray(),
                contracts.OrderBy(pair => pair.Value).Select(pair => pair.Key).ToEquatableArray(),
                _compilation.GetTypeByMetadataName("System.Diagnostics.StackTraceHiddenAttribute") is { DeclaredAccessibility: Accessibility.Public },
                _nullable);
            var woven = new List<WovenSite>(ordered.Count);
            foreach (var (site, checkedCall) in ordered)
            {
                woven.Add(checkedCall switch
                {
                    InterceptedApi api => site with { CheckedCall = model.NameOf(api, locks[api]) },
                    ContractCall call => site with { CheckedCall = model.NameOf(call, contracts[call]) },
                    _ => site,
                });
            }

            cancellationToken.ThrowIfCancellationRequested();
            var (orders, cycles) = DeclaredOrders();
            var classes = _usedClasses.Values.OrderBy(used => used.Key, StringComparer.Ordinal).ToEquatableArray();
            return new BoundCalls(model, classes, orders, cycles, woven.ToEquatableArray());
        }

        /// <summary>
        /// The declared orders as the runtime gets them: every declared pair, except those on a cycle of
        /// declarations, which contradict each other and are reported once per cycle instead (LDG001).
        /// </summary>
        private (EquatableArray<DeclaredOrderPair> Orders, EquatableArray<OrderCycleReport> Cycles) DeclaredOrders()
        {
            var order = _model.Order;
            if (order.IsEmpty)
            {
                return (EquatableArray<DeclaredOrderPair>.Empty, EquatableArray<OrderCycleReport>.Empty);
            }

            var contradictions = order.Contradictions();
            var cycles = new List<OrderCycleReport>();
            var reportedCycles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var contradiction in contradictions.OrderBy(c => c.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(c => c.Location.SourceSpan.Start))
            {
                var cycle = order.CycleOf(contradiction);
                var members = string.Join("\n", cycle.Skip(1).Select(c => c.Key).OrderBy(k => k, StringComparer.Ordinal));
                if (reportedCycles.Add(members))
                {
                    cycles.Add(new OrderCycleReport(string.Join(" -> ", cycle.Select(c => c.DisplayName)), SourceSpan.From(contradiction.Location)));
                }
            }

            var pairs = new List<DeclaredOrderPair>();
            foreach (var declaration in order.Declarations)
            {
                if (contradictions.Contains(declaration) || declaration.First.ClassedByType || declaration.Second.ClassedByType)
                {
                    continue;
                }

                var pair = new DeclaredOrderPair(Use(declaration.First).Key, Use(declaration.Second).Key, Where(declaration.Location));
                if (!pairs.Contains(pair))
                {
                    pairs.Add(pair);
                }
            }

            return (pairs.ToEquatableArray(), cycles.ToEquatableArray());
        }

        /// <summary><c>File.cs:line</c> of a declaration, as reports print sites.</summary>
        private string Where(Location location)
        {
            var mapped = location.GetMappedLineSpan();
            return mapped.IsValid ? RelativePath(mapped.Path) + ":" + (mapped.StartLinePosition.Line + 1) : "?";
        }
    }
}
