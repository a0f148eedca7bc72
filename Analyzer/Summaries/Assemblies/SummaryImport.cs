using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzer.Summaries.Assemblies
{
    /// <summary>
    /// The summaries a compilation's references carry, turned into method summaries of this compilation's
    /// whole-program graph: the library's methods are its metadata symbols, its sites are places in its
    /// files (file and line, outside this compilation), its calls bind to this compilation's overrides,
    /// interface implementations and the delegates it passes. Decoding is done once per referenced assembly
    /// (its symbol is shared by the compilations that reference it unchanged); binding once per compilation.
    /// </summary>
    internal sealed class SummaryImport
    {
        private static readonly ConditionalWeakTable<IAssemblySymbol, Decoded> DecodedByAssembly = new ConditionalWeakTable<IAssemblySymbol, Decoded>();

        private readonly Compilation _compilation;
        private readonly List<(IAssemblySymbol Assembly, string Encoded)> _carriers = new List<(IAssemblySymbol, string)>();
        private readonly HashSet<IAssemblySymbol> _carrierSet = new HashSet<IAssemblySymbol>(SymbolEqualityComparer.Default);

        public SummaryImport(Compilation compilation)
        {
            _compilation = compilation;
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (SummaryAttribute.Find(assembly) is { } encoded)
                {
                    _carriers.Add((assembly, encoded));
                    _carrierSet.Add(assembly);
                }
            }
        }

        /// <summary>Whether <paramref name="assembly"/> carries a summary: delegates passed to it may be invoked under its locks.</summary>
        public bool Carries(IAssemblySymbol? assembly) => assembly is not null && _carrierSet.Contains(assembly);

        /// <summary>The method summaries of every readable reference; each unreadable one is reported once (LD0015) and skipped.</summary>
        public List<MethodSummary> Read(Action<IAssemblySymbol, string> reportUnreadable)
        {
            var binders = new List<Binder>();
            foreach (var (assembly, encoded) in _carriers)
            {
                var decoded = DecodedByAssembly.GetValue(assembly, _ => Decode(encoded));
                if (decoded.Problem is { } problem)
                {
                    reportUnreadable(assembly, problem);
                    continue;
                }

                binders.Add(new Binder(_compilation, assembly, decoded.Summary!));
            }

            // Stores first, from every summary: an invocation of a slot runs what any of them stores there.
            var slots = new Dictionary<string, IParameterSymbol>(StringComparer.Ordinal);
            foreach (var binder in binders)
            {
                binder.BindStores(slots);
            }

            var summaries = new List<MethodSummary>();
            foreach (var binder in binders)
            {
                binder.BindInto(summaries, slots);
            }

            return summaries;
        }

        private static Decoded Decode(string encoded)
        {
            // Base64 is at most a third longer than its bytes: refuse what could not decode within the limit before decoding it.
            if (encoded.Length / 4 * 3 > SummaryEncoding.MaxBytes)
            {
                return new Decoded(null, $"its summary is {encoded.Length} characters, more than an analyzer reads");
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                return new Decoded(null, "its summary is not base64 text");
            }

            var summary = SummaryEncoding.Decode(bytes, out var problem);
            return new Decoded(summary, problem);
        }

        private sealed class Decoded
        {
            public Decoded(AssemblySummary? summary, string? problem)
            {
                Summary = summary;
                Problem = problem;
            }

            public AssemblySummary? Summary { get; }

            public string? Problem { get; }
        }

        /// <summary>One assembly's summary bound to this compilation's symbols; what does not bind is left out.</summary>
        private sealed class Binder
        {
            private readonly Compilation _compilation;
            private readonly IAssemblySymbol _assembly;
            private readonly AssemblySummary _summary;
            private readonly LockClass[] _classes;
            private readonly Dictionary<string, ISymbol?> _symbols = new Dictionary<string, ISymbol?>(StringComparer.Ordinal);
            private readonly Dictionary<SummaryMethod, ImmutableArray<SlotStore>> _stores = new Dictionary<SummaryMethod, ImmutableArray<SlotStore>>();

            public Binder(Compilation compilation, IAssemblySymbol assembly, AssemblySummary summary)
            {
                _compilation = compilation;
                _assembly = assembly;
                _summary = summary;
                _classes = new LockClass[summary.Classes.Length];
                for (var i = 0; i < _classes.Length; i++)
                {
                    var source = summary.Classes[i];

                    // The decoder let each class refine only an earlier one, so its base is already made.
                    var nestingBase = source.NestingBase >= 0 ? _classes[source.NestingBase] : null;
                    _classes[i] = new LockClass(source.Key, source.DisplayName, source.Primitive, source.Reentrant, nestingBase, source.DeclaredKind);
                }
            }

            /// <summary>
            /// Binds the delegate parameters the methods store to their parameter symbols, and notes in
            /// <paramref name="slots"/> one storing parameter per slot key (the first found): an invocation of
            /// the slot is a call of that delegate type.
            /// </summary>
            public void BindStores(Dictionary<string, IParameterSymbol> slots)
            {
                foreach (var method in _summary.Methods)
                {
                    if (method.Stores.IsEmpty || Symbol(method.DocumentationId, inAssembly: true) is not IMethodSymbol symbol)
                    {
                        continue;
                    }

                    var stores = ImmutableArray.CreateBuilder<SlotStore>(method.Stores.Length);
                    foreach (var store in method.Stores)
                    {
                        if (store.Parameter < symbol.Parameters.Length && symbol.Parameters[store.Parameter].Type.TypeKind == TypeKind.Delegate)
                        {
                            var parameter = symbol.Parameters[store.Parameter].OriginalDefinition;
                            stores.Add(new SlotStore(parameter, store.Slot));
                            if (!slots.ContainsKey(store.Slot))
                            {
                                slots.Add(store.Slot, parameter);
                            }
                        }
                    }

                    _stores[method] = stores.ToImmutable();
                }
            }

            public void BindInto(List<MethodSummary> summaries, Dictionary<string, IParameterSymbol> slots)
            {
                var bound = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                foreach (var method in _summary.Methods)
                {
                    // Only the assembly's own methods: a summary cannot speak for this compilation or for another reference.
                    if (Symbol(method.DocumentationId, inAssembly: true) is IMethodSymbol symbol && bound.Add(symbol))
                    {
                        summaries.Add(Bind(symbol, method, slots));
                    }
                }
            }

            private MethodSummary Bind(IMethodSymbol symbol, SummaryMethod method, Dictionary<string, IParameterSymbol> slots)
            {
                var acquisitions = ImmutableArray.CreateBuilder<AcquisitionSite>(method.Acquisitions.Length);
                foreach (var acquisition in method.Acquisitions)
                {
                    if (Location(acquisition.Site) is { } location)
                    {
                        acquisitions.Add(new AcquisitionSite(_classes[acquisition.Class], acquisition.Mode, InstancePath.FromText(acquisition.Instance), location, Held(acquisition.Held), hardIrqsOff: false, softIrqsOff: false, afterYield: false, ImmutableArray<FlagValue>.Empty));
                    }
                }

                var calls = ImmutableArray.CreateBuilder<CallSite>(method.Calls.Length);
                var bindings = ImmutableArray.CreateBuilder<DelegateBinding>();
                foreach (var call in method.Calls)
                {
                    if (Location(call.Site) is { } location && Target(symbol, call, slots) is { } target)
                    {
                        Forward(symbol, target.Method, call.Forwarded, bindings);
                        var held = Held(call.Held);
                        var importedSlot = call.Kind is SummaryCallKind.MemberDelegate or SummaryCallKind.SlotDelegate && slots.ContainsKey(call.Target) ? call.Target : null;
                        calls.Add(new CallSite(location, target.Method, target.Slot, call.Kind == SummaryCallKind.Virtual, InstancePath.FromText(call.Receiver), held, hardIrqsOff: false, softIrqsOff: false, Atomic(held), calleeMightSleep: false, Freshness.None, afterYield: false, nullArguments: 0, receiverParameter: -1, ImmutableArray<int>.Empty, default, ImmutableArray<FlagValue>.Empty, ImmutableArray<string>.Empty, ImmutableArray<FlagValue>.Empty, importedSlot));
                    }
                }

                var stores = _stores.TryGetValue(method, out var bound) ? bound : ImmutableArray<SlotStore>.Empty;
                return new MethodSummary(symbol, IrqContextKind.None, acquisitions.ToImmutable(), ImmutableArray<AcquisitionSite>.Empty, calls.ToImmutable(), ImmutableArray<SleepSite>.Empty, ImmutableArray<WaitSite>.Empty, bindings.ToImmutable(), Contract(method.HeldOnEntry), Contract(method.LeftHeld), ImmutableArray<FlagWrite>.Empty, ImmutableArray<AcquisitionSite>.Empty, stores);
            }

            /// <summary>
            /// The method a call runs and, for a delegate invocation, the slot it reads: a parameter, a member
            /// bound by its symbol, or for a slot known by key only, a parameter that stores into it (the graph
            /// follows the key to every one of them).
            /// </summary>
            private (IMethodSymbol Method, ISymbol? Slot)? Target(IMethodSymbol caller, SummaryCall call, Dictionary<string, IParameterSymbol> slots)
            {
                switch (call.Kind)
                {
                    case SummaryCallKind.ParameterDelegate:
                        if (call.Parameter >= 0 && call.Parameter < caller.Parameters.Length && Invoke(caller.Parameters[call.Parameter].Type) is { } invoke)
                        {
                            return (invoke, caller.Parameters[call.Parameter].OriginalDefinition);
                        }

                        return null;
                    case SummaryCallKind.MemberDelegate:
                        var member = Symbol(call.Target, inAssembly: true);
                        var type = member switch
                        {
                            IEventSymbol e => e.Type,
                            IFieldSymbol f => f.Type,
                            IPropertySymbol p => p.Type,
                            _ => null,
                        };
                        if (type is not null && Invoke(type) is { } memberInvoke)
                        {
                            return (memberInvoke, member!.OriginalDefinition);
                        }

                        return StoredSlot(call.Target, slots);
                    case SummaryCallKind.SlotDelegate:
                        return StoredSlot(call.Target, slots);
                    default:
                        return Symbol(call.Target, inAssembly: false) is IMethodSymbol method ? (method.OriginalDefinition, null) : ((IMethodSymbol, ISymbol?)?)null;
                }
            }

            private static (IMethodSymbol Method, ISymbol? Slot)? StoredSlot(string key, Dictionary<string, IParameterSymbol> slots)
                => slots.TryGetValue(key, out var parameter) && Invoke(parameter.Type) is { } invoke ? (invoke, parameter) : ((IMethodSymbol, ISymbol?)?)null;

            /// <summary>What is passed to the summarised method's parameter is what the target's parameter holds: an alias, as a binding within one compilation makes it.</summary>
            private static void Forward(IMethodSymbol caller, IMethodSymbol target, ImmutableArray<int> pairs, ImmutableArray<DelegateBinding>.Builder bindings)
            {
                for (var i = 0; i + 1 < pairs.Length; i += 2)
                {
                    if (pairs[i] < target.Parameters.Length && pairs[i + 1] < caller.Parameters.Length)
                    {
                        bindings.Add(new DelegateBinding(target.Parameters[pairs[i]].OriginalDefinition, null, caller.Parameters[pairs[i + 1]].OriginalDefinition));
                    }
                }
            }

            private static IMethodSymbol? Invoke(ITypeSymbol type) => (type as INamedTypeSymbol)?.DelegateInvokeMethod;

            private ISymbol? Symbol(string id, bool inAssembly)
            {
                var key = (inAssembly ? "+" : "*") + id;
                if (!_symbols.TryGetValue(key, out var found))
                {
                    found = null;
                    foreach (var candidate in DocumentationCommentId.GetSymbolsForDeclarationId(id, _compilation))
                    {
                        if (!inAssembly || SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, _assembly))
                        {
                            found = candidate;
                            break;
                        }
                    }

                    _symbols.Add(key, found);
                }

                return found;
            }

            private ImmutableArray<HeldLockSite> Held(ImmutableArray<SummaryHeld> held)
            {
                if (held.IsEmpty)
                {
                    return ImmutableArray<HeldLockSite>.Empty;
                }

                var sites = ImmutableArray.CreateBuilder<HeldLockSite>(held.Length);
                foreach (var hold in held)
                {
                    sites.Add(new HeldLockSite(_classes[hold.Class], hold.Mode, InstancePath.FromText(hold.Instance), Location(hold.Site)));
                }

                return sites.MoveToImmutable();
            }

            private ImmutableArray<ContractLock> Contract(ImmutableArray<int> classes)
            {
                if (classes.IsEmpty)
                {
                    return ImmutableArray<ContractLock>.Empty;
                }

                var locks = ImmutableArray.CreateBuilder<ContractLock>(classes.Length);
                foreach (var index in classes)
                {
                    locks.Add(new ContractLock(_classes[index], InstancePath.Unknown, LockMode.Exclusive, tryAcquire: false, successValue: null));
                }

                return locks.MoveToImmutable();
            }

            private static bool Atomic(ImmutableArray<HeldLockSite> held)
            {
                foreach (var hold in held)
                {
                    if (hold.Class.Spins)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>A place in the library's file, outside this compilation: reports print it, and never point at it.</summary>
            private Location? Location(SummarySite site)
            {
                if (!site.IsKnown)
                {
                    return null;
                }

                var position = new LinePosition(site.Line - 1, 0);
                return Microsoft.CodeAnalysis.Location.Create(_summary.Files[site.File], new TextSpan(0, 0), new LinePositionSpan(position, position));
            }
        }
    }
}
