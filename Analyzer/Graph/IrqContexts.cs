using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>The context a body runs in and which interrupts are off on entry: one of twelve states.</summary>
    internal readonly struct EntryState
    {
        public EntryState(IrqContextKind context, bool hardIrqsOff, bool softIrqsOff)
        {
            Context = context;
            HardIrqsOff = hardIrqsOff;
            SoftIrqsOff = softIrqsOff;
        }

        public IrqContextKind Context { get; }

        public bool HardIrqsOff { get; }

        public bool SoftIrqsOff { get; }

        public int Bit => 1 << (((int)Context * 4) + (HardIrqsOff ? 2 : 0) + (SoftIrqsOff ? 1 : 0));

        public static EntryState FromBit(int bit)
        {
            var index = 0;
            while ((1 << index) != bit)
            {
                index++;
            }

            return new EntryState((IrqContextKind)(index / 4), (index & 2) != 0, (index & 1) != 0);
        }
    }

    /// <summary>
    /// In which contexts each method runs, as lockdep learns it at run time: an IRQ handler runs in its
    /// context with interrupts off, and so does everything it calls; a method nothing in the compilation
    /// calls is an entry point in process context with interrupts on. Calls made with interrupts off
    /// pass that on. Each (method, state) remembers how it was first reached, for the reports' chains.
    /// </summary>
    internal sealed class IrqContexts
    {
        private const int StateCount = 12;

        private readonly CallGraph _calls;
        private readonly int[] _states;
        private readonly Dictionary<(int Method, int Bit), (int Caller, int Call, int CallerBit)> _reachedFrom = new Dictionary<(int, int), (int, int, int)>();

        public IrqContexts(CallGraph calls)
        {
            _calls = calls;
            var count = calls.Summaries.Count;
            _states = new int[count];
            var hasCaller = new bool[count];
            for (var method = 0; method < count; method++)
            {
                foreach (var callee in calls.Callees(method))
                {
                    hasCaller[callee] = true;
                }
            }

            var pending = new Queue<(int Method, int Bit)>();
            for (var method = 0; method < count; method++)
            {
                var root = RootState(calls.Summaries[method].Context);
                // Dead code (a private method nothing live calls) runs in no context at all.
                if (calls.IsLive(method) && (calls.Summaries[method].Context != IrqContextKind.None || !hasCaller[method]))
                {
                    Reach(method, root.Bit, null, pending);
                }
            }

            Propagate(pending);

            // Methods only reachable from a cycle nothing enters still run somewhere: treat them as entry points.
            for (var method = 0; method < count; method++)
            {
                if (_states[method] == 0 && calls.IsLive(method))
                {
                    Reach(method, RootState(IrqContextKind.None).Bit, null, pending);
                    Propagate(pending);
                }
            }
        }

        /// <summary>The entry states of a method, as a set of <see cref="EntryState.Bit"/>s.</summary>
        public IEnumerable<EntryState> StatesOf(int method)
        {
            var mask = _states[method];
            for (var index = 0; index < StateCount; index++)
            {
                if ((mask & (1 << index)) != 0)
                {
                    yield return EntryState.FromBit(1 << index);
                }
            }
        }

        /// <summary>The methods from the context's root down to <paramref name="method"/>, root first.</summary>
        public List<int> PathTo(int method, EntryState state)
        {
            var path = new List<int> { method };
            var bit = state.Bit;
            while (path.Count < 64 && _reachedFrom.TryGetValue((method, bit), out var from))
            {
                method = from.Caller;
                bit = from.CallerBit;
                path.Add(method);
            }

            path.Reverse();
            return path;
        }

        private static EntryState RootState(IrqContextKind context) => context switch
        {
            IrqContextKind.HardIrq => new EntryState(IrqContextKind.HardIrq, hardIrqsOff: true, softIrqsOff: true),
            IrqContextKind.SoftIrq => new EntryState(IrqContextKind.SoftIrq, hardIrqsOff: false, softIrqsOff: true),
            _ => new EntryState(IrqContextKind.None, hardIrqsOff: false, softIrqsOff: false),
        };

        private void Reach(int method, int bit, (int Caller, int Call, int CallerBit)? from, Queue<(int, int)> pending)
        {
            if ((_states[method] & bit) != 0)
            {
                return;
            }

            _states[method] |= bit;
            if (from is { } origin)
            {
                _reachedFrom[(method, bit)] = origin;
            }

            pending.Enqueue((method, bit));
        }

        private void Propagate(Queue<(int Method, int Bit)> pending)
        {
            while (pending.Count > 0)
            {
                var (method, bit) = pending.Dequeue();
                var state = EntryState.FromBit(bit);
                var calls = _calls.Summaries[method].Calls;
                for (var call = 0; call < calls.Length; call++)
                {
                    var site = calls[call];
                    var next = new EntryState(state.Context, state.HardIrqsOff || site.HardIrqsOff, state.SoftIrqsOff || site.SoftIrqsOff);
                    foreach (var target in _calls.Targets(method, call))
                    {
                        // A handler called directly (a simulated interrupt) runs in its own context.
                        if (_calls.Summaries[target].Context == IrqContextKind.None)
                        {
                            Reach(target, next.Bit, (method, call, bit), pending);
                        }
                    }
                }
            }
        }
    }
}
