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

    /// <summary>The same class written without target-typed new, for language versions below C# 9.</summary>
    private static readonly (string, string)[] OldLanguageSource =
    {
        ("Counter.cs", "using LockDiscipline; public sealed class Counter { private readonly KMutex _mutex = new KMutex(); public void Add() { _mutex.Lock(); _mutex.Unlock(); } }"),
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

    /// <summary>
    /// netstandard2.0, net48 and net6.0 projects default to a C# below 11: checks that are only on by
    /// default (the package's targets chose the value, or no property at all) are off there without a
    /// word, so a strict Debug build of such a project stays clean.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Checks_on_by_default_below_CSharp_11_are_off_without_a_diagnostic(bool propertiesFromThePackage)
    {
        var properties = propertiesFromThePackage
            ? GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", "true"), ("LockDisciplineRuntimeChecksIsDefault", "true"))
            : GeneratorHarness.Properties();
        var run = GeneratorHarness.Run(OldLanguageSource, properties, GeneratorHarness.ParseOptions(version: LanguageVersion.CSharp7_3));

        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    /// <summary>A project that set LockDisciplineRuntimeChecks itself is told why it gets no checks.</summary>
    [Fact]
    public void Checks_asked_for_below_CSharp_11_are_LDG002_and_no_output()
    {
        var run = GeneratorHarness.Run(OldLanguageSource, GeneratorHarness.ChecksOn, GeneratorHarness.ParseOptions(version: LanguageVersion.CSharp10));

        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("LDG002", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("C# 11", diagnostic.GetMessage());
    }
}
