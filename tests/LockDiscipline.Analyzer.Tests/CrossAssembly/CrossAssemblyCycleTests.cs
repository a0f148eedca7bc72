using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.CrossAssembly;

/// <summary>
/// Lock-order cycles that close across an assembly boundary: the library holds its lock while it calls
/// back into code it does not know (a listener interface, a delegate parameter); the app's callback takes
/// the app's lock, and the app elsewhere calls into the library holding that lock. Reported in the app, at
/// its own acquisition, naming the library's sites by file and line; clean in a consistent order; the
/// library alone is clean.
/// </summary>
public class CrossAssemblyCycleTests
{
    /// <summary>Publish calls the listener at line 22 under the lock taken at 20; Run calls the callback (through a private helper, line 34) under the lock taken at 28.</summary>
    internal const string Library = """
        namespace Lib
        {
            public interface IListener
            {
                void OnChanged();
            }

            public sealed class Registry
            {
                private readonly object _gate = new object();
                private IListener? _listener;

                public void Subscribe(IListener listener)
                {
                    lock (_gate) { _listener = listener; }
                }

                public void Publish()
                {
                    lock (_gate)
                    {
                        _listener?.OnChanged();
                    }
                }

                public void Run(System.Action callback)
                {
                    lock (_gate)
                    {
                        Invoke(callback);
                    }
                }

                private static void Invoke(System.Action callback) => callback();
            }
        }
        """;

    internal static readonly Lazy<TwoAssemblies.Library> Built = TwoAssemblies.Shared(() => TwoAssemblies.BuildLibrary(Library));

    [Fact]
    public void Library_alone_is_clean()
    {
        var compilation = TestCompilation.Create(new[] { ("/lib/Library.cs", Library) }, assemblyName: "Library");
        Assert.Empty(AnalyzerRunner.Run(compilation));
    }

    [Fact]
    public void Interface_callback_under_the_library_lock_closes_a_cycle_in_the_app()
    {
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Cache : Lib.IListener
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Registry _registry = new Lib.Registry();

                    public Cache() { _registry.Subscribe(this); }

                    public void OnChanged()
                    {
                        lock ({|LD0001:Sync|}) { }
                    }

                    public void Refresh()
                    {
                        lock (Sync)
                        {
                            _registry.Publish();
                        }
                    }
                }
            }
            """, Built.Value.Reference).Single();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Cache.Sync' while holding 'Registry._gate' (Registry.Publish at Library.cs:22 -> Cache.OnChanged at App.cs:12), "
            + "but the existing dependency chain is 'Cache.Sync' -> 'Registry._gate' (Cache.Refresh at App.cs:19 -> Registry.Publish at Library.cs:20)",
            diagnostic.GetMessage());
        Assert.Equal(new[] { 17, 19 }, AdditionalLines(diagnostic));
    }

    [Fact]
    public void Interface_callback_in_a_consistent_order_is_clean()
        => TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Cache : Lib.IListener
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Registry _registry = new Lib.Registry();

                    public Cache() { _registry.Subscribe(this); }

                    public void OnChanged()
                    {
                        lock (Sync) { }
                    }

                    public void Refresh()
                    {
                        _registry.Publish();
                        lock (Sync) { }
                    }
                }
            }
            """, Built.Value.Reference);

    [Fact]
    public void Delegate_parameter_invoked_under_the_library_lock_closes_a_cycle_in_the_app()
    {
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Registry _registry = new Lib.Registry();

                    public void Update()
                    {
                        _registry.Run(() => { lock ({|LD0001:Sync|}) { } });
                    }

                    public void Flush()
                    {
                        lock (Sync)
                        {
                            _registry.Publish();
                        }
                    }
                }
            }
            """, Built.Value.Reference).Single();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Worker.Sync' while holding 'Registry._gate' (Registry.Run at Library.cs:34 -> lambda in Worker.Update at App.cs:10), "
            + "but the existing dependency chain is 'Worker.Sync' -> 'Registry._gate' (Worker.Flush at App.cs:17 -> Registry.Publish at Library.cs:20)",
            diagnostic.GetMessage());
        Assert.Equal(new[] { 15, 17 }, AdditionalLines(diagnostic));
    }

    [Fact]
    public void Delegate_parameter_in_a_consistent_order_is_clean()
        => TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Registry _registry = new Lib.Registry();

                    public void Update()
                    {
                        _registry.Run(() => { lock (Sync) { } });
                    }

                    public void Flush()
                    {
                        _registry.Publish();
                        lock (Sync) { }
                    }
                }
            }
            """, Built.Value.Reference);

    /// <summary>A public event the library raises under its lock reaches the handler the app adds.</summary>
    [Fact]
    public void Event_raised_under_the_library_lock_reaches_the_app_handler()
    {
        var library = TwoAssemblies.BuildLibrary("""
            namespace Lib
            {
                public sealed class Feed
                {
                    private readonly object _gate = new object();
                    public event System.Action? Changed;
                    public void Post()
                    {
                        lock (_gate) { Changed?.Invoke(); }
                    }
                }
            }
            """, "Feeds");
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class View
                {
                    private static readonly object Sync = new object();
                    public View(Lib.Feed feed) { feed.Changed += Redraw; }
                    private void Redraw() { lock ({|LD0001:Sync|}) { } }
                    public void Show(Lib.Feed feed) { lock (Sync) { feed.Post(); } }
                }
            }
            """, library.Reference).Single();
        Assert.Contains("(Feed.Post at Feeds.cs:9 -> View.Redraw at App.cs:7)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Three assemblies, as modules stack: a relay library calls the registry library holding its own lock,
    /// the app calls the relay holding its lock, and the registry calls the app's listener holding its lock.
    /// The relay's summary names the registry's method; the app reads both summaries and closes the cycle.
    /// </summary>
    [Fact]
    public void Cycle_through_two_libraries_closes_in_the_app()
    {
        var relay = TwoAssemblies.BuildLibrary("""
            namespace Relay
            {
                public sealed class Forwarder
                {
                    private readonly object _relay = new object();
                    private readonly Lib.Registry _registry;
                    public Forwarder(Lib.Registry registry) { _registry = registry; }
                    public void Forward()
                    {
                        lock (_relay) { _registry.Publish(); }
                    }
                }
            }
            """, "Relays", new[] { Built.Value.Reference });
        Assert.NotNull(relay.GeneratedSource);
        var diagnostics = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Cache : Lib.IListener
                {
                    private static readonly object Sync = new object();
                    private readonly Relay.Forwarder _forwarder;
                    public Cache(Lib.Registry registry) { registry.Subscribe(this); _forwarder = new Relay.Forwarder(registry); }
                    public void OnChanged() { lock ({|LD0001:{|LD0001:{|LD0001:Sync|}|}|}) { } }
                    public void Refresh() { lock (Sync) { _forwarder.Forward(); } }
                }
            }
            """, Built.Value.Reference, relay.Reference);

        // Each elementary cycle of the three classes once, as for one compilation: Sync -> _gate -> Sync,
        // Sync -> _relay -> Sync (through Forward's call), and the one through all three assemblies.
        var messages = diagnostics.Select(d => d.GetMessage()).ToArray();
        Assert.Contains(messages, m => m.Contains(
            "acquiring 'Cache.Sync' while holding 'Registry._gate' (Registry.Publish at Library.cs:22 -> Cache.OnChanged at App.cs:8), but the existing dependency chain is "
            + "'Cache.Sync' -> 'Forwarder._relay' (Cache.Refresh at App.cs:9 -> Forwarder.Forward at Relays.cs:10), "
            + "then 'Forwarder._relay' -> 'Registry._gate' (Forwarder.Forward at Relays.cs:10 -> Registry.Publish at Library.cs:20)", StringComparison.Ordinal));
    }

    /// <summary>A callback the app passes to one library, which passes it on unchanged to another that invokes it under its lock.</summary>
    [Fact]
    public void Delegate_passed_on_from_library_to_library_reaches_the_app_lambda()
    {
        var core = TwoAssemblies.BuildLibrary("""
            namespace Lib
            {
                public static class Core
                {
                    private static readonly object Gate = new object();
                    public static void With(System.Action action)
                    {
                        lock (Gate) { action(); }
                    }
                }
            }
            """, "Cores");
        var middle = TwoAssemblies.BuildLibrary("""
            namespace Lib
            {
                public static class Middle
                {
                    public static void Run(System.Action action) => Core.With(action);
                }
            }
            """, "Middles", new[] { core.Reference });
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Job
                {
                    private static readonly object Sync = new object();
                    public void Update() { Lib.Middle.Run(() => { lock ({|LD0001:Sync|}) { } }); }
                    public void Flush() { lock (Sync) { Lib.Core.With(() => { }); } }
                }
            }
            """, core.Reference, middle.Reference).Single();
        Assert.Contains("acquiring 'Job.Sync' while holding 'Core.Gate' (Core.With at Cores.cs:8 -> lambda in Job.Update at App.cs:6)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>A delegate handed to an assembly without a summary is never seen invoked, as before: Task.Run is not a callback under a lock.</summary>
    [Fact]
    public void Library_without_a_summary_adds_nothing()
    {
        var plain = TwoAssemblies.BuildLibrary(Library, disabledOutputs: IncrementalGeneratorOutputKind.Implementation);
        Assert.Null(plain.GeneratedSource);
        TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Registry _registry = new Lib.Registry();

                    public void Update()
                    {
                        _registry.Run(() => { lock (Sync) { } });
                    }

                    public void Flush()
                    {
                        lock (Sync) { _registry.Publish(); }
                    }
                }
            }
            """, plain.Reference);
    }

    /// <summary>A cycle among the library's own classes is the library's to report: its sites are not in the app.</summary>
    [Fact]
    public void Cycle_wholly_inside_a_library_is_not_reported_in_the_app()
    {
        var library = TwoAssemblies.BuildLibrary("""
            namespace Lib
            {
                public sealed class Pair
                {
                    private readonly object _a = new object(), _b = new object();
                    public void Forward() { lock (_a) { lock (_b) { } } }
                    public void Backward() { lock (_b) { lock (_a) { } } }
                }
            }
            """, "Pairs");
        TwoAssemblies.VerifyApp("""
            namespace App
            {
                public static class User
                {
                    public static void Use(Lib.Pair pair) { pair.Forward(); pair.Backward(); }
                }
            }
            """, library.Reference);
    }

    private static int[] AdditionalLines(Diagnostic diagnostic)
    {
        Assert.All(diagnostic.AdditionalLocations, location => Assert.True(location.IsInSource, $"{location} is not a site of the app."));
        return diagnostic.AdditionalLocations.Select(l => l.GetLineSpan().StartLinePosition.Line + 1).ToArray();
    }
}
