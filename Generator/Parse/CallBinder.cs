using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>
    /// Binds the candidate invocations (found by name) and keeps those that get an interceptor: lock API
    /// calls on a lock that resolves to a field or property, and calls of methods carrying
    /// <c>[RequiresLock]</c>, <c>[RequiresSharedLock]</c>, <c>[ExcludesLock]</c>, <c>[HardIrqContext]</c>,
    /// <c>[SoftIrqContext]</c> or <c>[MightSleep]</c>. Runs once per compilation over all candidates, so
    /// the tree lookup and semantic models are shared; its output is plain data.
    /// </summary>
    internal sealed class CallBinder
    {
        // The analyzer's limit for tracing a local back to the member it was copied from.
        private const int MaxTraceDepth = 6;

        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private readonly Compilation _compilation;
        private readonly KnownTypes _known;
        private readonly string _projectDirectory;
        private readonly Dictionary<string, string> _declaredClasses;
        private readonly Dictionary<SyntaxTree, SemanticModel> _models = new Dictionary<SyntaxTree, SemanticModel>();
        private readonly Dictionary<IOperation, Dictionary<ILocalSymbol, List<IOperation>>> _localAssignments = new Dictionary<IOperation, Dictionary<ILocalSymbol, List<IOperation>>>();
        private readonly List<(LockCall Call, InterceptLocation Location, string Path)> _locks = new List<(LockCall, InterceptLocation, string)>();
        private readonly List<(ContractCall Call, InterceptLocation Location, string Path)> _contracts = new List<(ContractCall, InterceptLocation, string)>();
        private readonly Dictionary<string, string> _usedClasses = new Dictionary<string, string>(StringComparer.Ordinal);

        private CallBinder(Compilation compilation, string projectDirectory, EquatableArray<LockClassDeclaration> declaredClasses)
        {
            _compilation = compilation;
            _known = new KnownTypes(compilation);
            _projectDirectory = projectDirectory;
            _declaredClasses = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var declared in declaredClasses.OrderBy(d => d.Kind, StringComparer.Ordinal))
            {
                if (!_declaredClasses.ContainsKey(declared.Name))
                {
                    _declaredClasses.Add(declared.Name, declared.Kind);
                }
            }
        }

        public static BoundCalls Bind(ImmutableArray<CallCandidate> candidates, Compilation compilation, string projectDirectory, EquatableArray<LockClassDeclaration> declaredClasses, CancellationToken cancellationToken)
        {
            var binder = new CallBinder(compilation, projectDirectory, declaredClasses);
            var trees = new Dictionary<string, SyntaxTree?>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                // Interception needs unique paths; a path shared by two trees cannot be targeted.
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

            return binder.Result();
        }

        private void BindCandidate(SyntaxTree tree, CallCandidate candidate, CancellationToken cancellationToken)
        {
            var span = new Microsoft.CodeAnalysis.Text.TextSpan(candidate.Start, candidate.Length);
            var root = tree.GetRoot(cancellationToken);
            if (span.End > root.FullSpan.End)
            {
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

            var api = LockApiCatalog.Find(LockApiCatalog.KeyOf(operation.TargetMethod));
            if (api is not null)
            {
                BindLockCall(model, invocation, operation, api, cancellationToken);
            }
            else
            {
                BindContractCall(model, invocation, operation, cancellationToken);
            }
        }

        private void BindLockCall(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation operation, LockApi api, CancellationToken cancellationToken)
        {
            var lockObject = api.IsStatic ? ArgumentFor(operation, 0) : operation.Instance;
            if (lockObject is null)
            {
                return;
            }

            var isSemaphore = api.Type == "global::System.Threading.SemaphoreSlim";
            var resolved = ResolveLockObject(lockObject, isSemaphore, 0);
            if (resolved is null || !TryLocate(model, invocation, cancellationToken, out var location, out var site))
            {
                return;
            }

            var (className, kind) = resolved.Value;
            Use(className, kind);
            _locks.Add((new LockCall(api.Key, className, site, EquatableArray<InterceptLocation>.Empty), location, invocation.SyntaxTree.FilePath));
        }

        /// <summary>The class of the object an operation locks, when it is a field or property (or an element of one, or a local copied from one).</summary>
        private (string Name, string Kind)? ResolveLockObject(IOperation lockObject, bool isSemaphore, int depth)
        {
            var operation = Unwrap(lockObject);
            switch (operation)
            {
                case IFieldReferenceOperation field:
                    return MemberClass(field.Field, field.Field.Type, isSemaphore);
                case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                    return MemberClass(property.Property, property.Property.Type, isSemaphore);
                case IPropertyReferenceOperation { Instance: { } collection } indexer:
                    return ElementClass(collection, indexer.Type, isSemaphore);
                case IArrayElementReferenceOperation element:
                    return ElementClass(element.ArrayReference, element.Type, isSemaphore);
                case ILocalReferenceOperation local when depth < MaxTraceDepth:
                    return TraceLocal(local, isSemaphore, depth);
                default:
                    return null;
            }
        }

        private static (string, string)? MemberClass(ISymbol member, ITypeSymbol type, bool isSemaphore)
        {
            if (isSemaphore && !LockNaming.IsMutexSemaphore(member))
            {
                return null;
            }

            return (LockNaming.ClassOfMember(member), LockNaming.KindOf(type, LockNaming.DeclaredKind(member.OriginalDefinition)));
        }

        private static (string, string)? ElementClass(IOperation collection, ITypeSymbol? elementType, bool isSemaphore)
        {
            ISymbol? owner = Unwrap(collection) switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Property,
                _ => null,
            };

            // The analyzer never classes semaphore elements: it cannot tell their initial count.
            return owner is null || isSemaphore ? null : (LockNaming.ClassOfElements(owner), LockNaming.KindOf(elementType, 0));
        }

        /// <summary>
        /// A local counts as its member's lock only when every value assigned to it in the body resolves to
        /// the same class, flow-insensitively, as the analyzer traces it.
        /// </summary>
        private (string, string)? TraceLocal(ILocalReferenceOperation local, bool isSemaphore, int depth)
        {
            if (!AssignmentsInBody(local).TryGetValue(local.Local, out var values))
            {
                return null;
            }

            (string Name, string Kind)? agreed = null;
            foreach (var value in values)
            {
                var unwrapped = Unwrap(value);
                if (unwrapped is IObjectCreationOperation or ILiteralOperation or IDefaultValueOperation)
                {
                    return null;
                }

                var resolved = ResolveLockObject(value, isSemaphore, depth + 1);
                if (resolved is null || (agreed is not null && agreed.Value.Name != resolved.Value.Name))
                {
                    return null;
                }

                agreed = resolved;
            }

            return agreed;
        }

        private Dictionary<ILocalSymbol, List<IOperation>> AssignmentsInBody(IOperation operation)
        {
            var root = operation;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            if (_localAssignments.TryGetValue(root, out var assignments))
            {
                return assignments;
            }

            assignments = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            foreach (var descendant in root.DescendantsAndSelf())
            {
                switch (descendant)
                {
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        Add(assignments, target.Local, assignment.Value);
                        break;
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                        Add(assignments, declarator.Symbol, initializer.Value);
                        break;
                }
            }

            _localAssignments.Add(root, assignments);
            return assignments;

            static void Add(Dictionary<ILocalSymbol, List<IOperation>> map, ILocalSymbol local, IOperation value)
            {
                if (!map.TryGetValue(local, out var values))
                {
                    values = new List<IOperation>(1);
                    map.Add(local, values);
                }

                values.Add(value);
            }
        }

        private void BindContractCall(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation operation, CancellationToken cancellationToken)
        {
            var method = operation.TargetMethod;
            var definition = method.OriginalDefinition;
            var checks = new List<(ContractCheck Check, string Kind)>();
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

            if (!TryLocate(model, invocation, cancellationToken, out var location, out var site))
            {
                return;
            }

            foreach (var (check, kind) in checks)
            {
                Use(check.ClassName, kind);
            }

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
                checks.Select(c => c.Check).ToEquatableArray(),
                mightSleep,
                irq,
                site,
                EquatableArray<InterceptLocation>.Empty);
            _contracts.Add((call, location, invocation.SyntaxTree.FilePath));
        }

        private void AddChecks(List<(ContractCheck Check, string Kind)> checks, string hook, AttributeData attribute, IMethodSymbol annotated)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return;
            }

            foreach (var value in attribute.ConstructorArguments[0].Values)
            {
                if (LockNameResolver.Resolve(value.Value as string, annotated) is not { } resolution)
                {
                    continue;
                }

                string kind;
                if (!resolution.IsDeclaredName)
                {
                    kind = resolution.Kind;
                }
                else if (!_declaredClasses.TryGetValue(resolution.Name, out kind!))
                {
                    continue;
                }

                var check = new ContractCheck(hook, resolution.Name);
                if (!checks.Any(c => c.Check == check))
                {
                    checks.Add((check, kind));
                }
            }
        }

        /// <summary>
        /// Whether a non-generic interceptor can declare the method's signature as bound here and forward to
        /// it: every type in it is nameable from the generated class, the receiver is a class or interface
        /// reached without <c>base</c>, and the method itself is accessible or reachable through
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

        private bool TryLocate(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken, out InterceptLocation location, out LockSiteInfo site)
        {
            location = null!;
            site = null!;
            var interceptable = model.GetInterceptableLocation(invocation, cancellationToken);
            if (interceptable is null)
            {
                return false;
            }

            var name = NameOf(invocation);
            var mapped = name.GetLocation().GetMappedLineSpan();
            var file = RelativePath(mapped.Path);
            var line = mapped.StartLinePosition.Line + 1;
            site = new LockSiteInfo(file, line, MemberName(model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken)));
            location = new InterceptLocation(interceptable.Version, interceptable.Data, file + "(" + line + "," + (mapped.StartLinePosition.Character + 1) + ")", name.SpanStart);
            return true;
        }

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

        private static IOperation? ArgumentFor(IInvocationOperation operation, int ordinal)
        {
            foreach (var argument in operation.Arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>Strips conversions, parentheses and <c>?.</c> to the operation that produced the value.</summary>
        private static IOperation Unwrap(IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IConditionalAccessInstanceOperation instance when ConditionalAccessOf(instance) is { } access:
                        operation = access.Operation;
                        continue;
                }

                return operation;
            }
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

        private SemanticModel ModelFor(SyntaxTree tree)
        {
            if (!_models.TryGetValue(tree, out var model))
            {
                model = _compilation.GetSemanticModel(tree);
                _models.Add(tree, model);
            }

            return model;
        }

        private void Use(string className, string kind)
        {
            if (!_usedClasses.TryGetValue(className, out var existing) || string.CompareOrdinal(kind, existing) < 0)
            {
                _usedClasses[className] = kind;
            }
        }

        private BoundCalls Result()
        {
            var files = new SortedDictionary<string, (List<(LockCall, InterceptLocation)> Locks, List<(ContractCall, InterceptLocation)> Contracts)>(StringComparer.Ordinal);
            foreach (var (call, location, path) in _locks)
            {
                For(path).Locks.Add((call, location));
            }

            foreach (var (call, location, path) in _contracts)
            {
                For(path).Contracts.Add((call, location));
            }

            var hideFrames = _compilation.GetTypeByMetadataName("System.Diagnostics.StackTraceHiddenAttribute") is { DeclaredAccessibility: Accessibility.Public };
            var result = files.Select(pair => new FileInterceptors(
                pair.Key,
                Group(pair.Value.Locks, (call, locations) => call with { Locations = locations }, call => call.Locations),
                Group(pair.Value.Contracts, (call, locations) => call with { Locations = locations }, call => call.Locations),
                hideFrames));
            var classes = _usedClasses.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new UsedClass(pair.Key, pair.Value));
            return new BoundCalls(result.ToEquatableArray(), classes.ToEquatableArray());

            (List<(LockCall, InterceptLocation)> Locks, List<(ContractCall, InterceptLocation)> Contracts) For(string path)
            {
                if (!files.TryGetValue(path, out var lists))
                {
                    lists = (new List<(LockCall, InterceptLocation)>(), new List<(ContractCall, InterceptLocation)>());
                    files.Add(path, lists);
                }

                return lists;
            }
        }

        /// <summary>Calls with identical models (same method, class and printed site) share one interceptor; interceptors follow source order.</summary>
        private static EquatableArray<T> Group<T>(List<(T Call, InterceptLocation Location)> calls, Func<T, EquatableArray<InterceptLocation>, T> withLocations, Func<T, EquatableArray<InterceptLocation>> locationsOf)
            where T : IEquatable<T>
            => calls
                .GroupBy(entry => entry.Call)
                .Select(group => withLocations(group.Key, group.Select(entry => entry.Location).OrderBy(l => l.Position).ToEquatableArray()))
                .OrderBy(call => locationsOf(call)[0].Position)
                .ToEquatableArray();
    }
}
