using System.Reflection;
using System.Runtime.Loader;
using LockDiscipline.Analyzer.Summaries.Assemblies;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.CrossAssembly;

/// <summary>
/// What the summary generator puts into a library: one assembly attribute, the same bytes for the same
/// code, no public type or member, in Release as in Debug; nothing when the surface locks nothing; and
/// nothing while the IDE runs generators (implementation outputs are build-only).
/// </summary>
public class SummaryEmissionTests
{
    [Fact]
    public void Same_code_gives_the_same_summary()
    {
        var first = TwoAssemblies.BuildLibrary(CrossAssemblyCycleTests.Library);
        var second = TwoAssemblies.BuildLibrary(CrossAssemblyCycleTests.Library);
        Assert.NotNull(first.GeneratedSource);
        Assert.Equal(first.GeneratedSource, second.GeneratedSource);
    }

    [Fact]
    public void Summary_lists_the_surface_with_the_sites_its_internals_reach()
    {
        var encoded = TwoAssemblies.EncodedSummary(CrossAssemblyCycleTests.Built.Value)!;
        var summary = SummaryEncoding.Decode(Convert.FromBase64String(encoded), out var problem)!;
        Assert.Null(problem);
        var lines = summary.Methods.SelectMany(method =>
            method.Acquisitions.Select(a => $"{method.DocumentationId} takes {summary.Classes[a.Class].Key} at {summary.Files[a.Site.File]}:{a.Site.Line}")
                .Concat(method.Calls.Select(c => $"{method.DocumentationId} {c.Kind} {c.Target}#{c.Parameter} at {summary.Files[c.Site.File]}:{c.Site.Line} holding {string.Join(",", c.Held.Select(h => summary.Classes[h.Class].Key))}")));
        Assert.Equal(
            new[]
            {
                "M:Lib.Registry.Publish takes member:F:Lib.Registry._gate at Library.cs:20",
                "M:Lib.Registry.Publish Virtual M:Lib.IListener.OnChanged#-1 at Library.cs:22 holding member:F:Lib.Registry._gate",
                "M:Lib.Registry.Run(System.Action) takes member:F:Lib.Registry._gate at Library.cs:28",
                // Folded from the private helper: its parameter is Run's parameter 0.
                "M:Lib.Registry.Run(System.Action) ParameterDelegate #0 at Library.cs:34 holding member:F:Lib.Registry._gate",
                "M:Lib.Registry.Subscribe(Lib.IListener) takes member:F:Lib.Registry._gate at Library.cs:15",
            },
            lines);
    }

    [Fact]
    public void Summary_adds_no_public_type_or_member()
    {
        var with = TwoAssemblies.BuildLibrary(CrossAssemblyCycleTests.Library);
        var without = TwoAssemblies.BuildLibrary(CrossAssemblyCycleTests.Library, disabledOutputs: IncrementalGeneratorOutputKind.Implementation);
        Assert.Null(without.GeneratedSource);

        var (withApi, withMetadata) = PublicApi(with.Image);
        var (withoutApi, withoutMetadata) = PublicApi(without.Image);
        Assert.NotEmpty(withApi);
        Assert.Equal(withoutApi, withApi);
        Assert.Equal(new[] { SummaryAttribute.Key }, withMetadata.Except(withoutMetadata));
    }

    [Fact]
    public void Release_builds_carry_the_summary_and_close_the_cycle()
    {
        var release = TwoAssemblies.BuildLibrary(CrossAssemblyCycleTests.Library, optimization: OptimizationLevel.Release);
        Assert.Equal(TwoAssemblies.EncodedSummary(CrossAssemblyCycleTests.Built.Value), TwoAssemblies.EncodedSummary(release));
        var diagnostics = TwoAssemblies.AnalyzeApp("""
            namespace App
            {
                public sealed class Cache : Lib.IListener
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Registry _registry = new Lib.Registry();
                    public Cache() { _registry.Subscribe(this); }
                    public void OnChanged() { lock (Sync) { } }
                    public void Refresh() { lock (Sync) { _registry.Publish(); } }
                }
            }
            """, release.Reference);
        Assert.Equal("LD0001", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Surface_that_locks_and_calls_back_nothing_carries_no_summary()
    {
        var library = TwoAssemblies.BuildLibrary("""
            namespace Lib
            {
                public sealed class Counter
                {
                    private readonly object _gate = new object();
                    private int _count;
                    public int Count => _count;
                    internal void Add() { lock (_gate) { _count++; } }
                }
            }
            """, "Plain");
        Assert.Null(library.GeneratedSource);
    }

    /// <summary>Only libraries carry a summary: a program's build does not pay for one.</summary>
    [Fact]
    public void Programs_carry_no_summary()
    {
        var program = CrossAssemblyCycleTests.Library + "\nstatic class Program { static void Main() { } }\n";
        Assert.NotNull(SummaryGenerator.Encode(Harness.TestCompilation.Create(new[] { ("/lib/Library.cs", program) }), CancellationToken.None));
        Assert.Null(SummaryGenerator.Encode(Harness.TestCompilation.Create(new[] { ("/lib/Library.cs", program) }, OutputKind.ConsoleApplication), CancellationToken.None));
    }

    /// <summary>Public types, and their public and protected members, as reflection sees the built assembly; and the keys of its AssemblyMetadata.</summary>
    private static (string[] Api, string[] MetadataKeys) PublicApi(byte[] image)
    {
        var context = new AssemblyLoadContext("public-api", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(image));
            var api = assembly.GetExportedTypes()
                .SelectMany(type => type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                    .Where(member => member switch
                    {
                        MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly,
                        FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
                        Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
                        _ => true,
                    })
                    .Select(member => type.FullName + "::" + member))
                .Concat(assembly.GetExportedTypes().Select(type => type.FullName!))
                .OrderBy(line => line, StringComparer.Ordinal)
                .ToArray();
            var keys = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Select(attribute => attribute.Key).ToArray();
            return (api, keys);
        }
        finally
        {
            context.Unload();
        }
    }
}
