using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>A blocking acquisition, with what was held when it was made.</summary>
    internal sealed class AcquisitionEvent
    {
        public AcquisitionEvent(LockOperation operation, ImmutableArray<HeldLock> heldBefore)
        {
            Operation = operation;
            HeldBefore = heldBefore;
        }

        public LockOperation Operation { get; }

        public ImmutableArray<HeldLock> HeldBefore { get; }
    }

    internal sealed class ReleaseEvent
    {
        public ReleaseEvent(LockOperation operation, ReleaseBalance balance, IOperation? exceptionCause)
        {
            Operation = operation;
            Balance = balance;
            ExceptionCause = exceptionCause;
        }

        public LockOperation Operation { get; }

        public ReleaseBalance Balance { get; }

        /// <summary>When the release runs in a finally entered by an exception: the operation that threw.</summary>
        public IOperation? ExceptionCause { get; }
    }

    /// <summary>A call made with some locks held: a method, or a delegate whose targets the graph resolves.</summary>
    internal sealed class CallEvent
    {
        public CallEvent(IOperation site, IMethodSymbol method, ISymbol? delegateSlot, bool isVirtual, InstancePath receiver, ImmutableArray<HeldLock> held)
        {
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
        public ExitEvent(ImmutableArray<HeldLock> held, IOperation? exceptionCause)
        {
            Held = held;
            ExceptionCause = exceptionCause;
        }

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

        /// <summary>False when the body was too irregular to analyse to a fixed point; rules then stay silent.</summary>
        public bool Completed { get; set; } = true;

        public List<AcquisitionEvent> Acquisitions { get; } = new List<AcquisitionEvent>();

        public List<ReleaseEvent> Releases { get; } = new List<ReleaseEvent>();

        public List<CallEvent> Calls { get; } = new List<CallEvent>();

        public List<AwaitEvent> Awaits { get; } = new List<AwaitEvent>();

        public List<ExitEvent> Exits { get; } = new List<ExitEvent>();
    }
}
