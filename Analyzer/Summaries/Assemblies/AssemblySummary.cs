using System.Collections.Immutable;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Summaries.Assemblies
{
    /// <summary>
    /// What an assembly tells the compilations that reference it about its locking: for each method
    /// of its surface, the lock classes it takes (directly or through its internals), with what is held,
    /// and the calls it makes that another assembly can bind (other assemblies' methods, virtual and
    /// interface members, delegate parameters and members) with what is held across them. Plain data:
    /// classes by the lock model's keys, methods and members by documentation ids, sites by file and line.
    /// </summary>
    internal sealed class AssemblySummary
    {
        public AssemblySummary(ImmutableArray<SummaryClass> classes, ImmutableArray<string> files, ImmutableArray<SummaryMethod> methods)
        {
            Classes = classes;
            Files = files;
            Methods = methods;
        }

        public ImmutableArray<SummaryClass> Classes { get; }

        /// <summary>File names (no folders) the sites point into.</summary>
        public ImmutableArray<string> Files { get; }

        public ImmutableArray<SummaryMethod> Methods { get; }

        public int SiteCount
        {
            get
            {
                var count = 0;
                foreach (var method in Methods)
                {
                    count += method.Acquisitions.Length + method.Calls.Length;
                }

                return count;
            }
        }
    }

    /// <summary>A lock class as the lock model keys it; <see cref="NestingBase"/> is an earlier class's index, or -1.</summary>
    internal sealed class SummaryClass
    {
        public SummaryClass(string key, string displayName, LockPrimitive primitive, bool reentrant, LockKind declaredKind, int nestingBase)
        {
            Key = key;
            DisplayName = displayName;
            Primitive = primitive;
            Reentrant = reentrant;
            DeclaredKind = declaredKind;
            NestingBase = nestingBase;
        }

        public string Key { get; }

        public string DisplayName { get; }

        public LockPrimitive Primitive { get; }

        public bool Reentrant { get; }

        public LockKind DeclaredKind { get; }

        public int NestingBase { get; }
    }

    /// <summary>A place in the library's source: an index into <see cref="AssemblySummary.Files"/> and a one-based line; line 0 is no place.</summary>
    internal readonly struct SummarySite
    {
        public SummarySite(int file, int line)
        {
            File = file;
            Line = line;
        }

        public int File { get; }

        public int Line { get; }

        public bool IsKnown => Line > 0;
    }

    /// <summary>A lock held at a site: its class index, mode, instance path (null: unknown) and where it was taken.</summary>
    internal sealed class SummaryHeld
    {
        public SummaryHeld(int lockClass, LockMode mode, string? instance, SummarySite site)
        {
            Class = lockClass;
            Mode = mode;
            Instance = instance;
            Site = site;
        }

        public int Class { get; }

        public LockMode Mode { get; }

        public string? Instance { get; }

        public SummarySite Site { get; }
    }

    internal sealed class SummaryAcquisition
    {
        public SummaryAcquisition(int lockClass, LockMode mode, string? instance, SummarySite site, ImmutableArray<SummaryHeld> held)
        {
            Class = lockClass;
            Mode = mode;
            Instance = instance;
            Site = site;
            Held = held;
        }

        public int Class { get; }

        public LockMode Mode { get; }

        public string? Instance { get; }

        public SummarySite Site { get; }

        public ImmutableArray<SummaryHeld> Held { get; }
    }

    internal enum SummaryCallKind
    {
        /// <summary>A call of exactly <see cref="SummaryCall.Target"/>, a method.</summary>
        Direct,

        /// <summary>A virtual or interface call: any override or implementation may run.</summary>
        Virtual,

        /// <summary>An invocation of the delegate passed as parameter <see cref="SummaryCall.Parameter"/> of the summarised method.</summary>
        ParameterDelegate,

        /// <summary>An invocation of what a field, property or event (<see cref="SummaryCall.Target"/>) holds.</summary>
        MemberDelegate,

        /// <summary>
        /// An invocation of a delegate kept in a slot other assemblies cannot name (a private field, an element
        /// of a collection field), <see cref="SummaryCall.Target"/> being the slot's key: what reaches it is
        /// what the surface methods recorded as storing into that key (<see cref="SummaryStore"/>) were passed.
        /// </summary>
        SlotDelegate,
    }

    /// <summary>
    /// A surface method keeps the delegate passed as its parameter <see cref="Parameter"/> for later, in the
    /// slot <see cref="Slot"/>: the documentation id of the field, property or event holding it or the
    /// collection it is added to (an element shares its collection's slot, as within one compilation).
    /// </summary>
    internal sealed class SummaryStore
    {
        public SummaryStore(int parameter, string slot)
        {
            Parameter = parameter;
            Slot = slot;
        }

        public int Parameter { get; }

        public string Slot { get; }
    }

    internal sealed class SummaryCall
    {
        public SummaryCall(SummaryCallKind kind, string target, int parameter, string? receiver, SummarySite site, ImmutableArray<SummaryHeld> held, ImmutableArray<int> forwarded)
        {
            Forwarded = forwarded;
            Kind = kind;
            Target = target;
            Parameter = parameter;
            Receiver = receiver;
            Site = site;
            Held = held;
        }

        public SummaryCallKind Kind { get; }

        /// <summary>A method's documentation id, a member's for <see cref="SummaryCallKind.MemberDelegate"/>, a slot's key for <see cref="SummaryCallKind.SlotDelegate"/>; empty for a parameter.</summary>
        public string Target { get; }

        public int Parameter { get; }

        public string? Receiver { get; }

        public SummarySite Site { get; }

        public ImmutableArray<SummaryHeld> Held { get; }

        /// <summary>
        /// For a call of a method, each of its delegate parameters that receives one of the summarised
        /// method's parameters unchanged: pairs (target parameter, summarised method's parameter), flattened.
        /// What is passed to the summarised method reaches the target's invocations of it.
        /// </summary>
        public ImmutableArray<int> Forwarded { get; }
    }

    /// <summary>One method of the surface; <see cref="HeldOnEntry"/> and <see cref="LeftHeld"/> are its contract's classes.</summary>
    internal sealed class SummaryMethod
    {
        public SummaryMethod(string documentationId, ImmutableArray<SummaryAcquisition> acquisitions, ImmutableArray<SummaryCall> calls, ImmutableArray<int> heldOnEntry, ImmutableArray<int> leftHeld, ImmutableArray<SummaryStore> stores)
        {
            DocumentationId = documentationId;
            Acquisitions = acquisitions;
            Calls = calls;
            HeldOnEntry = heldOnEntry;
            LeftHeld = leftHeld;
            Stores = stores;
        }

        /// <summary>Whether a reader learns nothing from the method: it is left out of the summary.</summary>
        public bool IsSilent => Acquisitions.IsEmpty && Calls.IsEmpty && HeldOnEntry.IsEmpty && LeftHeld.IsEmpty && Stores.IsEmpty;

        public string DocumentationId { get; }

        public ImmutableArray<SummaryAcquisition> Acquisitions { get; }

        public ImmutableArray<SummaryCall> Calls { get; }

        public ImmutableArray<int> HeldOnEntry { get; }

        public ImmutableArray<int> LeftHeld { get; }

        /// <summary>The delegate parameters it keeps for later and where, sorted by parameter, then slot.</summary>
        public ImmutableArray<SummaryStore> Stores { get; }
    }
}
