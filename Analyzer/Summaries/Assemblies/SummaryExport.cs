using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Summaries.Assemblies
{
    /// <summary>
    /// The summary a compilation carries for the compilations that reference it. Only methods another
    /// assembly can name (public or protected, in types it can see) are summarised; what they reach in the
    /// assembly's internals is folded into them, each site keeping its own file and line and adding the locks
    /// its callers hold. Calls that another assembly can bind stay calls: methods of other assemblies,
    /// virtual and interface members, other methods of the surface, invoked delegate parameters and members.
    /// A delegate parameter a surface method keeps for later is recorded with the slot it lands in (a field,
    /// property or event, or the collection it is added to), and an invocation of what such a slot holds is
    /// recorded with the slot's key, so a reader can connect what it passes to what the library runs later.
    /// </summary>
    internal sealed class SummaryExport
    {
        /// <summary>Sites kept per summarised method; folding stops there (a bound on size and on time).</summary>
        public const int MaxSitesPerMethod = 1024;

        /// <summary>Calls folded into one another at most this deep.</summary>
        public const int MaxDepth = 32;

        private readonly CallGraph _calls;
        private readonly IAssemblySymbol _assembly;
        private readonly Dictionary<IAssemblySymbol, bool> _summarised = new Dictionary<IAssemblySymbol, bool>(SymbolEqualityComparer.Default);
        private readonly Dictionary<string, int> _classIndices = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly List<SummaryClass> _classes = new List<SummaryClass>();
        private readonly Dictionary<string, int> _fileIndices = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly List<string> _files = new List<string>();
        private readonly Dictionary<ISymbol, List<ISymbol>> _slotSources = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
        private readonly HashSet<string> _storedSlots = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _visibleSlots = new HashSet<string>(StringComparer.Ordinal);

        private SummaryExport(CallGraph calls, IAssemblySymbol assembly)
        {
            _calls = calls;
            _assembly = assembly;
        }

        /// <summary>The summary of <paramref name="assembly"/>'s surface, or null when no method of it has anything to say.</summary>
        public static AssemblySummary? Build(CallGraph calls, IAssemblySymbol assembly)
        {
            var export = new SummaryExport(calls, assembly);
            var stores = new Dictionary<int, ImmutableArray<SummaryStore>>();
            for (var index = 0; index < calls.Summaries.Count; index++)
            {
                if (IsSurface(calls.Summaries[index].Method))
                {
                    stores.Add(index, export.Stores(calls.Summaries[index].Method));
                }
            }

            var methods = new List<SummaryMethod>();
            var surface = new HashSet<string>(StringComparer.Ordinal);
            for (var index = 0; index < calls.Summaries.Count; index++)
            {
                var method = calls.Summaries[index].Method;
                if (IsSurface(method) && method.GetDocumentationCommentId() is { } id)
                {
                    surface.Add(id);
                    if (export.Fold(index, id, stores[index]) is { } summary)
                    {
                        methods.Add(summary);
                    }
                }
            }

            export.WithoutStoresNothingReads(methods);
            WithoutCallsOfSilentMethods(methods, surface);
            if (methods.Count == 0)
            {
                return null;
            }

            methods.Sort((a, b) => string.CompareOrdinal(a.DocumentationId, b.DocumentationId));
            return new AssemblySummary(export._classes.ToImmutableArray(), export._files.ToImmutableArray(), methods.ToImmutableArray());
        }

        /// <summary>
        /// Leaves out direct calls of this assembly's surface methods that have no summary (they lock and call
        /// nothing a reader could bind), and the methods left with nothing to say, until none is left out.
        /// </summary>
        private static void WithoutCallsOfSilentMethods(List<SummaryMethod> methods, HashSet<string> surface)
        {
            bool changed;
            do
            {
                changed = false;
                var summarised = new HashSet<string>(StringComparer.Ordinal);
                foreach (var method in methods)
                {
                    summarised.Add(method.DocumentationId);
                }

                for (var i = methods.Count - 1; i >= 0; i--)
                {
                    var method = methods[i];
                    var kept = ImmutableArray.CreateBuilder<SummaryCall>(method.Calls.Length);
                    foreach (var call in method.Calls)
                    {
                        if (call.Kind != SummaryCallKind.Direct || !surface.Contains(call.Target) || summarised.Contains(call.Target))
                        {
                            kept.Add(call);
                        }
                    }

                    if (kept.Count == method.Calls.Length)
                    {
                        continue;
                    }

                    changed = true;
                    var without = new SummaryMethod(method.DocumentationId, method.Acquisitions, kept.ToImmutable(), method.HeldOnEntry, method.LeftHeld, method.Stores);
                    if (without.IsSilent)
                    {
                        methods.RemoveAt(i);
                    }
                    else
                    {
                        methods[i] = without;
                    }
                }
            }
            while (changed);
        }

        /// <summary>
        /// The slots <paramref name="method"/>'s delegate parameters may be kept in when it returns, through
        /// any copies and helpers: every field, property or event a binding of this compilation lets the
        /// parameter's value reach. Within one compilation the graph binds slots the same way.
        /// </summary>
        private ImmutableArray<SummaryStore> Stores(IMethodSymbol method)
        {
            var stores = new List<SummaryStore>();
            foreach (var parameter in method.OriginalDefinition.Parameters)
            {
                if (parameter.Type.TypeKind != TypeKind.Delegate)
                {
                    continue;
                }

                foreach (var slot in _calls.AliasClosure(parameter, downstream: true))
                {
                    if (IsStorage(slot) && slot.GetDocumentationCommentId() is { } key && stores.Count < MaxSitesPerMethod)
                    {
                        stores.Add(new SummaryStore(parameter.Ordinal, key));
                        _storedSlots.Add(key);
                        if (IsVisibleMember(slot))
                        {
                            _visibleSlots.Add(key);
                        }
                    }
                }
            }

            stores.Sort((a, b) => a.Parameter != b.Parameter ? a.Parameter.CompareTo(b.Parameter) : string.CompareOrdinal(a.Slot, b.Slot));
            return stores.ToImmutableArray();
        }

        /// <summary>
        /// Leaves out stores into slots the summary never reads and no other assembly can name: a reader could
        /// bind nothing to them.
        /// </summary>
        private void WithoutStoresNothingReads(List<SummaryMethod> methods)
        {
            var read = new HashSet<string>(StringComparer.Ordinal);
            foreach (var method in methods)
            {
                foreach (var call in method.Calls)
                {
                    if (call.Kind is SummaryCallKind.SlotDelegate or SummaryCallKind.MemberDelegate)
                    {
                        read.Add(call.Target);
                    }
                }
            }

            for (var i = methods.Count - 1; i >= 0; i--)
            {
                var method = methods[i];
                var kept = ImmutableArray.CreateBuilder<SummaryStore>(method.Stores.Length);
                foreach (var store in method.Stores)
                {
                    if (read.Contains(store.Slot) || _visibleSlots.Contains(store.Slot))
                    {
                        kept.Add(store);
                    }
                }

                if (kept.Count == method.Stores.Length)
                {
                    continue;
                }

                var without = new SummaryMethod(method.DocumentationId, method.Acquisitions, method.Calls, method.HeldOnEntry, method.LeftHeld, kept.ToImmutable());
                if (without.IsSilent)
                {
                    methods.RemoveAt(i);
                }
                else
                {
                    methods[i] = without;
                }
            }
        }

        /// <summary>The slots, themselves included, whose delegates an invocation of <paramref name="invoked"/> may run: fields, properties and events only.</summary>
        private List<ISymbol> SlotSources(ISymbol invoked)
        {
            if (!_slotSources.TryGetValue(invoked, out var sources))
            {
                sources = new List<ISymbol>();
                if (IsStorage(invoked))
                {
                    sources.Add(invoked);
                }

                foreach (var source in _calls.AliasClosure(invoked, downstream: false))
                {
                    if (IsStorage(source))
                    {
                        sources.Add(source);
                    }
                }

                _slotSources.Add(invoked, sources);
            }

            return sources;
        }

        /// <summary>Where a delegate can be kept beyond a call: not a parameter or a local.</summary>
        private static bool IsStorage(ISymbol slot) => slot is IFieldSymbol or IPropertySymbol or IEventSymbol;

        /// <summary>A member another assembly can name: a reader binds it by its symbol, as well as by its key.</summary>
        private static bool IsVisibleMember(ISymbol member)
        {
            for (ISymbol? symbol = member; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            {
                if (!IsVisible(symbol))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether another assembly can name the method: it and every type around it are public or protected.</summary>
        public static bool IsSurface(IMethodSymbol method)
        {
            if (method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction or MethodKind.StaticConstructor)
            {
                return false;
            }

            for (ISymbol? symbol = method; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            {
                if (!IsVisible(symbol))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsVisible(ISymbol symbol)
            => symbol.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;

        private SummaryMethod? Fold(int root, string id, ImmutableArray<SummaryStore> stores)
        {
            var fold = new Folding(this, root);
            fold.Visit(root, ImmutableArray<SummaryHeld>.Empty, Identity(_calls.Summaries[root].Method), path => path, 0);
            var summary = _calls.Summaries[root];
            var method = new SummaryMethod(id, fold.Acquisitions.ToImmutableArray(), fold.Calls.ToImmutableArray(), ContractClasses(summary.HeldOnEntry), ContractClasses(summary.LeftHeld), stores);
            return method.IsSilent ? null : method;
        }

        private static int[] Identity(IMethodSymbol method)
        {
            var map = new int[method.Parameters.Length];
            for (var i = 0; i < map.Length; i++)
            {
                map[i] = i;
            }

            return map;
        }

        private ImmutableArray<int> ContractClasses(ImmutableArray<ContractLock> locks)
        {
            if (locks.IsDefaultOrEmpty)
            {
                return ImmutableArray<int>.Empty;
            }

            var classes = ImmutableArray.CreateBuilder<int>(locks.Length);
            foreach (var contractLock in locks)
            {
                classes.Add(ClassIndex(contractLock.Class));
            }

            return classes.MoveToImmutable();
        }

        private int ClassIndex(LockClass lockClass)
        {
            if (_classIndices.TryGetValue(lockClass.Key, out var index))
            {
                return index;
            }

            // The base first, so that a class only ever refines an earlier one.
            var nestingBase = lockClass.NestingBase is { } refined ? ClassIndex(refined) : -1;
            index = _classes.Count;
            _classes.Add(new SummaryClass(lockClass.Key, lockClass.DisplayName, lockClass.Primitive, lockClass.Reentrant, lockClass.DeclaredKind, nestingBase));
            _classIndices.Add(lockClass.Key, index);
            return index;
        }

        private SummarySite Site(Location? location)
        {
            if (location is null || !location.IsInSource)
            {
                return default;
            }

            var span = location.GetLineSpan();
            var path = span.Path ?? string.Empty;

            // The file's name only: the summary names no folder of the machine that built it.
            var name = path.Substring(path.LastIndexOfAny(new[] { '/', '\\' }) + 1);
            if (!_fileIndices.TryGetValue(name, out var file))
            {
                file = _files.Count;
                _files.Add(name);
                _fileIndices.Add(name, file);
            }

            return new SummarySite(file, span.StartLinePosition.Line + 1);
        }

        private SummaryHeld Held(HeldLockSite held, Func<InstancePath, InstancePath> translate)
            => new SummaryHeld(ClassIndex(held.Class), held.Mode, translate(held.Instance).Text, Site(held.Location));

        /// <summary>Whether calls into <paramref name="assembly"/> can mean anything to a referencing compilation: it carries a summary.</summary>
        private bool IsSummarised(IAssemblySymbol assembly)
        {
            if (!_summarised.TryGetValue(assembly, out var summarised))
            {
                summarised = SummaryAttribute.Find(assembly) is not null;
                _summarised.Add(assembly, summarised);
            }

            return summarised;
        }

        private static bool IsOverridable(IMethodSymbol method)
            => (method.IsVirtual || method.IsAbstract || method.IsOverride) && !method.IsSealed && method.ContainingType?.IsSealed != true;

        /// <summary>The folding of one surface method: what it and its internals do, in its own terms.</summary>
        private sealed class Folding
        {
            private readonly SummaryExport _export;
            private readonly int _root;
            private readonly HashSet<string> _seenSites = new HashSet<string>(StringComparer.Ordinal);
            private readonly HashSet<string> _seenVisits = new HashSet<string>(StringComparer.Ordinal);

            public Folding(SummaryExport export, int root)
            {
                _export = export;
                _root = root;
            }

            public List<SummaryAcquisition> Acquisitions { get; } = new List<SummaryAcquisition>();

            public List<SummaryCall> Calls { get; } = new List<SummaryCall>();

            private bool Full => Acquisitions.Count + Calls.Count >= MaxSitesPerMethod;

            /// <param name="prefix">The locks held by the folded callers around this body.</param>
            /// <param name="parameters">For each parameter of this body, the root method's parameter passed to it unchanged, or -1.</param>
            /// <param name="translate">Rewrites an instance path of this body into the root method's terms.</param>
            public void Visit(int method, ImmutableArray<SummaryHeld> prefix, int[] parameters, Func<InstancePath, InstancePath> translate, int depth)
            {
                if (depth > MaxDepth || Full || !_seenVisits.Add(VisitKey(method, prefix, parameters)))
                {
                    return;
                }

                var summary = _export._calls.Summaries[method];
                foreach (var acquisition in summary.Acquisitions)
                {
                    var held = Concat(prefix, acquisition.Held, translate);
                    var site = _export.Site(acquisition.Location);
                    var lockClass = _export.ClassIndex(acquisition.Class);
                    if (!Full && _seenSites.Add(SiteKey("a" + (int)acquisition.Mode, lockClass, held)))
                    {
                        Acquisitions.Add(new SummaryAcquisition(lockClass, acquisition.Mode, translate(acquisition.Instance).Text, site, held));
                    }
                }

                for (var index = 0; index < summary.Calls.Length; index++)
                {
                    var call = summary.Calls[index];
                    var held = Concat(prefix, call.Held, translate);
                    var site = _export.Site(call.Location);
                    var target = call.Target.OriginalDefinition;
                    if (call.DelegateSlot is { } invoked)
                    {
                        if (invoked is IParameterSymbol parameter && parameter.Ordinal < parameters.Length && parameters[parameter.Ordinal] >= 0)
                        {
                            Add(new SummaryCall(SummaryCallKind.ParameterDelegate, string.Empty, parameters[parameter.Ordinal], null, site, held, ImmutableArray<int>.Empty));
                        }

                        AddSlotInvocations(invoked, site, held);
                    }
                    else if (!SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _export._assembly))
                    {
                        if ((call.IsVirtual || _export.IsSummarised(target.ContainingAssembly)) && target.GetDocumentationCommentId() is { } targetId)
                        {
                            Add(new SummaryCall(call.IsVirtual ? SummaryCallKind.Virtual : SummaryCallKind.Direct, targetId, -1, translate(call.Receiver).Text, site, held, ForwardedDelegates(call, target, parameters)));
                        }
                    }
                    else if (IsSurface(target) && target.GetDocumentationCommentId() is { } surfaceId)
                    {
                        var kind = call.IsVirtual && IsOverridable(target) ? SummaryCallKind.Virtual : SummaryCallKind.Direct;
                        Add(new SummaryCall(kind, surfaceId, -1, translate(call.Receiver).Text, site, held, ForwardedDelegates(call, target, parameters)));
                    }

                    foreach (var callee in _export._calls.Targets(method, index))
                    {
                        var calleeMethod = _export._calls.Summaries[callee].Method;
                        if (callee == _root || (IsSurface(calleeMethod) && call.DelegateSlot is null))
                        {
                            // A surface callee is summarised on its own and named by the call above.
                            continue;
                        }

                        var receiver = call.DelegateSlot is null ? translate(call.Receiver) : InstancePath.Unknown;
                        Visit(callee, held, Forwarded(call, calleeMethod, parameters), path => translate(path.ThroughCall(receiver)), depth + 1);
                    }
                }
            }

            /// <summary>
            /// An invocation of what fields, properties or events hold, directly or copied into the invoked local
            /// or parameter: by member for those another assembly can name (it may assign them itself), by slot
            /// key for those a surface method stores its delegate parameters in.
            /// </summary>
            private void AddSlotInvocations(ISymbol invoked, SummarySite site, ImmutableArray<SummaryHeld> held)
            {
                foreach (var slot in _export.SlotSources(invoked))
                {
                    if (slot.GetDocumentationCommentId() is not { } key)
                    {
                        continue;
                    }

                    if (IsVisibleMember(slot))
                    {
                        Add(new SummaryCall(SummaryCallKind.MemberDelegate, key, -1, null, site, held, ImmutableArray<int>.Empty));
                    }
                    else if (_export._storedSlots.Contains(key))
                    {
                        Add(new SummaryCall(SummaryCallKind.SlotDelegate, key, -1, null, site, held, ImmutableArray<int>.Empty));
                    }
                }
            }

            /// <summary>The target's delegate parameters that receive one of the root method's parameters unchanged, as (target's, root's) pairs.</summary>
            private static ImmutableArray<int> ForwardedDelegates(CallSite call, IMethodSymbol target, int[] parameters)
            {
                var pairs = ImmutableArray<int>.Empty;
                for (var i = 0; i < call.ForwardedParameters.Length && i < target.Parameters.Length; i++)
                {
                    var source = call.ForwardedParameters[i];
                    if (source >= 0 && source < parameters.Length && parameters[source] >= 0 && target.Parameters[i].Type.TypeKind == TypeKind.Delegate)
                    {
                        pairs = pairs.Add(i).Add(parameters[source]);
                    }
                }

                return pairs;
            }

            private void Add(SummaryCall call)
            {
                if (!Full && _seenSites.Add(SiteKey("c" + (int)call.Kind + call.Target + "#" + call.Parameter + "/" + string.Join(",", call.Forwarded), -1, call.Held)))
                {
                    Calls.Add(call);
                }
            }

            private ImmutableArray<SummaryHeld> Concat(ImmutableArray<SummaryHeld> prefix, ImmutableArray<HeldLockSite> own, Func<InstancePath, InstancePath> translate)
            {
                if (own.IsDefaultOrEmpty)
                {
                    return prefix;
                }

                var held = ImmutableArray.CreateBuilder<SummaryHeld>(prefix.Length + own.Length);
                held.AddRange(prefix);
                foreach (var hold in own)
                {
                    held.Add(_export.Held(hold, translate));
                }

                return held.MoveToImmutable();
            }

            /// <summary>The root's parameters the callee receives unchanged; a delegate's target receives none of them.</summary>
            private static int[] Forwarded(CallSite call, IMethodSymbol callee, int[] parameters)
            {
                var map = new int[callee.Parameters.Length];
                for (var i = 0; i < map.Length; i++)
                {
                    var source = call.DelegateSlot is null && i < call.ForwardedParameters.Length ? call.ForwardedParameters[i] : -1;
                    map[i] = source >= 0 && source < parameters.Length ? parameters[source] : -1;
                }

                return map;
            }

            private static string VisitKey(int method, ImmutableArray<SummaryHeld> prefix, int[] parameters)
            {
                var key = new StringBuilder().Append(method);
                foreach (var held in prefix)
                {
                    key.Append(',').Append(held.Class);
                }

                key.Append('|');
                foreach (var parameter in parameters)
                {
                    key.Append(parameter).Append(',');
                }

                return key.ToString();
            }

            /// <summary>
            /// What a site means to a reader: the class or call and the classes held. A second site meaning the
            /// same adds no dependency, only another witness; the first one found (the shallowest) is kept.
            /// </summary>
            private static string SiteKey(string what, int lockClass, ImmutableArray<SummaryHeld> held)
            {
                var key = new StringBuilder(what).Append(':').Append(lockClass);
                foreach (var hold in held)
                {
                    key.Append(',').Append(hold.Class).Append('/').Append((int)hold.Mode);
                }

                return key.ToString();
            }
        }
    }
}
