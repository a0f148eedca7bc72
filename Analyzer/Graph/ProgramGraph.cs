using System.Collections.Generic;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Summaries;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// The whole-program view the compilation-end rules read: calls, lock reach, dependencies and
    /// cycles, interrupt contexts and lock usage states, and which methods may sleep.
    /// </summary>
    internal sealed class ProgramGraph
    {
        public ProgramGraph(IReadOnlyList<MethodSummary> summaries, IEnumerable<DelegateBinding> initializerBindings, IEnumerable<IMethodSymbol> privateMethodsUsedUnseen, InstanceLinks links)
        {
            Calls = new CallGraph(summaries, initializerBindings, privateMethodsUsedUnseen);
            Reach = new LockReach(Calls);
            Dependencies = new DependencyGraph(Calls, Reach, links);
            Cycles = CycleFinder.Find(Dependencies);
            Contexts = new IrqContexts(Calls);
            Usage = new IrqUsage(Calls, Contexts);
            Sleeps = new SleepReach(Calls);
        }

        public IrqContexts Contexts { get; }

        public IrqUsage Usage { get; }

        public SleepReach Sleeps { get; }

        public CallGraph Calls { get; }

        public LockReach Reach { get; }

        public DependencyGraph Dependencies { get; }

        public List<List<DependencyEdge>> Cycles { get; }
    }
}
