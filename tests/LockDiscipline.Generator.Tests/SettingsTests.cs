using LockDiscipline.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Generator.Tests;

/// <summary>LockDisciplineRuntimeChecks, and the checks in every language version the generator may meet.</summary>
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
    public void Checks_off_emits_nothing_in_an_old_language_version_either()
    {
        var run = GeneratorHarness.Run(OldLanguageSource, GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", "false")), GeneratorHarness.ParseOptions(LanguageVersion.CSharp7_3));

        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Theory]
    [InlineData("true", OptimizationLevel.Release)]
    [InlineData("True", OptimizationLevel.Debug)]
    public void Checks_on_emits_the_registry_and_the_checked_calls(string value, OptimizationLevel optimization)
    {
        var run = GeneratorHarness.Run(Source, GeneratorHarness.Properties(("LockDisciplineRuntimeChecks", value)), optimization: optimization);

        Assert.Equal(new[] { "LockDiscipline.CheckedCalls.g.cs", "LockDiscipline.LockClasses.g.cs" }, run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
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

    /// <summary>
    /// The generated code is plain C# the weaver calls: no interceptor, so no InterceptorsNamespaces and no
    /// C# 11. netstandard2.0 and net48 projects default to C# 7.3 and net6.0 ones to C# 10; each gets the
    /// checks, whether the package's targets or the project chose them, without a diagnostic, and the
    /// generated code compiles there, nullable annotations left out where the language has none.
    /// </summary>
    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, false)]
    [InlineData(LanguageVersion.CSharp7_3, true)]
    [InlineData(LanguageVersion.CSharp10, true)]
    public void Checks_are_generated_in_every_language_version(LanguageVersion version, bool propertyFromThePackage)
    {
        var properties = propertyFromThePackage ? GeneratorHarness.ChecksOn : GeneratorHarness.Properties();
        var run = GeneratorHarness.Run(OldLanguageSource, properties, GeneratorHarness.ParseOptions(version));

        Assert.Equal(new[] { "LockDiscipline.CheckedCalls.g.cs", "LockDiscipline.LockClasses.g.cs" }, run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(version >= LanguageVersion.CSharp8, run.GeneratedText().Contains("#nullable enable", StringComparison.Ordinal));
        run.AssertCompiles();
    }
}
