using System.Collections.Concurrent;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Baseline;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Graph;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Rules;
using LockDiscipline.Analyzer.Summaries;
using LockDiscipline.Analyzer.Summaries.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer
{
    /// <summary>
    /// One compilation's run of the pipeline. Bodies arrive concurrently: each is resolved, flowed,
    /// checked by the per-body rules (so the IDE shows them as you type) and summarised. At
    /// compilation end the summaries become the whole-program graph that the remaining rules read.
    /// </summary>
    internal sealed class CompilationAnalysis
    {
        private readonly Compilation _compilation;
        private readonly Resolvers _resolvers;
        private readonly ElementAllocations _elements;
        private readonly ConcurrentBag<MethodSummary> _summaries = new ConcurrentBag<MethodSummary>();
        private readonly ConcurrentBag<DelegateBinding> _initializerBindings = new ConcurrentBag<DelegateBinding>();
        private readonly ConcurrentBag<SiblingNesting> _siblingNestings = new ConcurrentBag<SiblingNesting>();
        private readonly ConcurrentDictionary<IMethodSymbol, byte> _privateMethodsUsedUnseen = new ConcurrentDictionary<IMethodSymbol, byte>(SymbolEqualityComparer.Default);
        private readonly bool _checksBodies;

        private readonly System.Action<ProgramGraph>? _graphObserver;

        private readonly BaselineFilter _baseline;

        private readonly InertBodies? _inertBodies;

        /// <param name="baseline">Accepted findings, not reported.</param>
        /// <param name="checksBodies">False when only the summaries are wanted (the summary generator): the per-body rules are skipped.</param>
        /// <param name="graphObserver">Handed the whole-program graph (the command-line tool); null in the compiler.</param>
        /// <param name="skipInertBodies">False flows every body, the inert ones too: the tests compare both ways.</param>
        public CompilationAnalysis(Compilation compilation, BaselineFile baseline, bool checksBodies = true, System.Action<ProgramGraph>? graphObserver = null, bool skipInertBodies = true)
        {
            _compilation = compilation;
            _baseline = new BaselineFilter(compilation, baseline);
            _checksBodies = checksBodies;
            _graphObserver = graphObserver;
            _resolvers = new Resolvers(compilation);
            _elements = new ElementAllocations(compilation);
            _inertBodies = skipInertBodies ? new InertBodies(_resolvers) : null;
        }

        /// <summary>The summaries of the bodies analysed so far (read by the tests that compare the paths).</summary>
        internal System.Collections.Generic.IReadOnlyCollection<MethodSummary> Summaries => _summaries;

        /// <summary>
        /// Summarises a body in which nothing can matter to a rule or the graph (<see cref="InertBodies"/>) without a
        /// control flow graph or a flow; false when the body needs them.
        /// </summary>
        public bool TrySummarizeInert(IOperation root, IMethodSymbol? owner)
        {
            if (owner is null || _inertBodies is null || !_inertBodies.IsInert(root, owner))
            {
                return false;
            }

            _summaries.Add(SummaryBuilder.Inert(owner));
            return true;
        }

        public void AnalyzeOperationBlock(OperationBlockAnalysisContext context)
        {
            var roots = new System.Collections.Generic.HashSet<IOperation>();
            foreach (var block in context.OperationBlocks)
            {
                // The blocks handed to analyzers hang under their body operation; the graph is built from that root.
                var root = block;
                while (root.Parent is not null)
                {
                    root = root.Parent;
                }

                switch (root.Kind)
                {
                    case OperationKind.MethodBody:
                    case OperationKind.ConstructorBody:
                    case OperationKind.FieldInitializer:
                    case OperationKind.PropertyInitializer:
                    case OperationKind.Block: // expression-bodied members arrive as a parentless block
                        break;
                    default:
                        continue;
                }

                if (!roots.Add(root))
                {
                    continue;
                }

                var owner = context.OwningSymbol switch
                {
                    IMethodSymbol method => method,
                    IPropertySymbol { GetMethod: { } getter } when root.Kind != OperationKind.PropertyInitializer => getter,
                    _ => null,
                };
                if (TrySummarizeInert(root, owner))
                {
                    continue;
                }

                var graph = context.GetControlFlowGraph(block);
                AnalyzeGraph(graph, owner, enclosing: null, _baseline.Wrap(context.ReportDiagnostic));
            }
        }

        public void AnalyzeSymbol(SymbolAnalysisContext context)
            => UnresolvedLockNameRule.AnalyzeAttributes(context.Symbol, context.Symbol.GetAttributes(), _resolvers, _baseline.Wrap(context.ReportDiagnostic));

        public void AnalyzeProgram(CompilationAnalysisContext context)
        {
            var report = _baseline.Wrap(context.ReportDiagnostic);
            UnresolvedLockNameRule.AnalyzeAttributes(_compilation.Assembly, _compilation.Assembly.GetAttributes(), _resolvers, report);
            UnresolvedLockNameRule.AnalyzeDeclaredOrder(_resolvers.Order, report);

            var summaries = SortedSummaries();
            summaries.AddRange(_resolvers.Imports.Read((assembly, problem) => UnreadableSummaryRule.Report(assembly, problem, context.ReportDiagnostic)));
            var graph = new ProgramGraph(summaries, _initializerBindings, _privateMethodsUsedUnseen.Keys, _resolvers.Links);
            CircularLockDependencyRule.Analyze(graph, report);
            RecursiveLockingRule.AnalyzeProgram(graph, report);
            IndistinguishableNestingRule.AnalyzeProgram(graph, report);
            CircularLockDependencyRule.AnalyzeSiblingMembers(_siblingNestings.ToArray(), report);
            DeclaredOrderViolationRule.AnalyzeProgram(graph, _resolvers.Order, report);
            InconsistentLockStateRule.Analyze(graph, report);
            IrqSafeToUnsafeOrderRule.Analyze(graph, report);
            SleepInAtomicContextRule.AnalyzeProgram(graph, report);
            WaitForWorkHoldingItsLockRule.Analyze(graph, report);
            _graphObserver?.Invoke(graph);
        }

        /// <summary>Summarises one body without checking it: the summary generator's way in.</summary>
        public void SummarizeBody(ControlFlowGraph graph, IMethodSymbol? owner) => AnalyzeGraph(graph, owner, enclosing: null, static _ => { });

        /// <summary>
        /// The whole-program graph of the bodies summarised so far with the referenced assemblies' summaries,
        /// as the analyzer builds it at compilation end; an unreadable summary is left out silently (the analyzer reports it, LD0015).
        /// </summary>
        public ProgramGraph BuildProgramGraph()
        {
            var summaries = SortedSummaries();
            summaries.AddRange(_resolvers.Imports.Read(static (_, _) => { }));
            return new ProgramGraph(summaries, _initializerBindings, _privateMethodsUsedUnseen.Keys, _resolvers.Links);
        }

        /// <summary>The call graph of the bodies summarised so far, this compilation's alone.</summary>
        public CallGraph BuildCallGraph() => new CallGraph(SortedSummaries(), _initializerBindings, _privateMethodsUsedUnseen.Keys);

        private System.Collections.Generic.List<MethodSummary> SortedSummaries()
        {
            var summaries = new System.Collections.Generic.List<MethodSummary>(_summaries);
            summaries.Sort(CompareByLocation);
            return summaries;
        }

        /// <summary>
        /// Analyses one graph and the local functions and lambdas nested in it, each as a body of its own.
        /// Initializers have no owning method: only their lambdas and delegate bindings matter.
        /// </summary>
        private void AnalyzeGraph(ControlFlowGraph graph, IMethodSymbol? owner, ValueOrigins? enclosing, System.Action<Diagnostic> report)
        {
            var origins = ValueOrigins.Collect(graph, enclosing);
            var bindings = DelegateBindingCollector.Collect(graph, origins, _compilation.Assembly, _resolvers.Known, _resolvers.Imports);
            NotePrivateMethodsUsedUnseen(graph, origins, owner);
            if (owner is null)
            {
                foreach (var binding in bindings)
                {
                    _initializerBindings.Add(binding);
                }
            }
            else
            {
                var flow = LocksetAnalysis.Analyze(graph, origins, owner, _resolvers);
                if (flow.Completed && _checksBodies)
                {
                    DeclaredOrderViolationRule.AnalyzeBody(flow, _resolvers.Order, report);
                    var nestings = SameClassNesting.InBody(flow, _resolvers.Links);
                    RecursiveLockingRule.AnalyzeBody(nestings, report);
                    IndistinguishableNestingRule.AnalyzeBody(nestings, report);
                    foreach (var nesting in nestings)
                    {
                        if (nesting.Sibling is { } sibling)
                        {
                            _siblingNestings.Add(sibling);
                        }
                    }
                    SleepInAtomicContextRule.AnalyzeBody(flow, report);
                    UnbalancedLockRule.AnalyzeBody(flow, _resolvers.Links, report);
                    UnguardedAccessRule.AnalyzeBody(flow, _resolvers.Links, report);
                    LockContractViolationRule.AnalyzeBody(flow, _resolvers.Links, report);
                    TryAcquireReturnRule.AnalyzeBody(flow, report);
                    ThreadAffineLockAcrossAwaitRule.AnalyzeBody(flow, report);
                }

                _summaries.Add(SummaryBuilder.Build(flow, bindings, FreshObjects.Find(graph, origins, owner), YieldPoints.AfterCertainYield(graph, origins, owner), ParameterWrites.Find(graph, origins, owner), _elements, FlagTests.Find(graph, origins, owner), flow.Completed ? default : FlagTests.WrittenFlags(graph)));
            }

            foreach (var localFunction in graph.LocalFunctions)
            {
                AnalyzeGraph(graph.GetLocalFunctionControlFlowGraph(localFunction), localFunction, origins, report);
            }

            foreach (var lambda in origins.Lambdas)
            {
                AnalyzeGraph(graph.GetAnonymousFunctionControlFlowGraph(lambda), lambda.Symbol, origins, report);
            }
        }

        /// <summary>
        /// Remembers the private methods used where the call graph cannot see the use: taken as a method
        /// group (a delegate that may be invoked anywhere, <c>Task.Run(Work)</c> included), or called from
        /// an initializer, which has no summary. Every other private method is live only if a live body calls it.
        /// </summary>
        private void NotePrivateMethodsUsedUnseen(ControlFlowGraph graph, ValueOrigins origins, IMethodSymbol? owner)
        {
            foreach (var method in origins.MethodGroups)
            {
                NotePrivateMethodUsedUnseen(method);
            }

            if (owner is not null)
            {
                return;
            }

            foreach (var block in graph.Blocks)
            {
                foreach (var root in block.Operations)
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        if (operation is IInvocationOperation invocation)
                        {
                            NotePrivateMethodUsedUnseen(invocation.TargetMethod);
                        }
                    }
                }
            }
        }

        private void NotePrivateMethodUsedUnseen(IMethodSymbol method)
        {
            if (method.DeclaredAccessibility == Accessibility.Private)
            {
                _privateMethodsUsedUnseen.TryAdd(method.OriginalDefinition, 0);
            }
        }

        private static int CompareByLocation(MethodSummary a, MethodSummary b)
        {
            if (a.Location is null || b.Location is null)
            {
                return (a.Location is null).CompareTo(b.Location is null);
            }

            return ReportText.Compare(a.Location, b.Location);
        }
    }
}
