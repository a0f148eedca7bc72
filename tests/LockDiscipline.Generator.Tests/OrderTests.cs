using LockDiscipline.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// Declared orders reach the runtime as pairs of class keys, resolved by the shared lock model exactly as
/// LD0002 reads them; contradictions are LDG001 and are left out.
/// </summary>
public sealed class OrderTests
{
    private const string RegistryHint = "LockDiscipline.LockClasses.g.cs";

    [Fact]
    public void Contradicting_declarations_are_LDG001_at_the_first_attribute_and_are_not_passed_on()
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

        var registry = Registry(run);
        Assert.Contains("RegisterClass(\"name:b\", \"b\", global::LockDiscipline.Validation.LockClassKind.Mutex)", registry);
        Assert.Contains("RegisterClass(\"member:F:Locks.C\", \"Locks.C\", global::LockDiscipline.Validation.LockClassKind.Mutex)", registry);
        Assert.Contains("DeclareOrder(Name_b, Field_Locks_DC, \"Locks.cs:14\")", registry);
        Assert.DoesNotContain("Name_a", registry);
        run.AssertCompiles();
    }

    [Fact]
    public void Member_paths_and_type_qualified_names_become_pairs_of_member_keys()
    {
        const string source = """
            using LockDiscipline;

            [assembly: LockOrder("N3.Registry._outer", "N3.Registry._inner")]

            namespace N3
            {
                public sealed class Registry
                {
                    private readonly object _outer = new();
                    private readonly object _inner = new();
                }
            }
            """;
        var registry = Registry(GeneratorHarness.Run("Orders.cs", source));

        Assert.Contains("RegisterClass(\"member:F:N3.Registry._outer\", \"Registry._outer\", global::LockDiscipline.Validation.LockClassKind.Monitor)", registry);
        Assert.Contains("DeclareOrder(Field_N3_DRegistry_D__outer, Field_N3_DRegistry_D__inner, \"Orders.cs:3\")", registry);
    }

    [Fact]
    public void A_name_that_resolves_to_nothing_drops_only_its_own_pairs()
    {
        const string source = """
            using LockDiscipline;

            [assembly: LockOrder("a", "typo", "c")]

            public sealed class Locks
            {
                [LockClass("a")] public readonly KMutex A = new();
                [LockClass("c")] public readonly KMutex C = new();
            }
            """;
        var registry = Registry(GeneratorHarness.Run("Locks.cs", source));

        Assert.Contains("DeclareOrder(Name_a, Name_c, \"Locks.cs:3\")", registry);
        Assert.DoesNotContain("typo", registry);
    }

    [Fact]
    public void Each_cycle_is_reported_once_and_the_other_orders_are_still_passed_on()
    {
        const string source = """
            using LockDiscipline;

            [assembly: LockOrder("p", "q", "r")]
            [assembly: LockOrder("r", "p")]
            [assembly: LockOrder("first", "after")]

            public sealed class Locks
            {
                [LockClass("p")] public readonly KMutex P = new();
                [LockClass("q")] public readonly KMutex Q = new();
                [LockClass("r")] public readonly KMutex R = new();
                [LockClass("first")] public readonly KMutex First = new();
                [LockClass("after")] public readonly KMutex After = new();
            }
            """;
        var run = GeneratorHarness.Run("Locks.cs", source);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Contains("p -> q -> r -> p", diagnostic.GetMessage());
        var registry = Registry(run);
        Assert.Contains("DeclareOrder(Name_first, Name_after, \"Locks.cs:5\")", registry);
        Assert.DoesNotContain("DeclareOrder(Name_p", registry);
        run.AssertCompiles();
    }

    private static string Registry(GeneratorRun run)
        => run.Sources.Single(s => s.HintName == RegistryHint).SourceText.ToString();
}
