using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Summaries;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// lockdep's usage bits of a lock class, each for writers (exclusive holds) and readers (shared holds)
    /// apart: a reader in an interrupt and a reader with interrupts on do not conflict.
    /// </summary>
    internal enum LockUsage
    {
        /// <summary>IN-HARDIRQ-W: taken exclusively in hard-IRQ context ("HARDIRQ-safe").</summary>
        UsedInHardIrq,

        /// <summary>HARDIRQ-ON-W: taken exclusively with hard IRQs enabled ("HARDIRQ-unsafe").</summary>
        EnabledHardIrq,

        UsedInSoftIrq,

        EnabledSoftIrq,

        /// <summary>IN-HARDIRQ-R: read in hard-IRQ context.</summary>
        UsedInHardIrqRead,

        /// <summary>HARDIRQ-ON-R: read with hard IRQs enabled.</summary>
        EnabledHardIrqRead,

        UsedInSoftIrqRead,

        EnabledSoftIrqRead,
    }

    /// <summary>The first acquisition (in source order) that gave a class a usage bit, and the state it ran in.</summary>
    internal sealed class UsageWitness
    {
        public UsageWitness(int method, AcquisitionSite acquisition, EntryState state, bool heldWhenIrqsEnabled)
        {
            Method = method;
            Acquisition = acquisition;
            State = state;
            HeldWhenIrqsEnabled = heldWhenIrqsEnabled;
        }

        /// <summary>The lock was taken earlier and interrupts were switched back on here while it was held.</summary>
        public bool HeldWhenIrqsEnabled { get; }

        public int Method { get; }

        public AcquisitionSite Acquisition { get; }

        public EntryState State { get; }
    }

    /// <summary>Usage bits of every lock class, from each acquisition in each entry state of its method.</summary>
    internal sealed class IrqUsage
    {
        private readonly Dictionary<LockClass, UsageWitness?[]> _usage = new Dictionary<LockClass, UsageWitness?[]>();

        public IrqUsage(CallGraph calls, IrqContexts contexts)
        {
            for (var method = 0; method < calls.Summaries.Count; method++)
            {
                var summary = calls.Summaries[method];
                if (summary.Acquisitions.IsEmpty && summary.TryAcquisitions.IsEmpty && summary.IrqsEnabledWhileHeld.IsEmpty)
                {
                    continue;
                }

                foreach (var state in contexts.StatesOf(method))
                {
                    foreach (var acquisition in Both(summary.Acquisitions, summary.TryAcquisitions))
                    {
                        if (acquisition.Class.IsLockMap)
                        {
                            // A lockdep map only orders; it is never the lock an interrupt spins on.
                            continue;
                        }

                        var read = acquisition.Mode == LockMode.Shared;
                        if (state.Context == IrqContextKind.HardIrq)
                        {
                            Mark(acquisition.Class, read ? LockUsage.UsedInHardIrqRead : LockUsage.UsedInHardIrq, method, acquisition, state, heldWhenIrqsEnabled: false);
                        }

                        if (state.Context == IrqContextKind.SoftIrq)
                        {
                            Mark(acquisition.Class, read ? LockUsage.UsedInSoftIrqRead : LockUsage.UsedInSoftIrq, method, acquisition, state, heldWhenIrqsEnabled: false);
                        }

                        MarkEnabled(acquisition, method, state, heldWhenIrqsEnabled: false);
                    }

                    foreach (var held in summary.IrqsEnabledWhileHeld)
                    {
                        // lockdep marks held locks only when interrupts come on in process context.
                        if (state.Context == IrqContextKind.None && !held.Class.IsLockMap)
                        {
                            MarkEnabled(held, method, state, heldWhenIrqsEnabled: true);
                        }
                    }
                }
            }
        }

        private void MarkEnabled(AcquisitionSite acquisition, int method, EntryState state, bool heldWhenIrqsEnabled)
        {
            var read = acquisition.Mode == LockMode.Shared;
            if (!state.HardIrqsOff && !acquisition.HardIrqsOff)
            {
                Mark(acquisition.Class, read ? LockUsage.EnabledHardIrqRead : LockUsage.EnabledHardIrq, method, acquisition, state, heldWhenIrqsEnabled);
            }

            if (!state.SoftIrqsOff && !acquisition.SoftIrqsOff && !state.HardIrqsOff && !acquisition.HardIrqsOff)
            {
                Mark(acquisition.Class, read ? LockUsage.EnabledSoftIrqRead : LockUsage.EnabledSoftIrq, method, acquisition, state, heldWhenIrqsEnabled);
            }
        }

        private static IEnumerable<AcquisitionSite> Both(System.Collections.Immutable.ImmutableArray<AcquisitionSite> first, System.Collections.Immutable.ImmutableArray<AcquisitionSite> second)
        {
            foreach (var acquisition in first)
            {
                yield return acquisition;
            }

            foreach (var acquisition in second)
            {
                yield return acquisition;
            }
        }

        /// <summary>Classes with at least one usage bit, in the order they were first seen.</summary>
        public List<LockClass> Classes { get; } = new List<LockClass>();

        public UsageWitness? Witness(LockClass lockClass, LockUsage usage)
            => _usage.TryGetValue(lockClass, out var witnesses) ? witnesses[(int)usage] : null;

        private void Mark(LockClass lockClass, LockUsage usage, int method, AcquisitionSite acquisition, EntryState state, bool heldWhenIrqsEnabled)
        {
            if (!_usage.TryGetValue(lockClass, out var witnesses))
            {
                witnesses = new UsageWitness?[8];
                _usage.Add(lockClass, witnesses);
                Classes.Add(lockClass);
            }

            witnesses[(int)usage] ??= new UsageWitness(method, acquisition, state, heldWhenIrqsEnabled);
        }
    }
}
