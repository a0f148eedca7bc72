using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Summaries;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// Who calls whom, over the bodies of this compilation: static targets, overrides and interface
    /// implementations of virtual targets declared here, and every method or lambda bound to an
    /// invoked delegate slot (events, fields, properties, parameters, locals); a referenced assembly's
    /// slot, known by key only, runs what is bound to the parameters its summaries store into it.
    /// </summary>
    internal sealed class CallGraph
    {
        private readonly Dictionary<IMethodSymbol, int> _indexOf = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, List<int>> _implementations = new Dictionary<IMethodSymbol, List<int>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<int>> _delegateTargets = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<int>> _workTargets = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _boundByInitializers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<ISymbol>> _aliases = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<ISymbol>> _aliasSources = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<string, List<ISymbol>> _importedSlotStores = new Dictionary<string, List<ISymbol>>(System.StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _importedSlotTargets = new Dictionary<string, List<int>>(System.StringComparer.Ordinal);
        private readonly List<int>[] _callees;
        private readonly List<int>[][] _callTargets;
        private readonly bool[] _live;
        private bool? _showsInternals;

        public CallGraph(IReadOnlyList<MethodSummary> summaries, IEnumerable<Resolve.DelegateBinding> extraBindings, IEnumerable<IMethodSymbol> privateMethodsUsedUnseen)
        {
            Summaries = summaries;
            for (var i = 0; i < summaries.Count; i++)
            {
                _indexOf[summaries[i].Method.OriginalDefinition] = i;
            }

            IndexImplementations();
            IndexDelegateTargets(extraBindings);

            _callees = new List<int>[summaries.Count];
            _callTargets = new List<int>[summaries.Count][];
            for (var i = 0; i < summaries.Count; i++)
            {
                var calls = summaries[i].Calls;
                var callees = new List<int>();
                var targets = new List<int>[calls.Length];
                for (var c = 0; c < calls.Length; c++)
                {
                    targets[c] = ResolveTargets(calls[c]);
                    foreach (var target in targets[c])
                    {
                        if (!callees.Contains(target))
                        {
                            callees.Add(target);
                        }
                    }
                }

                _callees[i] = callees;
                _callTargets[i] = targets;
            }

            var callersAllKnown = new bool[summaries.Count];
            _live = FindLive(privateMethodsUsedUnseen, callersAllKnown);
            PruneCallsOnParametersAlwaysNull(callersAllKnown);
            Summaries = PruneSitesUnderFlagsThatCannotHold(summaries, callersAllKnown);
        }

        /// <summary>The bodies' summaries, without the acquisitions their callers' flags make unreachable (<see cref="FlagGuards"/>).</summary>
        public IReadOnlyList<MethodSummary> Summaries { get; }

        /// <summary>The summary index of a method, if the compilation has its body.</summary>
        public int? IndexOf(IMethodSymbol method) => _indexOf.TryGetValue(method.OriginalDefinition, out var index) ? index : (int?)null;

        /// <summary>The bodies running as the work a task or thread slot holds (<c>var t = Task.Run(M)</c>).</summary>
        public IReadOnlyList<int> WorkTargets(ISymbol slot) => _workTargets.TryGetValue(slot, out var targets) ? targets : (IReadOnlyList<int>)System.Array.Empty<int>();

        /// <summary>
        /// The slots a delegate in <paramref name="slot"/> may be copied into (<paramref name="downstream"/>),
        /// or the slots whose delegates may be copied into it, through any number of copies; not the slot itself.
        /// </summary>
        public List<ISymbol> AliasClosure(ISymbol slot, bool downstream)
        {
            var edges = downstream ? _aliases : _aliasSources;
            var reached = new List<ISymbol>();
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { slot };
            var pending = new Stack<ISymbol>();
            pending.Push(slot);
            while (pending.Count > 0)
            {
                if (!edges.TryGetValue(pending.Pop(), out var next))
                {
                    continue;
                }

                foreach (var neighbour in next)
                {
                    if (seen.Add(neighbour))
                    {
                        reached.Add(neighbour);
                        pending.Push(neighbour);
                    }
                }
            }

            return reached;
        }

        /// <summary>Every body that a method may call, by summary index.</summary>
        public IReadOnlyList<int> Callees(int method) => _callees[method];

        /// <summary>The bodies one call site may reach.</summary>
        public IReadOnlyList<int> Targets(int method, int call) => _callTargets[method][call];

        /// <summary>
        /// The method may run: it is not private, or something that may run calls it, or it is used in a
        /// way the graph cannot follow. A private method nothing calls is dead code, not an entry point.
        /// </summary>
        public bool IsLive(int method) => _live[method];

        /// <summary>Also says which methods are called only where the graph sees it (every caller is a call site here).</summary>
        private bool[] FindLive(IEnumerable<IMethodSymbol> privateMethodsUsedUnseen, bool[] callersAllKnown)
        {
            var live = new bool[Summaries.Count];
            var pending = new Stack<int>();
            void MarkLive(int method)
            {
                if (!live[method])
                {
                    live[method] = true;
                    pending.Push(method);
                }
            }

            var typesShowingEntryPoints = new Dictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
            var implementing = new HashSet<int>();
            foreach (var implementations in _implementations.Values)
            {
                implementing.UnionWith(implementations);
            }

            for (var i = 0; i < Summaries.Count; i++)
            {
                if (!CanBeDead(Summaries[i].Method, typesShowingEntryPoints))
                {
                    MarkLive(i);
                    // A private method that cannot be dead is an entry point (a type naming none, an attribute).
                    callersAllKnown[i] = Summaries[i].Method.DeclaredAccessibility != Accessibility.Private
                        && IsCalledOnlyFromThisAssembly(Summaries[i].Method, i, implementing);
                }
                else
                {
                    callersAllKnown[i] = true;
                }
            }

            foreach (var method in privateMethodsUsedUnseen)
            {
                if (_indexOf.TryGetValue(method, out var index))
                {
                    MarkLive(index);
                    callersAllKnown[index] = false;
                }
            }

            foreach (var targets in _delegateTargets.Values)
            {
                foreach (var target in targets)
                {
                    MarkLive(target);
                    callersAllKnown[target] = false;
                }
            }

            foreach (var targets in _workTargets.Values)
            {
                foreach (var target in targets)
                {
                    MarkLive(target);
                    callersAllKnown[target] = false;
                }
            }

            while (pending.Count > 0)
            {
                foreach (var callee in _callees[pending.Pop()])
                {
                    MarkLive(callee);
                }
            }

            return live;
        }

        /// <summary>
        /// A parameter that every call passes the constant <c>null</c> (all callers known, the dead ones
        /// left out), or a parameter of its own that is always null, is null throughout a body that never
        /// writes it: a call made on it, or of it as a delegate, cannot run and has no targets
        /// (<c>StopCore(null)</c> with <c>if (listener is null) return;</c> or <c>listener?.OnStopped()</c> in it).
        /// The greatest fixed point, so that methods forwarding null to each other agree.
        /// </summary>
        private void PruneCallsOnParametersAlwaysNull(bool[] callersAllKnown)
        {
            var alwaysNull = new ulong[Summaries.Count];
            for (var method = 0; method < Summaries.Count; method++)
            {
                alwaysNull[method] = callersAllKnown[method] ? ulong.MaxValue : 0;
            }

            // An entry point nothing here calls gets its arguments from elsewhere, whatever its accessibility.
            var called = new bool[Summaries.Count];
            for (var caller = 0; caller < Summaries.Count; caller++)
            {
                if (_live[caller])
                {
                    foreach (var callee in _callees[caller])
                    {
                        called[callee] = true;
                    }
                }
            }

            for (var method = 0; method < Summaries.Count; method++)
            {
                if (!called[method])
                {
                    alwaysNull[method] = 0;
                }
            }

            var next = new ulong[Summaries.Count];
            bool changed;
            do
            {
                for (var method = 0; method < Summaries.Count; method++)
                {
                    next[method] = alwaysNull[method];
                }

                for (var caller = 0; caller < Summaries.Count; caller++)
                {
                    if (!_live[caller])
                    {
                        continue;
                    }

                    var calls = Summaries[caller].Calls;
                    for (var call = 0; call < calls.Length; call++)
                    {
                        var passedNull = calls[call].NullArguments | ForwardedNull(calls[call].ForwardedParameters, alwaysNull[caller]);
                        foreach (var target in _callTargets[caller][call])
                        {
                            next[target] &= passedNull;
                        }
                    }
                }

                changed = false;
                for (var method = 0; method < Summaries.Count; method++)
                {
                    changed |= next[method] != alwaysNull[method];
                    alwaysNull[method] = next[method];
                }
            }
            while (changed);

            for (var method = 0; method < Summaries.Count; method++)
            {
                if (!callersAllKnown[method] || !called[method] || alwaysNull[method] == 0)
                {
                    continue;
                }

                var calls = Summaries[method].Calls;
                var pruned = false;
                for (var call = 0; call < calls.Length; call++)
                {
                    var parameter = calls[call].ReceiverParameter;
                    if (parameter >= 0 && (alwaysNull[method] & (1UL << parameter)) != 0 && _callTargets[method][call].Count > 0)
                    {
                        _callTargets[method][call] = new List<int>();
                        pruned = true;
                    }
                }

                if (pruned)
                {
                    _callees[method].Clear();
                    foreach (var targets in _callTargets[method])
                    {
                        foreach (var target in targets)
                        {
                            if (!_callees[method].Contains(target))
                            {
                                _callees[method].Add(target);
                            }
                        }
                    }
                }
            }
        }

        private IReadOnlyList<MethodSummary> PruneSitesUnderFlagsThatCannotHold(IReadOnlyList<MethodSummary> summaries, bool[] callersAllKnown)
        {
            if (FlagGuards.Unreachable(summaries, _live, callersAllKnown, _callTargets) is not { } unreachable)
            {
                return summaries;
            }

            var pruned = new MethodSummary[summaries.Count];
            for (var method = 0; method < summaries.Count; method++)
            {
                pruned[method] = summaries[method];
            }

            foreach (var entry in unreachable)
            {
                var method = entry.Key;
                var (acquisitions, calls) = entry.Value;
                if (acquisitions.Count > 0)
                {
                    var kept = ImmutableArray.CreateBuilder<AcquisitionSite>();
                    foreach (var acquisition in summaries[method].Acquisitions)
                    {
                        if (!acquisitions.Contains(acquisition))
                        {
                            kept.Add(acquisition);
                        }
                    }

                    pruned[method] = summaries[method].WithAcquisitions(kept.ToImmutable());
                }

                if (calls.Count > 0)
                {
                    foreach (var call in calls)
                    {
                        _callTargets[method][call] = new List<int>();
                    }

                    _callees[method].Clear();
                    foreach (var targets in _callTargets[method])
                    {
                        foreach (var target in targets)
                        {
                            if (!_callees[method].Contains(target))
                            {
                                _callees[method].Add(target);
                            }
                        }
                    }
                }
            }

            return pruned;
        }

        /// <summary>
        /// An internal (or effectively internal) method that overrides and implements nothing, in an
        /// assembly that shows its internals to no other: every call of it is in this compilation.
        /// </summary>
        private bool IsCalledOnlyFromThisAssembly(IMethodSymbol method, int index, HashSet<int> implementing)
        {
            if (method.MethodKind != MethodKind.Ordinary || method.IsVirtual || method.IsOverride || method.IsAbstract
                || implementing.Contains(index) || !method.GetAttributes().IsEmpty || ShowsInternals(method.ContainingAssembly))
            {
                return false;
            }

            for (ISymbol? symbol = method; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            {
                if (symbol.DeclaredAccessibility is Accessibility.Internal or Accessibility.Private or Accessibility.ProtectedAndInternal)
                {
                    return true;
                }
            }

            return false;
        }

        private bool ShowsInternals(IAssemblySymbol assembly)
        {
            if (_showsInternals is null)
            {
                _showsInternals = false;
                foreach (var attribute in assembly.GetAttributes())
                {
                    if (attribute.AttributeClass?.Name == "InternalsVisibleToAttribute")
                    {
                        _showsInternals = true;
                    }
                }
            }

            return _showsInternals.Value;
        }

        private static ulong ForwardedNull(ImmutableArray<int> forwarded, ulong callerAlwaysNull)
        {
            var mask = 0UL;
            for (var parameter = 0; parameter < forwarded.Length && parameter < 64; parameter++)
            {
                if (forwarded[parameter] >= 0 && (callerAlwaysNull & (1UL << forwarded[parameter])) != 0)
                {
                    mask |= 1UL << parameter;
                }
            }

            return mask;
        }

        /// <summary>
        /// Only ordinary private methods: anything wider may be called from another assembly, and a method
        /// carrying attributes may be called by a framework (<c>[OnDeserialized]</c>, <c>[ModuleInitializer]</c>).
        /// And only in a type that declares a non-private member: that is its way in, so a private method it
        /// never reaches is dead. A type declaring nothing but private members (a sketch, a type used through
        /// reflection) names no entry points, so each of its methods is taken as one.
        /// </summary>
        private static bool CanBeDead(IMethodSymbol method, Dictionary<INamedTypeSymbol, bool> typesShowingEntryPoints)
        {
            if (method.MethodKind != MethodKind.Ordinary
                || method.DeclaredAccessibility != Accessibility.Private
                || (method.IsStatic && method.Name == "Main")
                || !method.GetAttributes().IsEmpty
                || method.ContainingType is not { } type)
            {
                return false;
            }

            if (!typesShowingEntryPoints.TryGetValue(type, out var showsEntryPoints))
            {
                foreach (var member in type.GetMembers())
                {
                    if (!member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.Private && member is IMethodSymbol or IPropertySymbol or IEventSymbol)
                    {
                        showsEntryPoints = true;
                        break;
                    }
                }

                typesShowingEntryPoints.Add(type, showsEntryPoints);
            }

            return showsEntryPoints;
        }

        private List<int> ResolveTargets(CallSite call)
        {
            var targets = new List<int>();
            if (call.DelegateSlot is not null)
            {
                // An event or delegate of an object still under construction, raised before the object was
                // published: only what field initializers bound can be subscribed yet.
                var subscribedYet = call.ReceiverFreshness == Freshness.None || _boundByInitializers.Contains(call.DelegateSlot);
                if (subscribedYet && _delegateTargets.TryGetValue(call.DelegateSlot, out var bound))
                {
                    targets.AddRange(bound);
                }

                if (call.ImportedSlot is not null)
                {
                    foreach (var target in ImportedSlotTargets(call.ImportedSlot))
                    {
                        if (!targets.Contains(target))
                        {
                            targets.Add(target);
                        }
                    }
                }

                return targets;
            }

            if (!call.ReceiverImplementations.IsDefault)
            {
                foreach (var implementation in call.ReceiverImplementations)
                {
                    if (_indexOf.TryGetValue(implementation.OriginalDefinition, out var narrowed) && !targets.Contains(narrowed))
                    {
                        targets.Add(narrowed);
                    }
                }

                return targets;
            }

            var method = call.Target.OriginalDefinition;
            if (!method.IsAbstract && _indexOf.TryGetValue(method, out var direct))
            {
                targets.Add(direct);
            }

            if (call.IsVirtual && _implementations.TryGetValue(method, out var implementations))
            {
                foreach (var implementation in implementations)
                {
                    if (!targets.Contains(implementation))
                    {
                        targets.Add(implementation);
                    }
                }
            }

            return targets;
        }

        /// <summary>What is passed to any parameter stored into the slot, gathered once per slot however many runs of it the summaries record.</summary>
        private List<int> ImportedSlotTargets(string slot)
        {
            if (!_importedSlotTargets.TryGetValue(slot, out var targets))
            {
                targets = new List<int>();
                var seen = new HashSet<int>();
                if (_importedSlotStores.TryGetValue(slot, out var storing))
                {
                    foreach (var parameter in storing)
                    {
                        if (_delegateTargets.TryGetValue(parameter, out var passed))
                        {
                            foreach (var target in passed)
                            {
                                if (seen.Add(target))
                                {
                                    targets.Add(target);
                                }
                            }
                        }
                    }
                }

                _importedSlotTargets.Add(slot, targets);
            }

            return targets;
        }

        private void IndexImplementations()
        {
            var typesSeen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            for (var i = 0; i < Summaries.Count; i++)
            {
                var method = Summaries[i].Method.OriginalDefinition;
                for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    AddImplementation(overridden.OriginalDefinition, i);
                }

                var type = method.ContainingType;
                if (type is null || !typesSeen.Add(type))
                {
                    continue;
                }

                foreach (var contract in type.AllInterfaces)
                {
                    foreach (var member in contract.GetMembers())
                    {
                        if (member is IMethodSymbol interfaceMethod
                            && type.FindImplementationForInterfaceMember(interfaceMethod) is IMethodSymbol implementation
                            && _indexOf.TryGetValue(implementation.OriginalDefinition, out var index))
                        {
                            AddImplementation(interfaceMethod.OriginalDefinition, index);
                        }
                    }
                }
            }
        }

        private void AddImplementation(IMethodSymbol method, int implementation)
        {
            if (!_implementations.TryGetValue(method, out var list))
            {
                list = new List<int>();
                _implementations.Add(method, list);
            }

            if (!list.Contains(implementation))
            {
                list.Add(implementation);
            }
        }

        /// <summary>Targets of a slot: methods bound to it, plus the targets of slots copied into it (to a fixed point).</summary>
        private void IndexDelegateTargets(IEnumerable<Resolve.DelegateBinding> extraBindings)
        {
            void Bind(Resolve.DelegateBinding binding)
            {
                if (binding.IsWork)
                {
                    if (binding.Target is not null && _indexOf.TryGetValue(binding.Target.OriginalDefinition, out var work))
                    {
                        if (!_workTargets.TryGetValue(binding.Slot, out var works))
                        {
                            works = new List<int>();
                            _workTargets.Add(binding.Slot, works);
                        }

                        works.Add(work);
                    }

                    return;
                }

                if (binding.Target is not null && _indexOf.TryGetValue(binding.Target.OriginalDefinition, out var index))
                {
                    AddTarget(binding.Slot, index);
                }
                else if (binding.SourceSlot is not null)
                {
                    AddEdge(_aliases, binding.SourceSlot, binding.Slot);
                    AddEdge(_aliasSources, binding.Slot, binding.SourceSlot);
                }
            }

            foreach (var summary in Summaries)
            {
                foreach (var binding in summary.Bindings)
                {
                    Bind(binding);
                }

                foreach (var store in summary.SlotStores)
                {
                    AddEdge(_importedSlotStores, store.Slot, store.Parameter);
                }
            }

            foreach (var binding in extraBindings)
            {
                Bind(binding);
                _boundByInitializers.Add(binding.Slot);
            }

            var pending = new Queue<ISymbol>(_delegateTargets.Keys);
            while (pending.Count > 0)
            {
                var source = pending.Dequeue();
                if (!_aliases.TryGetValue(source, out var dependents) || !_delegateTargets.TryGetValue(source, out var sourceTargets))
                {
                    continue;
                }

                foreach (var dependent in dependents)
                {
                    var changed = false;
                    foreach (var target in sourceTargets.ToArray())
                    {
                        changed |= AddTarget(dependent, target);
                    }

                    if (changed)
                    {
                        pending.Enqueue(dependent);
                    }
                }
            }
        }

        private static void AddEdge<TKey>(Dictionary<TKey, List<ISymbol>> edges, TKey from, ISymbol to)
            where TKey : notnull
        {
            if (!edges.TryGetValue(from, out var list))
            {
                list = new List<ISymbol>();
                edges.Add(from, list);
            }

            list.Add(to);
        }

                private bool AddTarget(ISymbol slot, int target)
        {
            if (!_delegateTargets.TryGetValue(slot, out var targets))
            {
                targets = new List<int>();
                _delegateTargets.Add(slot, targets);
            }

            if (targets.Contains(target))
            {
                return false;
            }

            targets.Add(target);
            return true;
        }
    }
}
