using LockDiscipline.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Generator.Tests;

/// <summary>LockDisciplineRuntimeChecks and what the project must allow for the checks to be generated.</summary>
public sealed class SettingsTests
{
    private static readonly (string, string)[] Source =
    {
        ("Counter.cs", """
            using LockDiscipline;
            public sealed class Counter
            {
                private readonly KMutex _mutex = new();
                public void Add() { _mutex.Lock(); _mutex.Unlock(); }
            }
            """),
    };

    [Fact]
    public void Checks_off_emits_nothing_at_all()
    {
        var run = GeneratorHarness.Run(Source, GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", "false")));

        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
    }

    [Fact]
    public void Checks_off_emits_nothing_even_where_checks_could_not_be_generated()
    {
        var run = GeneratorHarness.Run(Source, GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", "false")), GeneratorHarness.ParseOptions(interceptorsEnabled: false));

        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Theory]
    [InlineData("true", OptimizationLevel.Release)]
    [InlineData("True", OptimizationLevel.Debug)]
    public void Checks_on_emits_the_registry_and_interceptors(string value, OptimizationLevel optimization)
    {
        var run = GeneratorHarness.Run(Source, GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", value)), optimization: optimization);

        Assert.Equal(new[] { "LockDiscipline.Interceptors.Counter.2F9CD4B9.g.cs", "LockDiscipline.LockClasses.g.cs" }, run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        run.AssertCompiles();
    }

    /// <summary>Without the package's props the property is absent: on for unoptimised (Debug) builds only.</summary>
    [Theory]
    [InlineData(OptimizationLevel.Debug, true)]
    [InlineData(OptimizationLevel.Release, false)]
    public void Without_the_property_checks_follow_the_optimization_level(OptimizationLevel optimization, bool expected)
    {
        var run = GeneratorHarness.Run(Source, GeneratorHarness.Properties(), optimization: optimization);

        Assert.Equal(expected, run.Sources.Length > 0);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void Interceptors_not_enabled_for_the_namespace_is_LDG002_and_no_output()
    {
        var parseOptions = GeneratorHarness.ParseOptions(interceptorsEnabled: false);
        var run = GeneratorHarness.Run(Source, parseOptions: parseOptions);

        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("LDG002", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("InterceptorsNamespaces", diagnostic.GetMessage());
        run.AssertCompiles();
    }

    [Fact]
    public void Interceptors_enabled_among_other_namespaces_are_accepted()
    {
        var parseOptions = GeneratorHarness.ParseOptions(interceptorsEnabled: false)
            .WithFeatures(new[] { new KeyValuePair<string, string>("InterceptorsNamespaces", "Other.Generated;LockDiscipline.Generated") });
        var run = GeneratorHarness.Run(Source, parseOptions: parseOptions);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.Sources);
        run.AssertCompiles();
    }

    [Fact]
    public void A_language_version_without_file_local_types_is_LDG002_and_no_output()
    {
        var source = new[] { ("Counter.cs", "using LockDiscipline; public sealed class Counter { private readonly KMutex _mutex = new KMutex(); public void Add() { _mutex.Lock(); _mutex.Unlock(); } }") };
        var run = GeneratorHarness.Run(source, parseOptions: GeneratorHarness.ParseOptions(version: LanguageVersion.CSharp10));

        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("LDG002", diagnostic.Id);
        Assert.Contains("C# 11", diagnostic.GetMessage());
    }
}
