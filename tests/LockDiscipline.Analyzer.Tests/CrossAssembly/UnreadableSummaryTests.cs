using System.Collections.Immutable;
using LockDiscipline.Analyzer.Summaries.Assemblies;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.CrossAssembly;

/// <summary>
/// A reference's summary is untrusted input: cut short, corrupted, of another version or hostile, it is
/// skipped with one LD0015 naming the assembly and the reason, the rest of the analysis goes on, and the
/// analyzer neither throws nor hangs. A summary that reads but claims another assembly's methods binds nothing.
/// </summary>
public class UnreadableSummaryTests
{
    /// <summary>The app's own cycle: reported whatever the library's summary is.</summary>
    private const string App = """
        namespace App
        {
            public sealed class Store
            {
                private readonly object _a = new object(), _b = new object();
                public void Forward(Lib.Registry registry) { lock (_a) { lock (_b) { registry.Publish(); } } }
                public void Backward() { lock (_b) { lock (_a) { } } }
            }
        }
        """;

    /// <summary>The same cycle, in an app that also registers a callback with the hub library, whose summary stores and runs it.</summary>
    private const string HubApp = """
        namespace App
        {
            public sealed class Store
            {
                private readonly object _a = new object(), _b = new object();
                public void Forward(Lib.Hub hub) { lock (_a) { lock (_b) { hub.Publish(); } } }
                public void Backward() { lock (_b) { lock (_a) { } } }
                public void Listen(Lib.Hub hub) => hub.Subscribe(() => { lock (_b) { } });
            }
        }
        """;

    private static byte[] Valid => ValidOf("registry");

    /// <summary>The two libraries whose summaries are damaged: one with an interface and a delegate parameter, one with delegate slots.</summary>
    public static TheoryData<string> Libraries() => new() { "registry", "hub" };

    private static byte[] ValidOf(string library)
        => Convert.FromBase64String(TwoAssemblies.EncodedSummary(library == "hub" ? DelegateSlotTests.Built.Value : CrossAssemblyCycleTests.Built.Value)!);

    public static TheoryData<string, string, string> Corruptions()
    {
        var valid = Valid;
        var newer = (byte[])valid.Clone();
        newer[3] = 3;
        var older = (byte[])valid.Clone();
        older[3] = 1;
        return new TheoryData<string, string, string>
        {
            { "not base64", "%%% not base64 %%%", "not base64 text" },
            { "empty", "", "does not start as a LockDiscipline summary does" },
            { "another format", Convert.ToBase64String("MZ\u0090\u0000 not a summary"u8.ToArray()), "does not start as a LockDiscipline summary does" },
            { "newer version", Convert.ToBase64String(newer), "version 3, and this analyzer reads version 2" },
            { "version before delegate slots", Convert.ToBase64String(older), "version 1, and this analyzer reads version 2" },
            { "cut short", Convert.ToBase64String(valid[..^5]), "cut short" },
            { "bytes after its end", Convert.ToBase64String(valid.Append((byte)0).ToArray()), "1 bytes after its end" },
            { "huge count", Convert.ToBase64String(new byte[] { (byte)'L', (byte)'D', (byte)'S', 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }), "counts 2147483647 items with 0 bytes left" },
            { "number out of range", Convert.ToBase64String(new byte[] { (byte)'L', (byte)'D', (byte)'S', 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }), "number out of range" },
            { "class refining itself", Encode(Summary(classBase: 0)), "class 0 refines class 0, which does not come before it" },
            { "unknown call kind", Encode(Summary(callKind: (SummaryCallKind)9)), "unknown call kind (9)" },
            { "class out of range", Encode(Summary(acquiredClass: 5)), "names class 5 of 1" },
            { "too many held", Encode(Summary(held: 300)), "holds 300 locks, more than the 256" },
        };
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Unreadable_summary_is_skipped_with_one_LD0015_naming_the_assembly_and_why(string what, string encoded, string reason)
    {
        var library = Corrupt(encoded);
        var diagnostics = TwoAssemblies.AnalyzeApp(App, library.Reference);

        var skipped = Assert.Single(diagnostics, d => d.Id == "LD0015");
        Assert.Equal(Location.None, skipped.Location);
        Assert.StartsWith("the lock summary of 'Corrupt' is skipped: ", skipped.GetMessage(), StringComparison.Ordinal);
        Assert.True(skipped.GetMessage().Contains(reason, StringComparison.Ordinal), $"{what}: {skipped.GetMessage()}");

        // The analysis went on without the library: the app's own cycle, and nothing else.
        Assert.Equal(new[] { "LD0001", "LD0015" }, diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Every_cut_of_a_summary_is_refused_with_a_reason(string library)
    {
        var valid = ValidOf(library);
        for (var length = 0; length < valid.Length; length++)
        {
            Assert.Null(SummaryEncoding.Decode(valid[..length], out var problem));
            Assert.False(string.IsNullOrEmpty(problem), $"cut at {length}");
        }

        Assert.NotNull(SummaryEncoding.Decode(valid, out var none));
        Assert.Null(none);
    }

    /// <summary>Random damage (seeded, so a failure repeats): the decoder never throws, and what it accepts is a summary it can write and read again.</summary>
    [Theory]
    [MemberData(nameof(Libraries))]
    public void Damaged_bytes_never_make_the_decoder_throw(string library)
    {
        var valid = ValidOf(library);
        var random = new Random(20261203);
        var accepted = 0;
        for (var trial = 0; trial < 5000; trial++)
        {
            var damaged = Damage(valid, random);
            if (SummaryEncoding.Decode(damaged, out var problem) is { } summary)
            {
                accepted++;
                Assert.Null(problem);

                // Written back, it reads as itself (invalid UTF-8 in a string is read as replacement characters, so not always as the damaged bytes).
                var written = SummaryEncoding.Encode(summary);
                Assert.Equal(written, SummaryEncoding.Encode(SummaryEncoding.Decode(written, out _)!));
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(problem));
            }
        }

        // Some damage leaves a well-formed summary (another line, another mode): those must bind safely too.
        Assert.InRange(accepted, 1, 4999);
    }

    /// <summary>Damaged summaries through the whole analyzer, readable or not: no exception (AD0001), no hang.</summary>
    [Theory]
    [MemberData(nameof(Libraries))]
    public void Damaged_summaries_never_make_the_analyzer_throw(string library)
    {
        var valid = ValidOf(library);
        var random = new Random(7);
        for (var trial = 0; trial < 24; trial++)
        {
            var damaged = Convert.ToBase64String(Damage(valid, random));
            var diagnostics = library == "hub"
                ? TwoAssemblies.AnalyzeApp(HubApp, Corrupt(damaged, DelegateSlotTests.Library).Reference)
                : TwoAssemblies.AnalyzeApp(App, Corrupt(damaged).Reference);
            Assert.Contains(diagnostics, d => d.Id == "LD0001");
            Assert.True(diagnostics.Count(d => d.Id == "LD0015") <= 1);
        }
    }

    [Fact]
    public void Refuses_more_than_it_reads_before_decoding()
    {
        Assert.Null(SummaryEncoding.Decode(new byte[SummaryEncoding.MaxBytes + 1], out var problem));
        Assert.Contains("more than the", problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// A well-formed summary that speaks for the app's own methods (a lock cycle through them that the app's
    /// code does not have) binds nothing: a reference's summary only describes that reference's methods.
    /// </summary>
    [Fact]
    public void Summary_cannot_speak_for_the_app()
    {
        var classes = ImmutableArray.Create(
            new SummaryClass("member:F:App.Store._a", "Store._a", LockPrimitive.Monitor, reentrant: true, declaredKind: default, nestingBase: -1),
            new SummaryClass("member:F:App.Store._b", "Store._b", LockPrimitive.Monitor, reentrant: true, declaredKind: default, nestingBase: -1));
        var site = new SummarySite(0, 1);
        var forged = new AssemblySummary(
            classes,
            ImmutableArray.Create("Forged.cs"),
            ImmutableArray.Create(new SummaryMethod(
                "M:App.Store.Backward",
                ImmutableArray.Create(new SummaryAcquisition(0, LockMode.Exclusive, null, site, ImmutableArray.Create(new SummaryHeld(1, LockMode.Exclusive, null, site)))),
                ImmutableArray<SummaryCall>.Empty,
                ImmutableArray<int>.Empty,
                ImmutableArray<int>.Empty,
                ImmutableArray<SummaryStore>.Empty)));
        var library = Corrupt(Encode(forged));
        var diagnostics = TwoAssemblies.AnalyzeApp("""
            namespace App
            {
                public sealed class Store
                {
                    private readonly object _a = new object(), _b = new object();
                    public void Forward(Lib.Registry registry) { lock (_a) { lock (_b) { registry.Publish(); } } }
                    public void Backward() { }
                }
            }
            """, library.Reference);
        Assert.Empty(diagnostics);
    }

    /// <summary>
    /// Well-formed stores and slot runs that do not fit the library's methods: a parameter it does not have, one
    /// that is not a delegate, a slot nothing stores into. They bind nothing; the app's own cycle is all there is.
    /// </summary>
    [Fact]
    public void Stores_and_slot_runs_that_do_not_fit_bind_nothing()
    {
        var site = new SummarySite(0, 3);
        var gate = ImmutableArray.Create(new SummaryHeld(0, LockMode.Exclusive, "this._gate", site));
        SummaryCall RunSlot(string slot) => new(SummaryCallKind.SlotDelegate, slot, -1, null, site, gate, ImmutableArray<int>.Empty);
        var forged = new AssemblySummary(
            ImmutableArray.Create(new SummaryClass("member:F:Lib.Registry._gate", "Registry._gate", LockPrimitive.Monitor, reentrant: true, declaredKind: default, nestingBase: -1)),
            ImmutableArray.Create("Library.cs"),
            ImmutableArray.Create(
                new SummaryMethod("M:Lib.Registry.Publish", ImmutableArray<SummaryAcquisition>.Empty, ImmutableArray.Create(RunSlot("F:Lib.Registry._listener"), RunSlot("F:Lib.Nowhere._slot"), RunSlot("F:Lib.Registry._far")), ImmutableArray<int>.Empty, ImmutableArray<int>.Empty, ImmutableArray<SummaryStore>.Empty),
                new SummaryMethod("M:Lib.Registry.Run(System.Action)", ImmutableArray<SummaryAcquisition>.Empty, ImmutableArray<SummaryCall>.Empty, ImmutableArray<int>.Empty, ImmutableArray<int>.Empty, ImmutableArray.Create(new SummaryStore(5, "F:Lib.Registry._far"))),
                new SummaryMethod("M:Lib.Registry.Subscribe(Lib.IListener)", ImmutableArray<SummaryAcquisition>.Empty, ImmutableArray<SummaryCall>.Empty, ImmutableArray<int>.Empty, ImmutableArray<int>.Empty, ImmutableArray.Create(new SummaryStore(0, "F:Lib.Registry._listener")))));
        var diagnostics = TwoAssemblies.AnalyzeApp("""
            namespace App
            {
                public sealed class Store
                {
                    private readonly object _a = new object(), _b = new object();
                    public void Forward(Lib.Registry registry) { lock (_a) { lock (_b) { registry.Publish(); } } }
                    public void Backward() { lock (_b) { lock (_a) { } } }
                    public void Listen(Lib.Registry registry) => registry.Run(() => { lock (_b) { } });
                }
            }
            """, Corrupt(Encode(forged)).Reference);
        var cycle = Assert.Single(diagnostics);
        Assert.Equal("LD0001", cycle.Id);
        Assert.DoesNotContain("Registry", cycle.GetMessage(), StringComparison.Ordinal);
    }

    private static byte[] Damage(byte[] valid, Random random)
    {
        var damaged = (byte[])valid.Clone();
        for (var change = random.Next(1, 4); change > 0; change--)
        {
            damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
        }

        return damaged;
    }

    /// <summary>A library named Corrupt whose assembly carries <paramref name="encoded"/> as its summary, written by hand, not by the generator.</summary>
    private static TwoAssemblies.Library Corrupt(string encoded, string source = CrossAssemblyCycleTests.Library)
    {
        // An assembly attribute goes after the using directives and before any namespace.
        var lines = source.Split('\n');
        var usings = lines.TakeWhile(line => line.StartsWith("using ", StringComparison.Ordinal)).Count();
        var attribute = $"[assembly: System.Reflection.AssemblyMetadata(\"{SummaryAttribute.Key}\", \"{encoded}\")]";
        return TwoAssemblies.BuildLibrary(
            string.Join('\n', lines.Take(usings).Append(attribute).Concat(lines.Skip(usings))),
            "Corrupt",
            disabledOutputs: Microsoft.CodeAnalysis.IncrementalGeneratorOutputKind.Implementation);
    }

    private static string Encode(AssemblySummary summary) => Convert.ToBase64String(SummaryEncoding.Encode(summary));

    /// <summary>A one-method summary with one class and one acquisition, bent one way.</summary>
    private static AssemblySummary Summary(int classBase = -1, SummaryCallKind callKind = SummaryCallKind.Direct, int acquiredClass = 0, int held = 0)
    {
        var site = new SummarySite(0, 3);
        var holds = Enumerable.Repeat(new SummaryHeld(0, LockMode.Exclusive, null, site), held).ToImmutableArray();
        return new AssemblySummary(
            ImmutableArray.Create(new SummaryClass("member:F:Lib.Registry._gate", "Registry._gate", LockPrimitive.Monitor, reentrant: true, declaredKind: default, nestingBase: classBase)),
            ImmutableArray.Create("Library.cs"),
            ImmutableArray.Create(new SummaryMethod(
                "M:Lib.Registry.Publish",
                ImmutableArray.Create(new SummaryAcquisition(acquiredClass, LockMode.Exclusive, "this._gate", site, holds)),
                ImmutableArray.Create(new SummaryCall(callKind, "M:Lib.IListener.OnChanged", -1, null, site, ImmutableArray<SummaryHeld>.Empty, ImmutableArray<int>.Empty)),
                ImmutableArray<int>.Empty,
                ImmutableArray<int>.Empty,
                ImmutableArray<SummaryStore>.Empty)));
    }
}
