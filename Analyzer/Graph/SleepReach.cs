using System.Collections.Generic;
using LockDiscipline.Analyzer.Summaries;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>How a method may come to sleep: its own sleeping operation, or a call to a method that may.</summary>
    internal sealed class SleepStep
    {
        public SleepStep(int depth, SleepSite sleep, int callIndex, int callee)
        {
            Depth = depth;
            Sleep = sleep;
            CallIndex = callIndex;
            Callee = callee;
        }

        public int Depth { get; }

        public SleepSite Sleep { get; }

        public int CallIndex { get; }

        public int Callee { get; }
    }

    /// <summary>Which methods may sleep, with the shortest chain to the sleeping operation (callees first, as <see cref="LockReach"/>).</summary>
    internal sealed class SleepReach
    {
        private readonly CallGraph _calls;
        private readonly SleepStep?[] _steps;

        public SleepReach(CallGraph calls)
        {
            _calls = calls;
            _steps = new SleepStep?[calls.Summaries.Count];
            foreach (var component in StronglyConnectedComponents.Find(calls.Summaries.Count, calls.Callees))
            {
                bool changed;
                var rounds = 0;
                do
                {
                    changed = false;
                    foreach (var method in component)
                    {
                        changed |= Update(method);
                    }
                }
                while (changed && ++rounds <= component.Count);
            }
        }

        public SleepStep? Of(int method) => _steps[method];

        /// <summary>The methods from <paramref name="method"/> to the one that sleeps, in call order.</summary>
        public List<int> Chain(int method)
        {
            var chain = new List<int> { method };
            for (var step = _steps[method]; step is not null && step.CallIndex >= 0 && chain.Count < 64; step = _steps[step.Callee])
            {
                chain.Add(step.Callee);
            }

            return chain;
        }

        private bool Update(int method)
        {
            var summary = _calls.Summaries[method];
            var best = _steps[method];
            if (best is null && !summary.Sleeps.IsEmpty)
            {
                best = new SleepStep(0, summary.Sleeps[0], -1, -1);
            }

            for (var call = 0; call < summary.Calls.Length; call++)
            {
                foreach (var target in _calls.Targets(method, call))
                {
                    if (_steps[target] is { } callee && (best is null || callee.Depth + 1 < best.Depth))
                    {
                        best = new SleepStep(callee.Depth + 1, callee.Sleep, call, target);
                    }
                }
            }

            if (ReferenceEquals(best, _steps[method]))
            {
                return false;
            }

            _steps[method] = best;
            return true;
        }
    }
}
