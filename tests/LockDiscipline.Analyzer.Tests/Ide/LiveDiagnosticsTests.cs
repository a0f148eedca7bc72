using System.Collections.Immutable;
using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzer.Tests.Ide;

/// <summary>
/// The IDE asks for one document's semantic diagnostics (optionally one span) as the user types,
/// without running compilation-end actions. Per-body rules must answer that request; whole-program
/// rules are compilation-end rules and say so in their descriptors.
/// </summary>
public class LiveDiagnosticsTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;
        using LockDiscipline;
        [assembly: LockOrder("first", "second")]
        class Typing
        {
            [LockClass("first")] readonly KMutex _first = new();
            [LockClass("second")] readonly KMutex _second = new();
            readonly KSpinLock _spin = new();
            readonly SemaphoreSlim _gate = new(1, 1);
            readonly object _monitor = new();
            [GuardedBy(nameof(_first))] int _count;
            [RequiresLock(nameof(_first))] void NeedsFirst() { }
            [TryAcquiresLock(true, nameof(_first))] bool TryFirst() { return true; }
            [AcquiresLock("nowhere")] void Unresolved() { }

            void Order() { _second.Lock(); _first.Lock(); _first.Unlock(); _second.Unlock(); }
            void Recursive() { _gate.Wait(); _gate.Wait(); _gate.Release(); }
            void Sleeps() { _spin.Lock(); _first.Lock(); _first.Unlock(); _spin.Unlock(); }
            void Leaks(bool early) { Monitor.Enter(_monitor); if (early) return; Monitor.Exit(_monitor); }
            int Unguarded() => _count;
            void Contract() => NeedsFirst();
            async Task AcrossAwait() { Monitor.Enter(_monitor); try { await Task.Yield(); } finally { Monitor.Exit(_monitor); } }
        }
        """;

    [Fact]
    public async Task PerBodyRulesAnswerTheDocumentRequest()
    {
        var compilation = TestCompilation.Create(new[] { ("/src/Typing.cs", Source) });
        var tree = compilation.SyntaxTrees.Single();
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()));

        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, CancellationToken.None);

        var ids = diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id).ToArray();
        Assert.Equal(new[] { "LD0002", "LD0003", "LD0006", "LD0007", "LD0008", "LD0009", "LD0010", "LD0011", "LD0012" }, ids);
    }

    [Fact]
    public async Task OneMethodSpanGetsOnlyItsOwnDiagnostics()
    {
        var compilation = TestCompilation.Create(new[] { ("/src/Typing.cs", Source) });
        var tree = compilation.SyntaxTrees.Single();
        var start = Source.IndexOf("void Recursive()", StringComparison.Ordinal);
        var span = new Microsoft.CodeAnalysis.Text.TextSpan(start, Source.IndexOf('\n', start) - start);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()));

        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), span, CancellationToken.None);

        Assert.Equal("LD0003", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void WholeProgramRulesAreTaggedCompilationEnd()
    {
        var analyzer = new LockDisciplineAnalyzer();
        var compilationEnd = analyzer.SupportedDiagnostics
            .Where(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd))
            .Select(d => d.Id)
            .OrderBy(id => id);
        Assert.Equal(new[] { "LD0001", "LD0004", "LD0005", "LD0013", "LD0015", "LD0016" }, compilationEnd);
    }
}
