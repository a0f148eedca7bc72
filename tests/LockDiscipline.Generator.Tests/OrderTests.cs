using LockDiscipline.Generator.Model;
using LockDiscipline.Generator.Parse;
using LockDiscipline.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator.Tests;

/// <summary>Declared orders turned into ranks, and LDG001 when they contradict each other.</summary>
public sealed class OrderTests
{
    [Fact]
    public void Contradicting_declarations_are_LDG001_at_the_attribute_and_leave_the_cycle_unranked()
    {
        const string source = """
            using LockDiscipline;

            [assembly: LockOrder("a", "b")]

            public sealed class Locks
            {
                [LockClass("a")]
                public readonly KMutex A = new();

                [LockClass("b")]
                [AcquiredBefore("a")]
                public readonly KMutex B = new();

                [AcquiredAfter("b")]
                public readonly KMutex C = new();
            }
            """;
        var run = GeneratorHarness.Run("Locks.cs", source);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("LDG001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("a -> b -> a", diagnostic.GetMessage());
        Assert.Equal(GeneratorHarness.ProjectDirectory + "Locks.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(2, diagnostic.Location.GetLineSpan().StartLinePosition.Line);

        var registry = run.Sources.Single(s => s.HintName == "LockDiscipline.LockClasses.g.cs").SourceText.ToString();
        Assert.Contains("RegisterClass(\"a\", global::LockDiscipline.Validation.LockClassKind.Mutex, -1)", registry);
        Assert.Contains("RegisterClass(\"b\", global::LockDiscipline.Validation.LockClassKind.Mutex, -1)", registry);
        run.AssertCompiles();
    }

    [Fact]
    public void Ranks_are_the_longest_declared_chain_to_each_class()
    {
        var edges = new[]
        {
            Edge("a", "b"), Edge("b", "c"), Edge("a", "c"), Edge("x", "c"), Edge("c", "d"),
        };

        var (ranks, cycles) = OrderRanker.Rank(edges, new HashSet<string>());

        Assert.Empty(cycles);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 0, ["b"] = 1, ["c"] = 2, ["d"] = 3, ["x"] = 0 }, ranks.OrderBy(p => p.Key).ToDictionary());
    }

    [Fact]
    public void A_name_that_must_be_a_LockClass_but_is_not_drops_its_edges_only()
    {
        var edges = new[]
        {
            new OrderEdge(new OrderEndpoint("a", true), new OrderEndpoint("typo", true), null),
            new OrderEdge(new OrderEndpoint("a", true), new OrderEndpoint("c", true), null),
        };

        var (ranks, _) = OrderRanker.Rank(edges, new HashSet<string> { "a", "c" });

        Assert.Equal(new Dictionary<string, int> { ["a"] = 0, ["c"] = 1 }, ranks.OrderBy(p => p.Key).ToDictionary());
    }

    [Fact]
    public void Each_cycle_is_reported_once_and_the_rest_is_still_ranked()
    {
        var edges = new[]
        {
            Edge("p", "q"), Edge("q", "r"), Edge("r", "p"), Edge("self", "self"), Edge("r", "after"), Edge("first", "after"),
        };

        var (ranks, cycles) = OrderRanker.Rank(edges, new HashSet<string>());

        Assert.Equal(new[] { "p -> q -> r -> p", "self -> self" }, cycles.Select(c => string.Join(" -> ", c.Classes)));
        Assert.Equal(new Dictionary<string, int> { ["after"] = 1, ["first"] = 0 }, ranks.OrderBy(p => p.Key).ToDictionary());
    }

    private static OrderEdge Edge(string before, string after)
        => new(new OrderEndpoint(before, false), new OrderEndpoint(after, false), null);
}
