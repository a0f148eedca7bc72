using LockDiscipline.Analyzer.Summaries.Assemblies;
using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.CrossAssembly;

/// <summary>
/// Callbacks a library keeps for later: a registration stores the app's delegate (in a field, a list field,
/// an object an internal helper makes), and a later call runs what the slot holds under the library's lock.
/// The app that registers a callback taking its own lock, and elsewhere calls the library holding that lock,
/// closes a cycle that its build reports; in a consistent order, or through another slot, it is clean.
/// </summary>
public class DelegateSlotTests
{
    /// <summary>
    /// Four slots: <c>_single</c> (Register, run by Fire at line 20), <c>_many</c> (Subscribe, run by Publish
    /// at 32), the callback of an <c>Entry</c> a private helper makes (Attach, run by Drain through a helper
    /// at 51), each run holding <c>_gate</c> (taken at 18, 28 and 39); and <c>_deferred</c> (Defer, run by
    /// RunDeferred at 65 before it takes <c>_gate</c>).
    /// </summary>
    internal const string Library = """
        using System;
        using System.Collections.Generic;

        namespace Lib
        {
            public sealed class Hub
            {
                private readonly object _gate = new object();
                private readonly List<Action> _many = new List<Action>();
                private readonly List<Entry> _entries = new List<Entry>();
                private Action? _single;
                private Action? _deferred;

                public void Register(Action callback) => _single = callback;

                public void Fire()
                {
                    lock (_gate)
                    {
                        _single?.Invoke();
                    }
                }

                public void Subscribe(Action callback) => _many.Add(callback);

                public void Publish()
                {
                    lock (_gate)
                    {
                        foreach (var callback in _many)
                        {
                            callback();
                        }
                    }
                }

                public void Drain()
                {
                    lock (_gate)
                    {
                        RunEntries();
                    }
                }

                public void Attach(Action callback) => Keep(callback);

                private void Keep(Action callback) => _entries.Add(new Entry(callback));

                private void RunEntries()
                {
                    foreach (var entry in _entries) entry.Callback();
                }

                private sealed class Entry
                {
                    public Entry(Action callback) => Callback = callback;

                    public Action Callback { get; }
                }

                public void Defer(Action callback) => _deferred = callback;

                public void RunDeferred()
                {
                    _deferred?.Invoke();
                    lock (_gate) { }
                }
            }
        }
        """;

    internal static readonly Lazy<TwoAssemblies.Library> Built = TwoAssemblies.Shared(() => TwoAssemblies.BuildLibrary(Library, "Hubs"));

    [Fact]
    public void Library_alone_is_clean()
    {
        var compilation = TestCompilation.Create(new[] { ("/lib/Hubs.cs", Library) }, assemblyName: "Hubs");
        Assert.Empty(AnalyzerRunner.Run(compilation));
    }

    /// <summary>What the summary says of the slots: each registration's parameter and where it lands, each run of a slot with the lock held.</summary>
    [Fact]
    public void Summary_records_each_store_and_each_run_of_a_slot()
    {
        var summary = SummaryEncoding.Decode(Convert.FromBase64String(TwoAssemblies.EncodedSummary(Built.Value)!), out var problem)!;
        Assert.Null(problem);
        var lines = summary.Methods.SelectMany(method =>
            method.Stores.Select(s => $"{method.DocumentationId} stores #{s.Parameter} in {s.Slot}")
                .Concat(method.Calls.Select(c => $"{method.DocumentationId} {c.Kind} {c.Target} at {summary.Files[c.Site.File]}:{c.Site.Line} holding {string.Join(",", c.Held.Select(h => summary.Classes[h.Class].Key))}")));
        Assert.Equal(
            new[]
            {
                "M:Lib.Hub.Attach(System.Action) stores #0 in P:Lib.Hub.Entry.Callback",
                "M:Lib.Hub.Defer(System.Action) stores #0 in F:Lib.Hub._deferred",
                "M:Lib.Hub.Drain SlotDelegate P:Lib.Hub.Entry.Callback at Hubs.cs:51 holding member:F:Lib.Hub._gate",
                "M:Lib.Hub.Fire SlotDelegate F:Lib.Hub._single at Hubs.cs:20 holding member:F:Lib.Hub._gate",
                "M:Lib.Hub.Publish SlotDelegate F:Lib.Hub._many at Hubs.cs:32 holding member:F:Lib.Hub._gate",
                "M:Lib.Hub.Register(System.Action) stores #0 in F:Lib.Hub._single",
                "M:Lib.Hub.RunDeferred SlotDelegate F:Lib.Hub._deferred at Hubs.cs:65 holding ",
                "M:Lib.Hub.Subscribe(System.Action) stores #0 in F:Lib.Hub._many",
            },
            lines);
    }

    [Fact]
    public void Callback_stored_in_a_field_and_run_under_the_library_lock_closes_a_cycle_in_the_app()
    {
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Hub _hub = new Lib.Hub();

                    public Worker() { _hub.Register(OnFired); }

                    private void OnFired()
                    {
                        lock ({|LD0001:Sync|}) { }
                    }

                    public void Flush()
                    {
                        lock (Sync) { _hub.Fire(); }
                    }
                }
            }
            """, Built.Value.Reference).Single();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Worker.Sync' while holding 'Hub._gate' (Hub.Fire at Hubs.cs:20 -> Worker.OnFired at App.cs:12), "
            + "but the existing dependency chain is 'Worker.Sync' -> 'Hub._gate' (Worker.Flush at App.cs:17 -> Hub.Fire at Hubs.cs:18)",
            diagnostic.GetMessage());
    }

    [Fact]
    public void Callback_added_to_a_list_field_and_run_in_a_loop_closes_a_cycle_in_the_app()
    {
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Hub _hub = new Lib.Hub();

                    public void Start()
                    {
                        _hub.Subscribe(() => { lock ({|LD0001:Sync|}) { } });
                    }

                    public void Flush()
                    {
                        lock (Sync) { _hub.Publish(); }
                    }
                }
            }
            """, Built.Value.Reference).Single();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Worker.Sync' while holding 'Hub._gate' (Hub.Publish at Hubs.cs:32 -> lambda in Worker.Start at App.cs:10), "
            + "but the existing dependency chain is 'Worker.Sync' -> 'Hub._gate' (Worker.Flush at App.cs:15 -> Hub.Publish at Hubs.cs:28)",
            diagnostic.GetMessage());
    }

    [Fact]
    public void Callback_kept_by_an_internal_helper_in_an_object_it_makes_closes_a_cycle_in_the_app()
    {
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Hub _hub = new Lib.Hub();

                    public void Start()
                    {
                        _hub.Attach(() => { lock ({|LD0001:Sync|}) { } });
                    }

                    public void Flush()
                    {
                        lock (Sync) { _hub.Drain(); }
                    }
                }
            }
            """, Built.Value.Reference).Single();
        Assert.Equal(
            "possible circular locking dependency detected: acquiring 'Worker.Sync' while holding 'Hub._gate' (Hub.Drain at Hubs.cs:51 -> lambda in Worker.Start at App.cs:10), "
            + "but the existing dependency chain is 'Worker.Sync' -> 'Hub._gate' (Worker.Flush at App.cs:15 -> Hub.Drain at Hubs.cs:39)",
            diagnostic.GetMessage());
    }

    [Fact]
    public void Stored_callbacks_in_a_consistent_order_are_clean()
        => TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Hub _hub = new Lib.Hub();

                    public Worker()
                    {
                        _hub.Register(() => { lock (Sync) { } });
                        _hub.Subscribe(() => { lock (Sync) { } });
                        _hub.Attach(() => { lock (Sync) { } });
                    }

                    public void Flush()
                    {
                        _hub.Fire();
                        _hub.Publish();
                        _hub.Drain();
                        lock (Sync) { }
                    }
                }
            }
            """, Built.Value.Reference);

    /// <summary>
    /// The slot decides what runs: a callback deferred into the slot the library runs outside its lock is not
    /// run by the calls that run the other slots under it.
    /// </summary>
    [Fact]
    public void Callback_in_a_slot_run_outside_the_lock_is_not_run_by_the_calls_that_run_the_others()
        => TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Hub _hub = new Lib.Hub();

                    public Worker() { _hub.Defer(() => { lock (Sync) { } }); }

                    public void Flush()
                    {
                        lock (Sync) { _hub.Fire(); _hub.Publish(); _hub.Drain(); _hub.RunDeferred(); }
                    }
                }
            }
            """, Built.Value.Reference);

    /// <summary>A library that passes the app's callback on unchanged to the registration of another: the slot run in the second reaches the app's lambda.</summary>
    [Fact]
    public void Callback_registered_through_another_library_reaches_the_slot()
    {
        var relay = TwoAssemblies.BuildLibrary("""
            namespace Relay
            {
                public static class Plugins
                {
                    public static void Load(Lib.Hub hub, System.Action onEvent) => hub.Subscribe(onEvent);
                }
            }
            """, "Relays", new[] { Built.Value.Reference });
        Assert.NotNull(relay.GeneratedSource);
        var diagnostic = TwoAssemblies.VerifyApp("""
            namespace App
            {
                public sealed class Worker
                {
                    private static readonly object Sync = new object();
                    private readonly Lib.Hub _hub = new Lib.Hub();

                    public void Start() { Relay.Plugins.Load(_hub, () => { lock ({|LD0001:Sync|}) { } }); }

                    public void Flush() { lock (Sync) { _hub.Publish(); } }
                }
            }
            """, Built.Value.Reference, relay.Reference).Single();
        Assert.Contains("acquiring 'Worker.Sync' while holding 'Hub._gate' (Hub.Publish at Hubs.cs:32 -> lambda in Worker.Start at App.cs:8)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
