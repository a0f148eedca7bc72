using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Summaries;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>lockdep's usage bits of a lock class.</summary>
    internal enum LockUsage
    {
        /// <summary>IN-HARDIRQ: taken in hard-IRQ context ("HARDIRQ-safe").</summary>
        UsedInHardIrq,

        /// <summary>HARDIRQ-ON: taken with hard IRQs enabled ("HARDIRQ-unsafe").</summary>
        EnabledHardIrq,

        UsedInSoftIrq,

        EnabledSoftIrq,
    }

    /// <summary>The first acquisition (in source order) that gave a class a usage bit, and the state it ran in.</summary>
    internal sealed class UsageWitness
    {
        public UsageWitness(int method, AcquisitionSite acquisition, EntryState state)
        {
            Method = method;
            Acquisition = acquisition;
            State = state;
        }

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
                if (summary.Acquisitions.IsEmpty && summary.TryAcquisitions.IsEmpty)
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

                        if (state.Context == IrqContextKind.HardIrq)
                        {
                            Mark(acquisition.Class, LockUsage.UsedInHardIrq, method, acquisition, state);
                        }

                        if (state.Context == IrqContextKind.SoftIrq)
                        {
                            Mark(acquisition.Class, LockUsage.UsedInSoftIrq, method, acquisition, state);
                        }

                        if (!state.HardIrqsOff && !acquisition.HardIrqsOff)
                        {
                            Mark(acquisition.Class, LockUsage.EnabledHardIrq, method, acquisition, state);
                        }

                        if (!state.SoftIrqsOff && !acquisition.SoftIrqsOff && !state.HardIrqsOff && !acquisition.HardIrqsOff)
                        {
                            Mark(acquisition.Class, LockUsage.EnabledSoftIrq, method, acquisition, state);
                        }
                    }
                }
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

        private void Mark(LockClass lockClass, LockUsage usage, int method, AcquisitionSite acquisition, EntryState state)
        {
            if (!_usage.TryGetValue(lockClass, out var witnesses))
            {
                witnesses = new UsageWitness?[4];
                _usage.Add(lockClass, witnesses);
                Classes.Add(lockClass);
            }

            witnesses[(int)usage] ??= new UsageWitness(method, acquisition, state);
        }
    }
}
