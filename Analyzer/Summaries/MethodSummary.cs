using System.Collections.Immutable;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Summaries
{
    /// <summary>A lock held at some point, as summaries record it.</summary>
    internal readonly struct HeldLockSite
    {
        public HeldLockSite(LockClass lockClass, LockMode mode, InstancePath instance, Location? location)
        {
            Class = lockClass;
            Mode = mode;
            Instance = instance;
            Location = location;
        }

        public LockClass Class { get; }

        public LockMode Mode { get; }

        public InstancePath Instance { get; }

        /// <summary>Where it was acquired; null when the method's contract says it is held on entry.</summary>
        public Location? Location { get; }
    }

    /// <summary>A blocking acquisition and the locks held when it was made.</summary>
    internal sealed class AcquisitionSite
    {
        public AcquisitionSite(LockClass lockClass, LockMode mode, InstancePath instance, Location location, ImmutableArray<HeldLockSite> held, bool hardIrqsOff, bool softIrqsOff, bool afterYield, ImmutableArray<FlagValue> entryConditions)
        {
            EntryConditions = entryConditions;
            AfterYield = afterYield;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
            Class = lockClass;
            Mode = mode;
            Instance = instance;
            Location = location;
            Held = held;
        }

        public LockClass Class { get; }

        public LockMode Mode { get; }

        public InstancePath Instance { get; }

        public Location Location { get; }

        public ImmutableArray<HeldLockSite> Held { get; }

        /// <summary>Interrupts this body itself has switched off at the acquisition; callers may have switched off more.</summary>
        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }

        /// <summary>In an async body, after it has certainly yielded: not on the thread of the caller that started it.</summary>
        public bool AfterYield { get; }

        /// <summary>The values the object's flags must have had when the body was entered for this acquisition to run (<see cref="FlagTests"/>).</summary>
        public ImmutableArray<FlagValue> EntryConditions { get; }
    }

    /// <summary>
    /// A write of a flag (a private <c>bool</c> instance field): whether it is made on the body's own object,
    /// and the locks held on that object there (their instance paths, <c>this._gate</c>).
    /// </summary>
    internal sealed class FlagWrite
    {
        public FlagWrite(IFieldSymbol field, bool onThis, ImmutableArray<string> heldOnThis)
        {
            Field = field;
            OnThis = onThis;
            HeldOnThis = heldOnThis;
        }

        public IFieldSymbol Field { get; }

        /// <summary>
        /// Assigned through <c>this</c>. A flag of another object, or one passed or bound by reference, is written
        /// where the body's locks say nothing about it.
        /// </summary>
        public bool OnThis { get; }

        public ImmutableArray<string> HeldOnThis { get; }
    }

    /// <summary>Something in the body that can sleep: a sleeping lock, <c>Thread.Sleep</c>, a <c>[MightSleep]</c> call.</summary>
    internal sealed class SleepSite
    {
        public SleepSite(Location location, string what)
        {
            Location = location;
            What = what;
        }

        public Location Location { get; }

        public string What { get; }
    }

    /// <summary>A blocking wait for work running elsewhere, and the locks held while waiting.</summary>
    internal sealed class WaitSite
    {
        public WaitSite(Location location, string how, ISymbol? workSlot, IMethodSymbol? work, ImmutableArray<HeldLockSite> held)
        {
            Location = location;
            How = how;
            WorkSlot = workSlot;
            Work = work;
            Held = held;
        }

        public Location Location { get; }

        public string How { get; }

        public ISymbol? WorkSlot { get; }

        public IMethodSymbol? Work { get; }

        public ImmutableArray<HeldLockSite> Held { get; }
    }

    /// <summary>A referenced assembly's method keeps the delegate passed as <see cref="Parameter"/> in the slot keyed <see cref="Slot"/>.</summary>
    internal sealed class SlotStore
    {
        public SlotStore(IParameterSymbol parameter, string slot)
        {
            Parameter = parameter;
            Slot = slot;
        }

        public IParameterSymbol Parameter { get; }

        public string Slot { get; }
    }

    /// <summary>
    /// Whether a call's receiver is an object no other thread can have seen: a constructor's new object,
    /// or a fresh local that has not escaped. Ordered: a lesser value promises less.
    /// </summary>
    internal enum Freshness
    {
        /// <summary>Any object.</summary>
        None,

        /// <summary>The receiver itself is unpublished: its own locks cannot be contended.</summary>
        Fresh,

        /// <summary>Unpublished, and made from constants and fresh objects only: what it refers to is its own too.</summary>
        Owned,
    }

    /// <summary>A call and the locks held across it.</summary>
    internal sealed class CallSite
    {
        public CallSite(Location location, IMethodSymbol target, ISymbol? delegateSlot, bool isVirtual, InstancePath receiver, ImmutableArray<HeldLockSite> held, bool hardIrqsOff, bool softIrqsOff, bool atomic, bool calleeMightSleep, Freshness receiverFreshness, bool afterYield, ulong nullArguments, int receiverParameter, ImmutableArray<int> forwardedParameters, ImmutableArray<IMethodSymbol> receiverImplementations, ImmutableArray<FlagValue> knownFlags, ImmutableArray<string> certainlyHeldOnThis, ImmutableArray<FlagValue> entryConditions, string? importedSlot = null)
        {
            ImportedSlot = importedSlot;
            KnownFlags = knownFlags;
            CertainlyHeldOnThis = certainlyHeldOnThis;
            EntryConditions = entryConditions;
            ReceiverImplementations = receiverImplementations;
            ForwardedParameters = forwardedParameters;
            ReceiverParameter = receiverParameter;
            NullArguments = nullArguments;
            AfterYield = afterYield;
            ReceiverFreshness = receiverFreshness;
            CalleeMightSleep = calleeMightSleep;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
            Atomic = atomic;
            Location = location;
            Target = target;
            DelegateSlot = delegateSlot;
            IsVirtual = isVirtual;
            Receiver = receiver;
            Held = held;
        }

        public Location Location { get; }

        public IMethodSymbol Target { get; }

        public ISymbol? DelegateSlot { get; }

        /// <summary>
        /// For an invocation a referenced assembly's summary records, the key of the slot it reads the delegate
        /// from: it runs whatever is passed to the parameters the summaries record as stored in that slot
        /// (<see cref="MethodSummary.SlotStores"/>). <see cref="DelegateSlot"/> is then one of those parameters.
        /// </summary>
        public string? ImportedSlot { get; }

        public bool IsVirtual { get; }

        public InstancePath Receiver { get; }

        public ImmutableArray<HeldLockSite> Held { get; }

        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }

        /// <summary>A spinning lock is held or interrupts are off across the call.</summary>
        public bool Atomic { get; }

        /// <summary>The callee is declared <c>[MightSleep]</c>.</summary>
        public bool CalleeMightSleep { get; }

        public Freshness ReceiverFreshness { get; }

        /// <summary>In an async body, after it has certainly yielded: not on the thread of the caller that started it.</summary>
        public bool AfterYield { get; }

        /// <summary>Bit n set: the call passes the constant <c>null</c> for the target's parameter n (the first 64).</summary>
        public ulong NullArguments { get; }

        /// <summary>
        /// The ordinal of the parameter, never written in the body, that the call is made on (its receiver,
        /// or the delegate it invokes); -1 for any other receiver. Null on entry means the call cannot run.
        /// </summary>
        public int ReceiverParameter { get; }

        /// <summary>
        /// For each of the target's parameters, the ordinal of the caller's own parameter (never written in
        /// its body) passed to it unchanged, or -1; empty when the call forwards none.
        /// </summary>
        public ImmutableArray<int> ForwardedParameters { get; }

        /// <summary>
        /// For a virtual or interface call on an element of a collection whose elements are all allocated as
        /// known types, the methods those types run (<see cref="Resolve.ElementAllocations"/>); default when
        /// any implementation in the compilation may run.
        /// </summary>
        public ImmutableArray<IMethodSymbol> ReceiverImplementations { get; }

        /// <summary>The flag values of the caller's object its own tests establish just before the call, on this thread.</summary>
        public ImmutableArray<FlagValue> KnownFlags { get; }

        /// <summary>When <see cref="KnownFlags"/> says anything: the locks on the caller's object held on every path to the call (their paths).</summary>
        public ImmutableArray<string> CertainlyHeldOnThis { get; }

        /// <summary>The values the object's flags must have had when the body was entered for this call to run.</summary>
        public ImmutableArray<FlagValue> EntryConditions { get; }
    }

    /// <summary>
    /// What one body does with locks, independent of every other body: the acquisitions with their
    /// held sets, the calls with theirs, and the delegates it stores. Immutable; the whole-program
    /// graph is built from these alone.
    /// </summary>
    internal sealed class MethodSummary
    {
        public MethodSummary(
            IMethodSymbol method,
            IrqContextKind context,
            ImmutableArray<AcquisitionSite> acquisitions,
            ImmutableArray<AcquisitionSite> tryAcquisitions,
            ImmutableArray<CallSite> calls,
            ImmutableArray<SleepSite> sleeps,
            ImmutableArray<WaitSite> waits,
            ImmutableArray<DelegateBinding> bindings,
            ImmutableArray<ContractLock> heldOnEntry,
            ImmutableArray<ContractLock> leftHeld,
            ImmutableArray<FlagWrite> flagWrites,
            ImmutableArray<AcquisitionSite> irqsEnabledWhileHeld,
            ImmutableArray<SlotStore> slotStores = default)
        {
            SlotStores = slotStores.IsDefault ? ImmutableArray<SlotStore>.Empty : slotStores;
            FlagWrites = flagWrites;
            IrqsEnabledWhileHeld = irqsEnabledWhileHeld;
            HeldOnEntry = heldOnEntry;
            LeftHeld = leftHeld;
            Method = method;
            Context = context;
            TryAcquisitions = tryAcquisitions;
            Sleeps = sleeps;
            Waits = waits;
            Acquisitions = acquisitions;
            Calls = calls;
            Bindings = bindings;
        }

        public IMethodSymbol Method { get; }

        /// <summary>The interrupt context the method is declared to run in (<c>[HardIrqContext]</c>), if any.</summary>
        public IrqContextKind Context { get; }

        public ImmutableArray<AcquisitionSite> Acquisitions { get; }

        /// <summary>Try-acquisitions: no dependencies, but IRQ usage (lockdep marks usage for trylocks too).</summary>
        public ImmutableArray<AcquisitionSite> TryAcquisitions { get; }

        /// <summary>
        /// Each lock held where the body switches interrupts back on, as a site at the switch with the
        /// interrupt state after it: the lock is used with interrupts enabled there as if taken there.
        /// </summary>
        public ImmutableArray<AcquisitionSite> IrqsEnabledWhileHeld { get; }

        public ImmutableArray<SleepSite> Sleeps { get; }

        public ImmutableArray<WaitSite> Waits { get; }

        public ImmutableArray<CallSite> Calls { get; }

        public ImmutableArray<DelegateBinding> Bindings { get; }

        /// <summary>
        /// The locks the method's contract, declared or inferred, has its caller hold on entry (required, or
        /// released by the method). The body's own sites record where they are really held, so a caller's
        /// hold of them says nothing about what the method does after giving them up.
        /// </summary>
        public ImmutableArray<ContractLock> HeldOnEntry { get; }

        /// <summary>
        /// The locks the method's contract, declared or inferred, leaves held for its caller. Each call of it
        /// is an acquisition in the caller's own flow, where taking one again is already LD0003.
        /// </summary>
        public ImmutableArray<ContractLock> LeftHeld { get; }

        /// <summary>The flags the body writes, with the locks held on the object there.</summary>
        public ImmutableArray<FlagWrite> FlagWrites { get; }

        /// <summary>For a method a referenced assembly summarises: the delegate parameters it keeps in slots of that assembly, by slot key.</summary>
        public ImmutableArray<SlotStore> SlotStores { get; }

        /// <summary>The same summary without the acquisitions a caller's flags make unreachable (<see cref="Graph.FlagGuards"/>).</summary>
        public MethodSummary WithAcquisitions(ImmutableArray<AcquisitionSite> acquisitions)
            => new MethodSummary(Method, Context, acquisitions, TryAcquisitions, Calls, Sleeps, Waits, Bindings, HeldOnEntry, LeftHeld, FlagWrites, IrqsEnabledWhileHeld, SlotStores);

        /// <summary>Orders summaries by source position so that whole-program reports do not depend on analysis order.</summary>
        public Location? Location => Method.Locations.IsDefaultOrEmpty ? null : Method.Locations[0];
    }
}
