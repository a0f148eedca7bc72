using System.Reflection;
using LockDiscipline.Validation;

// The static edges this assembly's "build" predicts, as a build with LockDisciplineStaticEdges embeds them:
// test:Registry.Gate -> test:Cache.Sync, and nothing else.
[assembly: AssemblyMetadata(StaticEdgeEncoding.MetadataKey, "LDE 1\n2\ntest:Cache.Sync\ntest:Registry.Gate\n1 0")]

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// The run checked against the analysis: with <see cref="Lockdep.CheckAgainstStaticGraph"/> on, a new
/// dependency the registering assemblies' static edges have is not reported; one taken through reflection,
/// which the analysis cannot follow, is reported once, naming the assemblies consulted.
/// </summary>
public class StaticGraphCrossCheckTests : LockdepTestBase
{
    private static readonly KMutex GateMutex = new();
    private static readonly KMutex SyncMutex = new();
    private static int s_gate;
    private static int s_sync;

    public StaticGraphCrossCheckTests()
    {
        Lockdep.CheckAgainstStaticGraph = true;
        s_gate = Register("Registry.Gate", LockClassKind.Mutex);
        s_sync = Register("Cache.Sync", LockClassKind.Mutex);
    }

    [Fact]
    public void Dependency_the_static_graph_has_is_not_reported()
    {
        RunAs("publisher", () =>
        {
            Lock(s_gate, GateMutex, At("Registry.Publish", "Registry.cs", 20));
            Lock(s_sync, SyncMutex, At("Cache.OnChanged", "Cache.cs", 8));
            Unlock(s_sync, SyncMutex, At("Cache.OnChanged", "Cache.cs", 8));
            Unlock(s_gate, GateMutex, At("Registry.Publish", "Registry.cs", 23));
        });

        Assert.Empty(Reports);
        Assert.Empty(Lockdep.UnpredictedDependencies);
        Assert.Equal(string.Empty, Lockdep.UnpredictedDependenciesReport());
    }

    [Fact]
    public void Dependency_taken_through_reflection_is_reported_once()
    {
        MethodInfo takeGate = typeof(StaticGraphCrossCheckTests).GetMethod(nameof(TakeGate), BindingFlags.NonPublic | BindingFlags.Static)!;
        for (int run = 0; run < 2; run++)
        {
            RunAs("refresher", () =>
            {
                Lock(s_sync, SyncMutex, At("Cache.Refresh", "Cache.cs", 12));
                takeGate.Invoke(null, null);
                Unlock(s_sync, SyncMutex, At("Cache.Refresh", "Cache.cs", 14));
            });
        }

        Assert.Equal(
            Expected("""
            ========================================================
            WARNING: dependency not predicted by the static analysis
            {ident}
            --------------------------------------------------------
            refresher/N acquired lock:
            (Registry.Gate){+.+.}-{3:3}, at: Registry.Publish (Registry.cs:20)

            while holding lock:
            (Cache.Sync){+.+.}-{3:3}, at: Cache.Refresh (Cache.cs:12)

            dependency not predicted by the static analysis: Cache.Sync -> Registry.Gate, at Registry.Publish (Registry.cs:20), (static graph of assemblies LockDiscipline.Runtime.Tests)

            the analysis saw both classes and no path from one to the other: a call it cannot follow (reflection, dynamic, a library without a summary, an unresolved virtual call), or a class it keys differently


            """),
            SingleReportText());
        Assert.Equal(LockdepReportKind.DependencyNotPredicted, Assert.Single(Reports).Kind);
        UnpredictedDependency found = Assert.Single(Lockdep.UnpredictedDependencies);
        Assert.Equal(("Cache.Sync", "Registry.Gate"), (found.From, found.To));
        Assert.Equal(new[] { "LockDiscipline.Runtime.Tests" }, found.StaticGraphAssemblies);
        Assert.Empty(found.FromAssembliesWithoutEdges);
        Assert.Empty(found.ToAssembliesWithoutEdges);
        Assert.Equal(found + "\n", Lockdep.UnpredictedDependenciesReport());
    }

    [Fact]
    public void Nothing_is_checked_unless_turned_on()
    {
        Lockdep.CheckAgainstStaticGraph = false;
        RunAs("refresher", () =>
        {
            Lock(s_sync, SyncMutex, At("Cache.Refresh", "Cache.cs", 12));
            TakeGate();
            Unlock(s_sync, SyncMutex, At("Cache.Refresh", "Cache.cs", 14));
        });

        Assert.Empty(Reports);
        Assert.Empty(Lockdep.UnpredictedDependencies);
    }

    [Fact]
    public void Report_says_when_a_class_comes_only_from_an_assembly_without_static_edges()
    {
        // Registered as the core library's registry would: an assembly built without LockDisciplineStaticEdges.
        int plugin = Engine.RegisterClass("test:Plugin.Lock", "Plugin.Lock", LockClassKind.Mutex, typeof(object).Assembly);
        var pluginMutex = new KMutex();
        RunAs("loader", () =>
        {
            Lock(s_gate, GateMutex, At("Registry.Load", "Registry.cs", 40));
            Lock(plugin, pluginMutex, At("Plugin.Start", "Plugin.cs", 3));
            Unlock(plugin, pluginMutex, At("Plugin.Start", "Plugin.cs", 4));
            Unlock(s_gate, GateMutex, At("Registry.Load", "Registry.cs", 41));
        });

        UnpredictedDependency found = Assert.Single(Lockdep.UnpredictedDependencies);
        Assert.Equal(("Registry.Gate", "Plugin.Lock"), (found.From, found.To));
        Assert.Empty(found.FromAssembliesWithoutEdges);
        Assert.Equal(new[] { typeof(object).Assembly.GetName().Name! }, found.ToAssembliesWithoutEdges);
        Assert.Contains(
            "Plugin.Lock is registered only by assemblies built without static edges: " + typeof(object).Assembly.GetName().Name + "\n"
            + "an assembly built without LockDisciplineStaticEdges predicts nothing: set it there to check this dependency\n",
            Assert.Single(Reports).Text);
    }

    [Fact]
    public void Cross_check_reports_are_never_thrown()
    {
        Lockdep.Mode = LockdepMode.Throw;
        RunAs("refresher", () =>
        {
            Lock(s_sync, SyncMutex, At("Cache.Refresh", "Cache.cs", 12));
            TakeGate();
            Unlock(s_sync, SyncMutex, At("Cache.Refresh", "Cache.cs", 14));
        });

        Assert.Single(Lockdep.UnpredictedDependencies);
    }

    [Fact]
    public void Environment_variable_turns_it_on_from_the_start()
    {
        Environment.SetEnvironmentVariable(Engine.StaticGraphVariable, "1");
        try
        {
            Lockdep.Reset();
            Assert.True(Lockdep.CheckAgainstStaticGraph);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Engine.StaticGraphVariable, null);
        }

        Lockdep.Reset();
        Assert.False(Lockdep.CheckAgainstStaticGraph);
    }

    /// <summary>Takes the gate, as Registry.Publish does; the tests call it where the analysis sees no call.</summary>
    private static void TakeGate()
    {
        Lock(s_gate, GateMutex, At("Registry.Publish", "Registry.cs", 20));
        Unlock(s_gate, GateMutex, At("Registry.Publish", "Registry.cs", 23));
    }
}
