using System.Collections.Immutable;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.Analyzer.Summaries;
using LockDiscipline.Analyzer.Tests.Corpus;
using LockDiscipline.Analyzer.Tests.Harness;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Xunit.Abstractions;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Bodies that the pre-pass finds inert skip the control flow graph and the flow (<see cref="InertBodies"/>).
/// The cheap path must change nothing: every summary (calls, held sets, acquisitions, bindings) and every
/// diagnostic is the same as when every body is flowed, and the pre-pass lets through exactly the bodies
/// whose flow records nothing.
/// </summary>
/// <remarks>
/// Takes an output helper, as the corpus tests do, so the robustness sweep (which instantiates parameterless
/// test classes to collect their sources) does not re-run the corpus compilations under paths outside <c>/src/</c>.
/// </remarks>
public class InertBodyTests(ITestOutputHelper output)
{
    private const string Support = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using LockDiscipline;

        public class Other { public void Run() { } }
        """;

    [Theory]
    [InlineData("int M(int a, int b) { var sum = 0; for (var i = a; i < b; i++) { sum += i * 2; } return sum; }")]
    [InlineData("string M(string s) => s.Trim().ToUpperInvariant() + Math.Max(1, 2).ToString();")]
    [InlineData("void M(List<int> items) { items.Add(1); if (items.Count > 2) { throw new InvalidOperationException(nameof(items)); } }")]
    [InlineData("int M(object o) { try { return o switch { int i when i > 0 => i, string s => s.Length, _ => 0 }; } catch (Exception) { return -1; } }")]
    [InlineData("string M(int[] values) { var text = $\"{values.Length} values\"; return values.Length > 0 ? text : null; }")]
    public void ALockFreeBodyWithoutKeptCallsIsInertAndItsFlowRecordsNothing(string member)
    {
        var (compilation, owner, body) = Body(member);
        var resolvers = new Resolvers(compilation);

        Assert.True(new InertBodies(resolvers).IsInert(body, owner));
        var flowed = SummaryOf(compilation, owner, skipInertBodies: false);
        Assert.Empty(flowed.Calls);
        Assert.Equal(Describe(flowed), Describe(SummaryBuilder.Inert(owner)));
        Assert.Equal(Describe(flowed), Describe(SummaryOf(compilation, owner, skipInertBodies: true)));
    }

    [Theory]
    [InlineData("void M() { Helper(); } void Helper() { }", "a call of this assembly: the call graph keeps it")]
    [InlineData("void M(Other o) { o.Run(); }", "a call of this assembly through a receiver")]
    [InlineData("readonly object _gate = new object(); void M() { lock (_gate) { } }", "a lock statement")]
    [InlineData("readonly object _gate = new object(); void M() { Monitor.Enter(_gate); Monitor.Exit(_gate); }", "a lock API call")]
    [InlineData("async Task M() { await Task.Yield(); }", "an await")]
    [InlineData("void M() { Thread.Sleep(1); }", "a call that sleeps")]
    [InlineData("int M(Task<int> t) => t.Result;", "a blocking wait for a task")]
    [InlineData("void M(Action a) { a(); }", "a delegate invocation")]
    [InlineData("void M() { Func<int> f = () => 1; }", "a lambda")]
    [InlineData("void M() { int Local() => 1; Local(); }", "a local function")]
    [InlineData("void M(List<int> items) { foreach (var item in items) { } }", "a foreach: the graph lowers it into calls")]
    [InlineData("void M(IDisposable d) { using (d) { } }", "a using: the graph lowers it into Dispose")]
    [InlineData("private bool _closed; void M() { _closed = true; }", "a flag write")]
    [InlineData("readonly object _gate = new object(); [GuardedBy(\"_gate\")] int _count; void M() { _count++; }", "a guarded member")]
    [InlineData("readonly object _gate = new object(); [RequiresLock(\"_gate\")] void M() { }", "a lock contract")]
    public void ABodyWhoseFlowMayRecordSomethingIsNotInert(string member, string why)
    {
        var (compilation, owner, body) = Body(member);

        Assert.False(new InertBodies(new Resolvers(compilation)).IsInert(body, owner), why);
    }

    /// <summary>The realistic corpus and the minimal false-alarm cases: both paths give the same summaries and diagnostics.</summary>
    [Theory]
    [MemberData(nameof(CorpusFile.SourceNames), MemberType = typeof(CorpusFile))]
    [MemberData(nameof(CorpusFile.MinimalNames), MemberType = typeof(CorpusFile))]
    public void SkippingInertBodiesChangesNoSummaryAndNoDiagnostic(string name)
    {
        var file = CorpusFile.Sources.Concat(CorpusFile.Minimal).Single(f => f.Name == name);
        var compilation = TestCompilation.Create(new[] { (file.PathInCompilation, file.Source) });

        var (skippedSummaries, skippedDiagnostics) = Analyze(compilation, skipInertBodies: true);
        var (flowedSummaries, flowedDiagnostics) = Analyze(compilation, skipInertBodies: false);

        output.WriteLine($"{flowedSummaries.Count} summaries, {flowedDiagnostics.Count} diagnostics");
        Assert.Equal(flowedSummaries, skippedSummaries);
        Assert.Equal(flowedDiagnostics, skippedDiagnostics);
    }

    [Fact]
    public void TheCorpusHasInertBodiesAndBodiesThatAreNot()
    {
        var inert = 0;
        var flowed = 0;
        foreach (var file in CorpusFile.Sources)
        {
            var compilation = TestCompilation.Create(new[] { (file.PathInCompilation, file.Source) });
            var bodies = new InertBodies(new Resolvers(compilation));
            foreach (var (owner, body) in Bodies(compilation))
            {
                if (bodies.IsInert(body, owner))
                {
                    inert++;
                }
                else
                {
                    flowed++;
                }
            }
        }

        output.WriteLine($"{inert} inert bodies, {flowed} flowed");

        // The comparison above is only worth something if both paths ran on the corpus.
        Assert.True(inert >= 20, $"{inert} inert bodies");
        Assert.True(flowed >= 20, $"{flowed} flowed bodies");
    }

    private static (Compilation Compilation, IMethodSymbol Owner, IOperation Body) Body(string member)
    {
        var compilation = TestCompilation.Create(new[] { ("Inert.cs", Support + "\npublic class Subject\n{\n    " + member + "\n}\n") });
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        var (owner, body) = Bodies(compilation).Single(b => b.Owner.Name == "M");
        return (compilation, owner, body);
    }

    /// <summary>The bodies as the driver hands them over: methods, constructors, accessors, expression-bodied members.</summary>
    private static IEnumerable<(IMethodSymbol Owner, IOperation Body)> Bodies(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                var owner = node switch
                {
                    BaseMethodDeclarationSyntax or AccessorDeclarationSyntax => model.GetDeclaredSymbol(node) as IMethodSymbol,
                    ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax property } => (model.GetDeclaredSymbol(property) as IPropertySymbol)?.GetMethod,
                    _ => null,
                };
                var body = owner is null ? null : model.GetOperation(node);
                if (body is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation { Parent: null })
                {
                    yield return (owner!, body);
                }
            }
        }
    }

    /// <summary>The driver analyses a copy of the compilation, whose symbols are its own: the owner is found by name.</summary>
    private static MethodSummary SummaryOf(Compilation compilation, IMethodSymbol owner, bool skipInertBodies)
        => Analyze(compilation, skipInertBodies, out _).Single(s => s.Method.ToDisplayString() == owner.ToDisplayString());

    private static (List<string> Summaries, List<string> Diagnostics) Analyze(Compilation compilation, bool skipInertBodies)
    {
        var summaries = Analyze(compilation, skipInertBodies, out var diagnostics);
        return (
            summaries.Select(Describe).OrderBy(s => s, StringComparer.Ordinal).ToList(),
            diagnostics.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal).ToList());
    }

    private static IReadOnlyCollection<MethodSummary> Analyze(Compilation compilation, bool skipInertBodies, out ImmutableArray<Diagnostic> diagnostics)
    {
        var analyzer = new PathAnalyzer(skipInertBodies);
        diagnostics = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer)).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return analyzer.Analysis!.Summaries;
    }

    /// <summary>Everything a summary says, as text: two summaries with the same text are the same to every rule.</summary>
    private static string Describe(MethodSummary summary)
    {
        // A default array (nothing computed) reads apart from an empty one.
        static string Each<T>(ImmutableArray<T> items, Func<T, string?> describe, string separator = ",") => items.IsDefault ? "default" : string.Join(separator, items.Select(describe));
        static string Held(ImmutableArray<HeldLockSite> held) => Each(held, h => $"{h.Class.Key}/{h.Mode}/{h.Instance}@{h.Location?.SourceSpan}");
        static string Sites(ImmutableArray<AcquisitionSite> sites) => Each(sites, a => $"{a.Class.Key}/{a.Mode}/{a.Instance}@{a.Location.SourceSpan} held[{Held(a.Held)}] {a.HardIrqsOff}{a.SoftIrqsOff}{a.AfterYield} {Each(a.EntryConditions, e => e.ToString())}", ";");
        static string Locks(ImmutableArray<ContractLock> locks) => Each(locks, l => $"{l.Class.Key}/{l.Mode}/{l.Path}");
        var calls = Each(summary.Calls, c =>
            $"{c.Target.ToDisplayString()}@{c.Location.SourceSpan} slot {c.DelegateSlot?.ToDisplayString()} virtual {c.IsVirtual} receiver {c.Receiver} held[{Held(c.Held)}] "
            + $"{c.HardIrqsOff}{c.SoftIrqsOff}{c.Atomic}{c.CalleeMightSleep} {c.ReceiverFreshness} {c.AfterYield} {c.NullArguments} {c.ReceiverParameter} "
            + $"[{Each(c.ForwardedParameters, p => p.ToString())}] [{Each(c.ReceiverImplementations, m => m.ToDisplayString())}] "
            + $"[{Each(c.KnownFlags, f => f.ToString())}] [{Each(c.CertainlyHeldOnThis, h => h)}] [{Each(c.EntryConditions, e => e.ToString())}]", ";");
        return $"{summary.Method.ToDisplayString()} {summary.Context} acquisitions[{Sites(summary.Acquisitions)}] tries[{Sites(summary.TryAcquisitions)}] calls[{calls}] "
            + $"sleeps[{Each(summary.Sleeps, s => $"{s.What}@{s.Location.SourceSpan}", ";")}] "
            + $"waits[{Each(summary.Waits, w => $"{w.How}@{w.Location.SourceSpan} {w.WorkSlot?.ToDisplayString()} {w.Work?.ToDisplayString()} [{Held(w.Held)}]", ";")}] "
            + $"bindings[{Each(summary.Bindings, b => $"{b.Slot.ToDisplayString()}={b.Target?.ToDisplayString()}/{b.SourceSlot?.ToDisplayString()}/{b.IsWork}", ";")}] "
            + $"entry[{Locks(summary.HeldOnEntry)}] left[{Locks(summary.LeftHeld)}] "
            + $"flags[{Each(summary.FlagWrites, f => $"{f.Field.Name}/{f.OnThis}/{string.Join(",", f.HeldOnThis)}", ";")}] irqs[{Sites(summary.IrqsEnabledWhileHeld)}]";
    }

    /// <summary>The analyzer's own registration, with the inert-body path on or off, keeping the analysis to read its summaries.</summary>
    /// <remarks>Run in process by the test only, never loaded by a compiler: RS1036 and RS1041 are about shipped analyzers.</remarks>
#pragma warning disable RS1036, RS1041
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class PathAnalyzer(bool skipInertBodies) : DiagnosticAnalyzer
    {
        public CompilationAnalysis? Analysis { get; private set; }

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = new LockDisciplineAnalyzer().SupportedDiagnostics;

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var analysis = new CompilationAnalysis(start.Compilation, LockDiscipline.Analyzer.Baseline.BaselineFile.Empty, skipInertBodies: skipInertBodies);
                Analysis = analysis;
                start.RegisterOperationBlockAction(analysis.AnalyzeOperationBlock);
                start.RegisterSymbolAction(analysis.AnalyzeSymbol, SymbolKind.Method, SymbolKind.Property, SymbolKind.Field);
                start.RegisterCompilationEndAction(analysis.AnalyzeProgram);
            });
        }
    }
#pragma warning restore RS1036, RS1041
}
