using System.Collections.Immutable;
using LockDiscipline.Analyzer.Baseline;
using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzer.Tests.Baseline;

/// <summary>
/// The baseline: its keys (rule, member, lock classes; never a line), its file format, the analyzer
/// dropping the findings it lists and no others, LD0016 for lines it cannot read, and reports that do
/// not move when the compiler gets its files in another order.
/// </summary>
public sealed class BaselineTests
{
    private const string CachePath = "/src/Cache.cs";

    private const string Cache = """
        namespace Shop
        {
            class Cache
            {
                readonly object _items = new(), _stats = new();
                void Add()  { lock (_items) { lock (_stats) { } } }
                void Dump() { lock (_stats) { lock (_items) { } } }
            }
        }
        """;

    private const string CacheReordered = """
        namespace Shop
        {
            class Cache
            {
                void Dump() { lock (_stats) { lock (_items) { } } }

                readonly object _items = new(), _stats = new();

                void Add()  { lock (_items) { lock (_stats) { } } }
            }
        }
        """;

    private const string Gate = """
        namespace Shop
        {
            class Gate
            {
                readonly object _lock = new();
                void Leak(bool early)
                {
                    System.Threading.Monitor.Enter(_lock);
                    if (early) return;
                    System.Threading.Monitor.Exit(_lock);
                }
            }
        }
        """;

    private const string CycleKey = "LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats";

    [Fact]
    public void A_cycle_is_keyed_by_its_classes_and_a_body_finding_by_its_member_too()
    {
        var keys = Keys((CachePath, Cache), ("/src/Gate.cs", Gate));

        Assert.Equal(new[] { CycleKey, "LD0007 M:Shop.Gate.Leak(System.Boolean) member:F:Shop.Gate._lock" }, keys);
    }

    [Fact]
    public void The_file_is_a_version_header_then_the_keys_sorted_once_each()
    {
        var keys = new[]
        {
            BaselineKey.Create("LD0007", "M:Shop.Gate.Leak", new[] { "member:F:Shop.Gate._lock" }),
            BaselineKey.Create("LD0001", "*", new[] { "member:F:Shop.Cache._stats", "member:F:Shop.Cache._items" }),
            BaselineKey.Create("LD0007", "M:Shop.Gate.Leak", new[] { "member:F:Shop.Gate._lock" }),
            BaselineKey.Create("LD0002", "M:Shop.Bus.Probe", new[] { "name:&(&priv->bus_notifier)->rwsem", "name:100%" }),
        };

        Assert.Equal(
            "# lockdiscipline-baseline v1\n"
            + "# Accepted LockDiscipline findings, one per line: rule, member (documentation ID), lock classes.\n"
            + "# Written by `lockdiscipline baseline`; a finding listed here is not reported as an error.\n"
            + "LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats\n"
            + "LD0002 M:Shop.Bus.Probe name:&(&priv->bus_notifier)->rwsem name:100%25\n"
            + "LD0007 M:Shop.Gate.Leak member:F:Shop.Gate._lock\n",
            BaselineFile.Write(keys));
    }

    [Fact]
    public void A_written_file_reads_back_to_the_same_keys_escapes_included()
    {
        var key = BaselineKey.Create("LD0004", "M:Irq.Handler(System.Int32)", new[] { "name:a lock with spaces", "name:100%" });

        var read = BaselineFile.Parse("/p/lockdiscipline.baseline", SourceText.From(BaselineFile.Write(new[] { key })));

        Assert.Null(read.FirstProblem);
        Assert.Equal(new[] { "LD0004 M:Irq.Handler(System.Int32) name:100%25 name:a%20lock%20with%20spaces" }, read.Keys);
        Assert.Equal(key.Text, Assert.Single(read.Keys));
    }

    [Fact]
    public void A_finding_in_the_baseline_is_not_reported_and_the_others_are()
    {
        var diagnostics = Run(new[] { (CachePath, Cache), ("/src/Gate.cs", Gate) }, Baseline(CycleKey));

        var left = Assert.Single(diagnostics);
        Assert.Equal("LD0007", left.Id);
    }

    [Fact]
    public void A_baseline_of_other_classes_or_another_rule_accepts_nothing()
    {
        var diagnostics = Run(
            new[] { (CachePath, Cache) },
            Baseline("LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._other", "LD0003 * member:F:Shop.Cache._items member:F:Shop.Cache._stats"));

        Assert.Equal("LD0001", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Reordering_members_and_files_keeps_the_baseline_accepting_the_cycle()
    {
        var written = Keys((CachePath, Cache), ("/src/Gate.cs", Gate));
        var baseline = Baseline(written.ToArray());

        Assert.Empty(Run(new[] { ("/src/Gate.cs", Gate), (CachePath, CacheReordered) }, baseline));
        Assert.Empty(Run(new[] { ("/src/Other/Cache.cs", CacheReordered), ("/src/Gate.cs", Gate) }, baseline));
    }

    [Fact]
    public void A_new_cycle_is_reported_at_its_site_next_to_an_accepted_one()
    {
        var (source, expected) = Markup.Parse("""
            namespace Shop
            {
                class Ledger
                {
                    readonly object _book = new(), _audit = new();
                    void Post()  { lock (_book) { lock (_audit) { } } }
                    void Check() { lock (_audit) { lock ({|LD0001:_book|}) { } } }
                }
            }
            """, "/src/Ledger.cs");

        var diagnostic = Assert.Single(Run(new[] { (CachePath, Cache), ("/src/Ledger.cs", source) }, Baseline(CycleKey)));

        Assert.Equal("LD0001", diagnostic.Id);
        Assert.Equal(expected.Single().Span, diagnostic.Location.SourceSpan);
        Assert.Equal("/src/Ledger.cs", diagnostic.Location.SourceTree!.FilePath);
    }

    [Fact]
    public void The_report_site_does_not_depend_on_the_order_of_the_files()
    {
        var files = new[]
        {
            ("/src/A.cs", "namespace Shop { partial class Bus { readonly object _a = new(); void One() { lock (_a) { lock (_b) { } } } } }"),
            ("/src/B.cs", "namespace Shop { partial class Bus { readonly object _b = new(); void Two() { lock (_b) { lock (_c) { } } } } }"),
            ("/src/C.cs", "namespace Shop { partial class Bus { readonly object _c = new(); void Three() { lock (_c) { lock (_a) { } } } } }"),
        };
        var orders = new[] { new[] { 0, 1, 2 }, new[] { 2, 1, 0 }, new[] { 1, 2, 0 }, new[] { 0, 2, 1 } };

        var sites = orders
            .Select(order => Run(order.Select(i => files[i]).ToArray(), default))
            .Select(found => string.Join("; ", found.Select(d => $"{d.Id} {d.Location.SourceTree!.FilePath}@{d.Location.SourceSpan} {d.GetMessage()}")))
            .ToArray();

        Assert.Contains("LD0001 /src/C.cs@", sites[0]);
        Assert.All(sites, site => Assert.Equal(sites[0], site));
    }

    [Fact]
    public void An_unreadable_line_gives_one_LD0016_there_and_the_rest_still_applies()
    {
        var text = "# lockdiscipline-baseline v1\n"
            + "LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats\n"
            + "accepted: the cache cycle\n"
            + "LD0001  member:F:Shop.Cache._items\n"
            + "LD0007 M:Shop.Gate.Leak(System.Boolean) member:F:Shop.Gate._lock%zz\n";

        var diagnostics = Run(new[] { (CachePath, Cache), ("/src/Gate.cs", Gate) }, ImmutableArray.Create<AdditionalText>(new InMemoryText("/p/lockdiscipline.baseline", text)));

        Assert.Equal(new[] { "LD0007", "LD0016" }, diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        var malformed = diagnostics.Single(d => d.Id == "LD0016");
        Assert.Equal("/p/lockdiscipline.baseline", malformed.Location.GetLineSpan().Path);
        Assert.Equal(2, malformed.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(new TextSpan(text.IndexOf("accepted", StringComparison.Ordinal), "accepted: the cache cycle".Length), malformed.Location.SourceSpan);
        Assert.Equal("'accepted:' is not a LockDiscipline rule ID (LD and four digits); the line is ignored (2 more unreadable line(s) after it)", malformed.GetMessage());
    }

    [Fact]
    public void A_file_without_the_header_is_ignored_whole_with_one_LD0016_on_its_first_line()
    {
        var text = "LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats\n";

        var diagnostics = Run(new[] { (CachePath, Cache) }, ImmutableArray.Create<AdditionalText>(new InMemoryText("/p/App.lockdiscipline.baseline", text)));

        Assert.Equal(new[] { "LD0001", "LD0016" }, diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        var malformed = diagnostics.Single(d => d.Id == "LD0016");
        Assert.Equal(0, malformed.Location.GetLineSpan().StartLinePosition.Line);
        Assert.StartsWith("the first line must be '# lockdiscipline-baseline v1'", malformed.GetMessage());
    }

    [Fact]
    public void An_additional_file_not_named_like_a_baseline_is_not_read()
    {
        var diagnostics = Run(new[] { (CachePath, Cache) }, ImmutableArray.Create<AdditionalText>(new InMemoryText("/p/notes.txt", "not a baseline\n")));

        Assert.Equal("LD0001", Assert.Single(diagnostics).Id);
    }

    /// <summary>docs/rules/LD0016.md: its bad file gives the LD0016 the page prints, its good file reads cleanly.</summary>
    [Fact]
    public void The_rule_page_examples_say_what_the_analyzer_does()
    {
        var page = File.ReadAllText(Path.Combine(LockDiscipline.TestKit.RepositoryRoot.Directory, "docs", "rules", "LD0016.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var blocks = System.Text.RegularExpressions.Regex.Matches(page, "```text\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToArray();
        var (bad, printed, good) = (blocks[0], blocks[1], blocks[2]);

        var badBaseline = BaselineFile.Parse("lockdiscipline.baseline", SourceText.From(bad));
        var diagnostic = LockDiscipline.Analyzer.Rules.MalformedBaselineRule.Of(badBaseline)!;
        Assert.Equal(printed.Replace("\n    ", " ", StringComparison.Ordinal).TrimEnd(), diagnostic.ToString());
        Assert.Equal(new[] { CycleKey }, badBaseline.Keys);

        var goodBaseline = BaselineFile.Parse("lockdiscipline.baseline", SourceText.From(good));
        Assert.Null(goodBaseline.FirstProblem);
        Assert.Equal(2, goodBaseline.Keys.Count);
    }

    private static ImmutableArray<Diagnostic> Run(params (string Path, string Source)[] files) => Run(files, default);

    private static ImmutableArray<Diagnostic> Run((string Path, string Source)[] files, ImmutableArray<AdditionalText> additionalFiles)
    {
        var compilation = TestCompilation.Create(files);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return AnalyzerRunner.Run(compilation, additionalFiles: additionalFiles);
    }

    private static ImmutableArray<AdditionalText> Baseline(params string[] lines)
        => ImmutableArray.Create<AdditionalText>(new InMemoryText("/p/lockdiscipline.baseline", "# lockdiscipline-baseline v1\n" + string.Join("\n", lines) + "\n"));

    /// <summary>The keys of the findings, as the command-line tool computes them to write the baseline.</summary>
    private static List<string> Keys(params (string Path, string Source)[] files)
    {
        var compilation = TestCompilation.Create(files);
        return AnalyzerRunner.Run(compilation)
            .Select(d => BaselineKey.Of(d, tree => compilation.GetSemanticModel(tree)).Text)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
