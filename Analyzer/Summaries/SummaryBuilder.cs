using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Summaries
{
    /// <summary>
    /// Distils a body's flow events into its summary. The recording pass can see the same operation
    /// more than once (a finally region entered from several paths), so sites are de-duplicated.
    /// </summary>
    internal static class SummaryBuilder
    {
        public static MethodSummary Build(BodyFlow flow, ImmutableArray<DelegateBinding> bindings, FreshReceivers freshReceivers, HashSet<IOperation> afterYield, ulong writtenParameters, ElementAllocations elements, FlagTests flags, ImmutableArray<IFieldSymbol> flagsWrittenUnanalysed)
        {
            var acquisitions = ImmutableArray.CreateBuilder<AcquisitionSite>(flow.Acquisitions.Count);
            var seenAcquisitions = new HashSet<string>();
            var sleeps = ImmutableArray.CreateBuilder<SleepSite>();
            var seenSleeps = new HashSet<int>();
            foreach (var sleep in flow.Sleeps)
            {
                if (seenSleeps.Add(sleep.Site.Syntax.SpanStart))
                {
                    sleeps.Add(new SleepSite(sleep.Site.Syntax.GetLocation(), sleep.What));
                }
            }
            foreach (var acquisition in flow.Acquisitions)
            {
                var operation = acquisition.Operation;
                var held = Convert(acquisition.HeldBefore);
                if (seenAcquisitions.Add(Signature(operation.Site.Syntax.SpanStart, operation.Class, held)))
                {
                    acquisitions.Add(new AcquisitionSite(operation.Class, operation.Mode, operation.Instance, operation.Site.Syntax.GetLocation(), held, acquisition.HardIrqsOff, acquisition.SoftIrqsOff, afterYield.Contains(operation.Site), flags.EntryConditionsAt(operation.Site)));
                }

                if (operation.Class.Sleeps && seenSleeps.Add(operation.Site.Syntax.SpanStart))
                {
                    sleeps.Add(new SleepSite(operation.Site.Syntax.GetLocation(), $"acquiring '{operation.Class}'"));
                }
            }

            var calls = ImmutableArray.CreateBuilder<CallSite>(flow.Calls.Count);
            var seenCalls = new HashSet<string>();
            foreach (var call in flow.Calls)
            {
                var held = Convert(call.Held);
                if (seenCalls.Add(Signature(call.Site.Syntax.SpanStart, null, held) + call.Method.Name))
                {
                    var known = flags.KnownAt(call.Site);
                    calls.Add(new CallSite(call.Site.Syntax.GetLocation(), call.Method, call.DelegateSlot, call.IsVirtual, call.Receiver, held, call.HardIrqsOff, call.SoftIrqsOff, call.Atomic, call.Contract.MightSleep, freshReceivers.Of(call.Site), afterYield.Contains(call.Site), NullArguments(call.Site), ReceiverParameter(flow.Owner, call.DelegateSlot, call.Receiver, writtenParameters), ForwardedParameters(call.Site, writtenParameters), call.DelegateSlot is null && call.IsVirtual ? elements.Implementations(call.Site) : default, known, known.IsEmpty ? ImmutableArray<string>.Empty : CertainlyHeldOnThis(call.Held), flags.EntryConditionsAt(call.Site)));
                }
            }

            var waits = ImmutableArray.CreateBuilder<WaitSite>(flow.Waits.Count);
            var seenWaits = new HashSet<string>();
            foreach (var wait in flow.Waits)
            {
                var held = Convert(wait.Held);
                if (seenWaits.Add(Signature(wait.Site.Syntax.SpanStart, null, held) + wait.WorkSlot?.Name + wait.Work?.Name))
                {
                    waits.Add(new WaitSite(wait.Site.Syntax.GetLocation(), wait.How, wait.WorkSlot, wait.Work, held));
                }
            }

            var tryAcquisitions = ImmutableArray.CreateBuilder<AcquisitionSite>();
            var seenTries = new HashSet<int>();
            foreach (var attempt in flow.TryAcquisitions)
            {
                var operation = attempt.Operation;
                if (seenTries.Add(operation.Site.Syntax.SpanStart))
                {
                    tryAcquisitions.Add(new AcquisitionSite(operation.Class, operation.Mode, operation.Instance, operation.Site.Syntax.GetLocation(), Convert(attempt.HeldBefore), attempt.HardIrqsOff, attempt.SoftIrqsOff, afterYield.Contains(operation.Site), flags.EntryConditionsAt(operation.Site)));
                }
            }

            var flagWrites = ImmutableArray<FlagWrite>.Empty;
            if (!flagsWrittenUnanalysed.IsDefaultOrEmpty)
            {
                // No flow says which locks are held there: the writes count as unprotected.
                var writes = ImmutableArray.CreateBuilder<FlagWrite>(flagsWrittenUnanalysed.Length);
                foreach (var field in flagsWrittenUnanalysed)
                {
                    writes.Add(new FlagWrite(field, onThis: false, ImmutableArray<string>.Empty));
                }

                flagWrites = writes.MoveToImmutable();
            }
            else if (flow.FlagWrites.Count > 0)
            {
                var writes = ImmutableArray.CreateBuilder<FlagWrite>(flow.FlagWrites.Count);
                foreach (var write in flow.FlagWrites)
                {
                    // Assigned on the body's own object; a reference to the flag (ref, out, a ref local) may be written anywhere.
                    var onThis = write.Site.Instance is IInstanceReferenceOperation
                        && write.Site.Parent is (IAssignmentOperation and not ISimpleAssignmentOperation { IsRef: true }) or IIncrementOrDecrementOperation;
                    writes.Add(new FlagWrite(write.Site.Field.OriginalDefinition, onThis, CertainlyHeldOnThis(write.Held)));
                }

                flagWrites = writes.MoveToImmutable();
            }

            var irqsEnabledWhileHeld = ImmutableArray.CreateBuilder<AcquisitionSite>();
            var seenEnables = new HashSet<(int, LockClass, LockMode)>();
            foreach (var enable in flow.IrqsEnabled)
            {
                foreach (var held in enable.Held)
                {
                    if (seenEnables.Add((enable.Site.Syntax.SpanStart, held.Class, held.Mode)))
                    {
                        irqsEnabledWhileHeld.Add(new AcquisitionSite(held.Class, held.Mode, held.Instance, enable.Site.Syntax.GetLocation(), ImmutableArray<HeldLockSite>.Empty, enable.HardIrqsOff, enable.SoftIrqsOff, afterYield: false, flags.EntryConditionsAt(enable.Site)));
                    }
                }
            }

            var contract = flow.Contract;
            var heldOnEntry = contract.Releases.IsEmpty ? contract.Requires : contract.Requires.AddRange(contract.Releases);
            return new MethodSummary(flow.Owner, contract.Context, acquisitions.ToImmutable(), tryAcquisitions.ToImmutable(), calls.ToImmutable(), sleeps.ToImmutable(), waits.ToImmutable(), bindings, heldOnEntry, contract.LeavesHeld, flagWrites, irqsEnabledWhileHeld.ToImmutable());
        }

        /// <summary>
        /// The summary of a body whose flow records nothing (<see cref="InertBodies"/>): what <see cref="Build"/>
        /// makes of an empty flow under no contract.
        /// </summary>
        public static MethodSummary Inert(IMethodSymbol owner)
            => new MethodSummary(owner, IrqContextKind.None, ImmutableArray<AcquisitionSite>.Empty, ImmutableArray<AcquisitionSite>.Empty, ImmutableArray<CallSite>.Empty, ImmutableArray<SleepSite>.Empty, ImmutableArray<WaitSite>.Empty, ImmutableArray<DelegateBinding>.Empty, ImmutableArray<ContractLock>.Empty, ImmutableArray<ContractLock>.Empty, ImmutableArray<FlagWrite>.Empty, ImmutableArray<AcquisitionSite>.Empty);

        /// <summary>The paths of the locks on <c>this</c> held on every path to a point (<c>this._gate</c>).</summary>
        private static ImmutableArray<string> CertainlyHeldOnThis(ImmutableArray<HeldLock> holds)
        {
            var paths = ImmutableArray.CreateBuilder<string>();
            foreach (var hold in holds)
            {
                if (hold.Certain && hold.Instance.Text is { } path && path.StartsWith("this.", System.StringComparison.Ordinal))
                {
                    paths.Add(path);
                }
            }

            return paths.ToImmutable();
        }

        private static int ReceiverParameter(IMethodSymbol owner, ISymbol? delegateSlot, InstancePath receiver, ulong writtenParameters)
        {
            foreach (var parameter in owner.Parameters)
            {
                if (parameter.Ordinal < 64
                    && (writtenParameters & (1UL << parameter.Ordinal)) == 0
                    && (SymbolEqualityComparer.Default.Equals(delegateSlot, parameter)
                        || (delegateSlot is null && receiver.Equals(InstancePath.Parameter(parameter.Name)))))
                {
                    return parameter.Ordinal;
                }
            }

            return -1;
        }

        private static ImmutableArray<IArgumentOperation> ArgumentsOf(IOperation call) => call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };

        private static ImmutableArray<int> ForwardedParameters(IOperation call, ulong writtenParameters)
        {
            int[]? forwarded = null;
            var arguments = ArgumentsOf(call);
            foreach (var argument in arguments)
            {
                var value = argument.Value;
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                if (argument.Parameter is { } parameter
                    && value is IParameterReferenceOperation { Parameter.Ordinal: < 64 } passed
                    && (writtenParameters & (1UL << passed.Parameter.Ordinal)) == 0)
                {
                    if (forwarded is null)
                    {
                        forwarded = new int[parameter.ContainingSymbol is IMethodSymbol target ? target.Parameters.Length : arguments.Length];
                        for (var i = 0; i < forwarded.Length; i++)
                        {
                            forwarded[i] = -1;
                        }
                    }

                    if (parameter.Ordinal < forwarded.Length)
                    {
                        forwarded[parameter.Ordinal] = passed.Parameter.Ordinal;
                    }
                }
            }

            return forwarded is null ? ImmutableArray<int>.Empty : ImmutableArray.Create(forwarded);
        }

        private static ulong NullArguments(IOperation call)
        {
            var arguments = ArgumentsOf(call);
            var mask = 0UL;
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { Ordinal: < 64 } parameter && argument.Value.ConstantValue is { HasValue: true, Value: null })
                {
                    mask |= 1UL << parameter.Ordinal;
                }
            }

            return mask;
        }

        public static ImmutableArray<HeldLockSite> Convert(ImmutableArray<HeldLock> holds)
        {
            if (holds.IsEmpty)
            {
                return ImmutableArray<HeldLockSite>.Empty;
            }

            var result = ImmutableArray.CreateBuilder<HeldLockSite>(holds.Length);
            foreach (var hold in holds)
            {
                result.Add(new HeldLockSite(hold.Class, hold.Mode, hold.Instance, hold.Site?.Syntax.GetLocation()));
            }

            return result.MoveToImmutable();
        }

        private static string Signature(int position, LockClass? lockClass, ImmutableArray<HeldLockSite> held)
        {
            var text = position + "|" + lockClass?.Key;
            foreach (var hold in held)
            {
                text += "|" + hold.Class.Key + "@" + hold.Instance;
            }

            return text;
        }
    }
}
