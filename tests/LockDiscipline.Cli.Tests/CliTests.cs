using System.Text.Json;
using LockDiscipline.TestKit;

namespace LockDiscipline.Cli.Tests;

/// <summary>
/// The commands on a small project with a lock-order cycle: findings printed compiler-style with the exit
/// code CI reads, the baseline written and honoured across reordering, a new cycle still failing, SARIF,
/// the graph, and clear answers to bad command lines.
/// </summary>
public sealed class CliTests : IDisposable
{
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
                void Add()  { lock (_items) { lock (_stats) { } } }
                readonly object _items = new(), _stats = new();
            }
        }
        """;

    private const string Ledger = """
        namespace Shop
        {
            class Ledger
            {
                readonly object _book = new(), _audit = new();
                void Post()  { lock (_book) { lock (_audit) { } } }
                void Check() { lock (_audit) { lock (_book) { } } }
            }
        }
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "LockDiscipline.Cli.Tests", Guid.NewGuid().ToString("N")[..8]);

    public CliTests()
    {
        Directory.CreateDirectory(_root);

        // Nothing of the repository's build settings reaches the throwaway project.
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(_root, "Shop.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <AdditionalFiles Include="lockdiscipline.baseline" Condition="Exists('lockdiscipline.baseline')" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_root, "Cache.cs"), Cache);
    }

    private string CachePath => Path.Combine(_root, "Cache.cs");

    private string BaselinePath => Path.Combine(_root, "lockdiscipline.baseline");

    [Fact]
    public void Findings_then_a_baseline_that_survives_reordering_and_lets_a_new_cycle_through()
    {
        var first = Run(_root);
        Assert.Equal(1, first.ExitCode);
        Assert.Contains($"{CachePath}(7,45): error LD0001: possible circular locking dependency detected: acquiring 'Cache._items' while holding 'Cache._stats'", first.Output);
        Assert.Contains("1 error(s), 0 warning(s), 0 accepted in the baseline, in 1 project(s)", first.Output);

        var written = Run("baseline", Path.Combine(_root, "Shop.csproj"));
        Assert.Equal(0, written.ExitCode);
        Assert.Contains($"{BaselinePath}: 1 accepted finding(s)", written.Output);
        Assert.Equal(
            "# lockdiscipline-baseline v1\n"
            + "# Accepted LockDiscipline findings, one per line: rule, member (documentation ID), lock classes.\n"
            + "# Written by `lockdiscipline baseline`; a finding listed here is not reported as an error.\n"
            + "LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats\n",
            File.ReadAllText(BaselinePath));

        var accepted = Run(_root);
        Assert.True(accepted.ExitCode == 0, accepted.Describe());
        Assert.Contains("0 error(s), 0 warning(s), 1 accepted in the baseline, in 1 project(s)", accepted.Output);
        Assert.DoesNotContain("LD0001", accepted.Output);

        File.WriteAllText(CachePath, CacheReordered);
        var reordered = Run(_root);
        Assert.True(reordered.ExitCode == 0, reordered.Describe());
        Assert.Contains("1 accepted in the baseline", reordered.Output);

        File.WriteAllText(Path.Combine(_root, "Ledger.cs"), Ledger);
        var newCycle = Run(_root);
        Assert.Equal(1, newCycle.ExitCode);
        var reported = newCycle.Output.Split('\n').Where(line => line.Contains(": error LD", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { $"{Path.Combine(_root, "Ledger.cs")}(7,46): error LD0001" }, reported.Select(line => line[..line.IndexOf(": possible", StringComparison.Ordinal)]));
        Assert.Contains("1 error(s), 0 warning(s), 1 accepted in the baseline", newCycle.Output);
    }

    [Fact]
    public void A_baseline_line_it_cannot_read_is_reported_and_the_rest_applies()
    {
        File.WriteAllText(BaselinePath, "# lockdiscipline-baseline v1\nLD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats\nLD1 oops\n");

        var result = Run(_root);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{BaselinePath}(3,1): warning LD0016: 'LD1' is not a LockDiscipline rule ID (LD and four digits); the line is ignored", result.Output);
        Assert.Contains("0 error(s), 1 warning(s), 1 accepted in the baseline", result.Output);
    }

    [Fact]
    public void Sarif_lists_new_and_accepted_findings_and_the_graph_is_drawn_as_dot_and_html()
    {
        File.WriteAllText(Path.Combine(_root, "Ledger.cs"), Ledger);
        File.WriteAllText(BaselinePath, "# lockdiscipline-baseline v1\nLD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats\n");
        var sarifPath = Path.Combine(_root, "out.sarif");

        var analyzed = Run(_root, "--sarif", sarifPath);

        Assert.Equal(1, analyzed.ExitCode);
        using var sarif = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var run = sarif.RootElement.GetProperty("runs")[0];
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        Assert.Equal("LockDiscipline", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var results = run.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(2, results.Length);
        var accepted = results.Single(r => r.TryGetProperty("suppressions", out _));
        Assert.Equal("external", accepted.GetProperty("suppressions")[0].GetProperty("kind").GetString());
        Assert.Equal("LD0001 * member:F:Shop.Cache._items member:F:Shop.Cache._stats", accepted.GetProperty("partialFingerprints").GetProperty("lockDisciplineBaselineKey/v1").GetString());
        var fresh = results.Single(r => !r.TryGetProperty("suppressions", out _));
        var region = fresh.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.EndsWith("/Ledger.cs", region.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(7, region.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(46, region.GetProperty("region").GetProperty("startColumn").GetInt32());

        var dotPath = Path.Combine(_root, "graph.dot");
        var htmlPath = Path.Combine(_root, "graph.html");
        var graph = Run("graph", _root, "--dot", dotPath, "--html", htmlPath);
        Assert.True(graph.ExitCode == 0, graph.Describe());
        Assert.Contains("Shop: 4 lock class(es), 4 dependenc(ies), 4 in cycles", graph.Output);

        var dot = File.ReadAllText(dotPath);
        Assert.Contains("\"0|member:F:Shop.Cache._items\" -> \"0|member:F:Shop.Cache._stats\" [label=\"Cache.Add at Cache.cs:6\", color=\"#c62828\"", dot);
        Assert.Contains("\"0|member:F:Shop.Ledger._audit\" -> \"0|member:F:Shop.Ledger._book\" [label=\"Ledger.Check at Ledger.cs:7\", color=\"#c62828\"", dot);
        Assert.Contains("\"0|member:F:Shop.Cache._items\" [label=\"Cache._items\"", dot);

        var html = File.ReadAllText(htmlPath);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\"", html);
        Assert.Equal(4, html.Split("<rect x=").Length - 1);
        Assert.Contains("<td class=\"mono\">Ledger.Check at Ledger.cs:7</td>", html);
        // Self-contained: no script, and nothing fetched from elsewhere (the SVG namespace is a name, not a fetch).
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.Empty(System.Text.RegularExpressions.Regex.Matches(html, "(src|href)=").Select(m => m.Value));
    }

    [Fact]
    public void Bad_command_lines_get_exit_code_2_and_say_why()
    {
        var missing = Run(Path.Combine(_root, "nowhere"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("is neither a project, a solution nor a folder", missing.Output);

        var unknown = Run(_root, "--frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown option '--frobnicate'", unknown.Output);

        var misplaced = Run("baseline", _root, "--sarif", "x.sarif");
        Assert.Equal(2, misplaced.ExitCode);
        Assert.Contains("--sarif goes with analyze", misplaced.Output);

        File.WriteAllText(Path.Combine(_root, "Other.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        var ambiguous = Run(_root);
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("holds several (Other.csproj, Shop.csproj): name one", ambiguous.Output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a build server may hold a file for a moment.
        }
    }

    /// <summary>The command as built from Cli/, in the configuration these tests were built in.</summary>
    private static ProcessResult Run(params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var tool = Path.Combine(RepositoryRoot.Directory, "Cli", "bin", configuration, "net10.0", "LockDiscipline.Cli.dll");
        return ProcessRunner.RunDotnet(Path.GetTempPath(), new[] { tool }.Concat(arguments).ToArray());
    }
}
