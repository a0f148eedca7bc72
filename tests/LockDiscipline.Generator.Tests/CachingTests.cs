using LockDiscipline.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using System.Collections.Immutable;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// What the incremental driver can reuse after an edit: every tracked step's outputs must be Cached or
/// Unchanged after an edit that touches no lock, and no generated file is rewritten; an edit that adds a
/// call of an overload already checked changes the site table only.
/// </summary>
public sealed class CachingTests
{
    private const string Locks = """
        using LockDiscipline;
        [assembly: LockOrder("first", "second")]
        public sealed class Locks
        {
            [LockClass("first")]
            private readonly KMutex _first = new();
            private readonly KSpinLock _second = new();

            [RequiresLock(nameof(_first))]
            private void Locked() { }

            public void Run()
            {
                _first.Lock();
                Locked();
                _first.Unlock();
            }
        }
        """;

    private const string Other = """
        using System.Threading;
        public sealed class Other
        {
            private readonly object _gate = new();
            public void Run() { Monitor.Enter(_gate); Monitor.Exit(_gate); }
        }
        """;

    private const string Unrelated = """
        public static class Unrelated
        {
            public static int Twice(int value) => value * 2;
        }
        """;

    private static readonly string[] TrackedSteps =
    {
        TrackingNames.Settings, TrackingNames.AnnotatedNames,
        TrackingNames.Candidates, TrackingNames.FilteredCandidates, TrackingNames.BoundCalls, TrackingNames.CheckedCalls, TrackingNames.Registry,
    };

    [Fact]
    public void An_edit_to_an_unrelated_file_reuses_every_step_and_output()
    {
        var (first, second) = RunTwice(Replace("Unrelated.cs", Unrelated.Replace("value * 2", "value + value") + "\npublic sealed class Added { public void Call() => Unrelated.Twice(1); }\n"));

        foreach (var step in TrackedSteps)
        {
            var reasons = Reasons(second, step);
            Assert.True(reasons.Count > 0, $"Step {step} did not run.");
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }

        Assert.All(SourceOutputReasons(second), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        Assert.Equal(first.GeneratedText(), second.GeneratedText());
    }

    [Fact]
    public void A_new_call_of_an_overload_already_checked_adds_a_site_and_no_checked_call()
    {
        var (first, second) = RunTwice(Replace("Other.cs", Other.Replace("Monitor.Exit(_gate); }", "Monitor.Exit(_gate); }\n    public void More() { Monitor.Enter(_gate); Monitor.Exit(_gate); }")));

        Assert.All(Reasons(second, TrackingNames.CheckedCalls), reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
        Assert.Equal(Generated(first, "LockDiscipline.CheckedCalls.g.cs"), Generated(second, "LockDiscipline.CheckedCalls.g.cs"));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Registry));
        Assert.Contains("Other.More", Generated(second, "LockDiscipline.LockClasses.g.cs"));
        Assert.DoesNotContain("Other.More", Generated(first, "LockDiscipline.LockClasses.g.cs"));
    }

    /// <summary>
    /// A project with no lock operation and no annotated call (most projects that merely reference a library
    /// built with LockDiscipline): nothing is generated, nothing is bound, and an edit changes neither.
    /// </summary>
    [Fact]
    public void A_project_with_nothing_to_check_generates_nothing_before_and_after_an_edit()
    {
        var first = GeneratorHarness.Run(new[] { ("Unrelated.cs", Unrelated) });
        var edited = first.Output.ReplaceSyntaxTree(
            first.Output.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Unrelated.Replace("value * 2", "value + value"), GeneratorHarness.ParseOptions(), GeneratorHarness.ProjectDirectory + "Unrelated.cs"));
        var driver = first.Driver.RunGenerators(edited);
        var second = new GeneratorRun(driver, driver.GetRunResult(), edited, ImmutableArray<Diagnostic>.Empty);

        Assert.Empty(first.Sources);
        Assert.Empty(second.Sources);
        Assert.Empty(Reasons(second, TrackingNames.FilteredCandidates));
        Assert.Same(first.Result.Results.Single().TrackedSteps[TrackingNames.BoundCalls].Single().Outputs.Single().Value, second.Result.Results.Single().TrackedSteps[TrackingNames.BoundCalls].Single().Outputs.Single().Value);
        Assert.All(Reasons(second, TrackingNames.BoundCalls), reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
    }

    private static string Generated(GeneratorRun run, string hintName) => run.Sources.Single(s => s.HintName == hintName).SourceText.ToString();

    [Fact]
    public void Using_a_new_lock_class_changes_the_registry()
    {
        var (_, second) = RunTwice(Replace("Unrelated.cs", Unrelated + "\npublic sealed class Holder { [LockDiscipline.LockClass(\"third\")] public readonly LockDiscipline.KMutex Third = new(); public void Use() { Third.Lock(); Third.Unlock(); } }\n"));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Registry));
        Assert.Contains("\"third\"", second.Sources.Single(s => s.HintName == "LockDiscipline.LockClasses.g.cs").SourceText.ToString());
    }

    private static (GeneratorRun First, GeneratorRun Second) RunTwice(Func<Compilation, Compilation> edit)
    {
        var first = GeneratorHarness.Run(new[] { ("Locks.cs", Locks), ("Other.cs", Other), ("Unrelated.cs", Unrelated) });
        first.AssertCompiles();
        var original = first.Output.RemoveSyntaxTrees(first.Output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)));
        var edited = edit(original);
        var driver = first.Driver.RunGeneratorsAndUpdateCompilation(edited, out var output, out var diagnostics);
        var second = new GeneratorRun(driver, driver.GetRunResult(), output, diagnostics);
        second.AssertCompiles();
        return (first, second);
    }

    private static Func<Compilation, Compilation> Replace(string file, string source) => compilation =>
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == GeneratorHarness.ProjectDirectory + file);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, (CSharpParseOptions)old.Options, old.FilePath));
    };

    private static List<IncrementalStepRunReason> Reasons(GeneratorRun run, string step)
        => run.Result.Results.Single().TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList()
            : new List<IncrementalStepRunReason>();

    private static IEnumerable<IncrementalStepRunReason> SourceOutputReasons(GeneratorRun run)
        => run.Result.Results.Single().TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);
}
