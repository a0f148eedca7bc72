using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>A blocking acquisition, with what was held and which interrupts were off when it was made.</summary>
    internal sealed class AcquisitionEvent
    {
        public AcquisitionEvent(LockOperation operation, ImmutableArray<HeldLock> heldBefore, bool hardIrqsOff, bool softIrqsOff)
        {
            Operation = operation;
            HeldBefore = heldBefore;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
        }

        public LockOperation Operation { get; }

        public ImmutableArray<HeldLock> HeldBefore { get; }

        /// <summary>Whether hard IRQs are off at the acquisition (including those <c>LockIrqSave</c> itself switches off).</summary>
        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }
    }

    /// <summary>Interrupts switched back on while locks are held; the state is the one after the switch.</summary>
    internal sealed class IrqsEnabledEvent
    {
        public IrqsEnabledEvent(IOperation site, ImmutableArray<HeldLock> held, bool hardIrqsOff, bool softIrqsOff)
        {
            Site = site;
            Held = held;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
        }

        public IOperation Site { get; }

        public ImmutableArray<HeldLock> Held { get; }

        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }
    }

    /// <summary>An operation that can put the thread to sleep, other than a lock acquisition.</summary>
    internal sealed class SleepEvent
    {
        public SleepEvent(IOperation site, string what, ImmutableArray<HeldLock> held, bool hardIrqsOff, bool softIrqsOff, bool atomic)
        {
            Site = site;
            What = what;
            Held = held;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
            Atomic = atomic;
        }

        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }

        public IOperation Site { get; }

        /// <summary>What sleeps, for the message (<c>Thread.Sleep</c>, a <c>[MightSleep]</c> method).</summary>
        public string What { get; }

        public ImmutableArray<HeldLock> Held { get; }

        /// <summary>A spinning lock is held or interrupts are off where the sleep happens.</summary>
        public bool Atomic { get; }
    }

    /// <summary>A read or write of a <c>[GuardedBy]</c> member.</summary>
    internal sealed class AccessEvent
    {
        public AccessEvent(IOperation site, ISymbol member, LockNameResolution guard, InstancePath guardInstance, bool isWrite, ImmutableArray<HeldLock> held)
        {
            Site = site;
            Member = member;
            Guard = guard;
            GuardInstance = guardInstance;
            IsWrite = isWrite;
            Held = held;
        }

        public IOperation Site { get; }

        public ISymbol Member { get; }

        public LockNameResolution Guard { get; }

        /// <summary>
        /// The guard of the object accessed, in this body's terms (<c>param:other._mu</c> for <c>other.Value</c>);
        /// unknown when the object has no path, or when the guard is a <c>[LockClass]</c> name (any lock of the class).
        /// </summary>
        public InstancePath GuardInstance { get; }

        public bool IsWrite { get; }

        public ImmutableArray<HeldLock> Held { get; }
    }

    /// <summary>A <c>return</c> with a value, and what is held when it leaves the body.</summary>
    internal sealed class ReturnEvent
    {
        public ReturnEvent(IOperation value, ImmutableArray<HeldLock> held)
        {
            Value = value;
            Held = held;
        }

        public IOperation Value { get; }

        public ImmutableArray<HeldLock> Held { get; }
    }

    /// <summary>A blocking wait for other work (Task.Wait, .Result, GetResult, Thread.Join).</summary>
    internal sealed class WaitEvent
    {
        public WaitEvent(IOperation site, string how, ISymbol? workSlot, IMethodSymbol? work, ImmutableArray<HeldLock> held)
        {
            Site = site;
            How = how;
            WorkSlot = workSlot;
            Work = work;
            Held = held;
        }

        public IOperation Site { get; }

        public string How { get; }

        /// <summary>The local or field holding the task or thread waited for.</summary>
        public ISymbol? WorkSlot { get; }

        /// <summary>The work's body when the wait is on the starting call itself (<c>Task.Run(M).Wait()</c>).</summary>
        public IMethodSymbol? Work { get; }

        public ImmutableArray<HeldLock> Held { get; }
    }

    internal sealed class ReleaseEvent
    {
        public ReleaseEvent(LockOperation operation, ReleaseBalance balance, IOperation? exceptionCause, bool releasesEntryHold)
        {
            Operation = operation;
            Balance = balance;
            ExceptionCause = exceptionCause;
            ReleasesEntryHold = releasesEntryHold;
        }

        /// <summary>The release gives up a lock the body's contract says was held on entry (<c>[RequiresLock]</c>, <c>[ReleasesLock]</c>).</summary>
        public bool ReleasesEntryHold { get; }

        public LockOperation Operation { get; }

        public ReleaseBalance Balance { get; }

        /// <summary>When the release runs in a finally entered by an exception: the operation that threw.</summary>
        public IOperation? ExceptionCause { get; }
    }

    /// <summary>A call made with some locks held: a method, or a delegate whose targets the graph resolves.</summary>
    internal sealed class CallEvent
    {
        public CallEvent(IOperation site, IMethodSymbol method, ISymbol? delegateSlot, bool isVirtual, InstancePath receiver, ImmutableArray<HeldLock> held, bool hardIrqsOff, bool softIrqsOff, bool atomic, MethodContract contract, ImmutableArray<InstancePath> requiredInstances, ImmutableArray<InstancePath> excludedInstances)
        {
            Contract = contract;
            RequiredInstances = requiredInstances;
            ExcludedInstances = excludedInstances;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
            Atomic = atomic;
            Site = site;
            Method = method;
            DelegateSlot = delegateSlot;
            IsVirtual = isVirtual;
            Receiver = receiver;
            Held = held;
        }

        public IOperation Site { get; }

        /// <summary>The method named at the call; a delegate's <c>Invoke</c> for delegate calls.</summary>
        public IMethodSymbol Method { get; }

        /// <summary>The field, property, event, parameter or local the invoked delegate was read from.</summary>
        public ISymbol? DelegateSlot { get; }

        /// <summary>Whether overrides and interface implementations are possible targets.</summary>
        public bool IsVirtual { get; }

        public InstancePath Receiver { get; }

        public ImmutableArray<HeldLock> Held { get; }

        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }

        /// <summary>A spinning lock is held or interrupts are off: the callee must not sleep.</summary>
        public bool Atomic { get; }

        /// <summary>What the callee's attributes (or, for a delegate that can only be one lambda or local function, that function's) require of the caller (LD0009).</summary>
        public MethodContract Contract { get; }

        /// <summary>The locks of <see cref="MethodContract.Requires"/>, one by one, in the caller's terms (the receiver's, the argument's).</summary>
        public ImmutableArray<InstancePath> RequiredInstances { get; }

        /// <summary>The locks of <see cref="MethodContract.Excludes"/> in the caller's terms.</summary>
        public ImmutableArray<InstancePath> ExcludedInstances { get; }
    }

    internal sealed class AwaitEvent
    {
        public AwaitEvent(IAwaitOperation operation, ImmutableArray<HeldLock> held)
        {
            Operation = operation;
            Held = held;
        }

        public IAwaitOperation Operation { get; }

        public ImmutableArray<HeldLock> Held { get; }
    }

    /// <summary>The locks still held when control leaves the body, normally or by an exception.</summary>
    internal sealed class ExitEvent
    {
        public ExitEvent(ImmutableArray<HeldLock> held, IOperation? exceptionCause, bool explicitThrow = false)
        {
            Held = held;
            ExceptionCause = exceptionCause;
            ExplicitThrow = explicitThrow;
        }

        /// <summary>The exception comes from a <c>throw</c> in this body, not from a call that might throw.</summary>
        public bool ExplicitThrow { get; }

        public ImmutableArray<HeldLock> Held { get; }

        /// <summary>Null for a normal exit; else the operation whose exception leaves the body.</summary>
        public IOperation? ExceptionCause { get; }
    }

    /// <summary>Everything the lockset analysis of one body observed; the input of summaries and per-body rules.</summary>
    internal sealed class BodyFlow
    {
        public BodyFlow(IMethodSymbol owner, MethodContract contract)
        {
            Owner = owner;
            Contract = contract;
        }

        /// <summary>The method, accessor, local function or lambda whose body this is.</summary>
        public IMethodSymbol Owner { get; }

        public MethodContract Contract { get; }

        /// <summary>The contract is the method's attributes, not one inferred for a lock wrapper: only a declared one is checked against the body.</summary>
        public bool ContractIsDeclared { get; set; }

        /// <summary>Some acquisition waits for a lock the body already holds (LD0003): such a body is no lock wrapper.</summary>
        public bool WaitsForItself { get; set; }

        /// <summary>False when the body was too irregular to analyse to a fixed point; rules then stay silent.</summary>
        public bool Completed { get; set; } = true;

        public List<AcquisitionEvent> Acquisitions { get; } = new List<AcquisitionEvent>();

        /// <summary>Try-acquisitions: they never block, so they add no dependency, but they do give a class its IRQ usage.</summary>
        public List<AcquisitionEvent> TryAcquisitions { get; } = new List<AcquisitionEvent>();

        public List<ReleaseEvent> Releases { get; } = new List<ReleaseEvent>();

        public List<IrqsEnabledEvent> IrqsEnabled { get; } = new List<IrqsEnabledEvent>();

        /// <summary>
        /// Where an acquisition was handed over to: a lock of the same class taken before it was released while it
        /// stayed held (<c>Monitor.Enter(next); Monitor.Exit(last);</c>). By source position.
        /// </summary>
        public HashSet<int> HandedOver { get; } = new HashSet<int>();

        public List<CallEvent> Calls { get; } = new List<CallEvent>();

        public List<AwaitEvent> Awaits { get; } = new List<AwaitEvent>();

        public List<ExitEvent> Exits { get; } = new List<ExitEvent>();

        public List<SleepEvent> Sleeps { get; } = new List<SleepEvent>();

        public List<AccessEvent> Accesses { get; } = new List<AccessEvent>();

        public List<ReturnEvent> Returns { get; } = new List<ReturnEvent>();

        public List<WaitEvent> Waits { get; } = new List<WaitEvent>();

        /// <summary>Writes of flags (private <c>bool</c> instance fields) and the locks held at each.</summary>
        public List<FlagWriteEvent> FlagWrites { get; } = new List<FlagWriteEvent>();
    }

    /// <summary>A flag written (assigned, or passed by reference) with the locks held there.</summary>
    internal sealed class FlagWriteEvent
    {
        public FlagWriteEvent(IFieldReferenceOperation site, ImmutableArray<HeldLock> held)
        {
            Site = site;
            Held = held;
        }

        public IFieldReferenceOperation Site { get; }

        public ImmutableArray<HeldLock> Held { get; }
    }
}
