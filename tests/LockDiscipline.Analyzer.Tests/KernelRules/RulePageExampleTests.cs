using System.Text.RegularExpressions;
using LockDiscipline.Analyzer.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// The bad and good examples of every analyzer rule's page (docs/rules/LDxxxx.md) are checked against the
/// analyzer, so a page cannot drift from what the analyzer does. Each <c>csharp</c> block under
/// "## Bad" or "## Good" is a complete file: it must compile, and the analyzer must report exactly the
/// LD diagnostics its <c>// LDxxxx</c> comments mark, on those lines (none in a good example).
/// </summary>
public class RulePageExampleTests
{
    /// <summary>
    /// Every analyzer rule page, LDxxxx.md, so a new page is checked without being listed here; but LD0016,
    /// whose input is the baseline file, not C# (its examples are checked by <c>BaselineTests</c>).
    /// </summary>
    private static readonly string[] Pages = Directory.GetFiles(Path.Combine(RulePage.Root, "docs", "rules"), "LD*.md")
        .Select(Path.GetFileNameWithoutExtension)
        .Where(name => name is not null && name != "LD0016" && Regex.IsMatch(name, @"^LD\d{4}$", RegexOptions.CultureInvariant))
        .Select(name => name!)
        .OrderBy(name => name, StringComparer.Ordinal)
        .ToArray();

    private static readonly Regex Marker = new(@"\bLD\d{4}\b", RegexOptions.CultureInvariant);

    /// <summary>
    /// Rules whose input is a referenced assembly, which a one-file example cannot have: their pages show a
    /// build's output instead, and the CrossAssembly tests check them with real referenced assemblies.
    /// </summary>
    private static readonly string[] RulesAboutReferences = { "LD0015" };

    /// <summary>The page list is found, not typed: all fifteen analyzer rules have a page.</summary>
    [Fact]
    public void EveryAnalyzerRuleHasACheckedPage()
    {
        var rules = Enumerable.Range(1, 15).Select(n => $"LD{n:0000}");
        Assert.Empty(rules.Except(Pages));
    }

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var page in Pages)
        {
            for (var i = 0; i < RulePage.Read(page).Count; i++)
            {
                data.Add(page, i);
            }
        }

        return data;
    }

    public static TheoryData<string> PageIds()
    {
        var data = new TheoryData<string>();
        foreach (var page in Pages.Except(RulesAboutReferences))
        {
            data.Add(page);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PageIds))]
    public void PageHasBadExamplesOfItsRuleAndGoodOnes(string page)
    {
        var examples = RulePage.Read(page);
        Assert.Contains(examples, e => e.Section == "Bad" && Expected(e.Code).Any(m => m.EndsWith(" " + page, StringComparison.Ordinal)));
        Assert.Contains(examples, e => e.Section == "Good");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleReportsExactlyTheMarkedDiagnostics(string page, int index)
    {
        var example = RulePage.Read(page)[index];
        var compilation = TestCompilation.Create(new[] { ("/src/Example.cs", example.Code) });
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{example} does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");

        var diagnostics = AnalyzerRunner.Run(compilation).Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal)).ToList();
        var actual = diagnostics
            .Select(d => $"line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        var expected = Expected(example.Code);
        if (example.Section == "Good")
        {
            Assert.Empty(expected);
        }

        Assert.True(
            expected.SequenceEqual(actual),
            $"{example}{Environment.NewLine}Expected:{Environment.NewLine}{string.Join(Environment.NewLine, expected)}{Environment.NewLine}Actual:{Environment.NewLine}"
            + string.Join(Environment.NewLine, diagnostics.Select(d => $"line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}  {d.GetMessage()}")));
    }

    /// <summary>The README's "Kernel annotations" example is correct code: its comments name the rule a change would break.</summary>
    [Fact]
    public void ReadmeKernelAnnotationsExampleIsClean()
    {
        var readme = File.ReadAllText(Path.Combine(RulePage.Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var section = readme[readme.IndexOf("## Kernel annotations", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var code = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var compilation = TestCompilation.Create(new[] { ("/src/Readme.cs", code) });
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(AnalyzerRunner.Run(compilation).Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal)).Select(d => d.ToString()));
    }

    /// <summary>"line N: LDxxxx" for each ID named in a comment on line N.</summary>
    private static List<string> Expected(string code)
    {
        var lines = code.Split('\n');
        var expected = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var comment = lines[i].IndexOf("//", StringComparison.Ordinal);
            if (comment < 0)
            {
                continue;
            }

            foreach (Match match in Marker.Matches(lines[i][comment..]))
            {
                expected.Add($"line {i + 1}: {match.Value}");
            }
        }

        expected.Sort(StringComparer.Ordinal);
        return expected;
    }

    private sealed record RulePage(string Page, string Section, int MarkdownLine, string Code)
    {
        public override string ToString() => $"docs/rules/{Page}.md, the {Section.ToLowerInvariant()} example at line {MarkdownLine}";

        /// <summary>The csharp blocks of the page's "## Bad" and "## Good" sections, in page order.</summary>
        public static IReadOnlyList<RulePage> Read(string page)
        {
            var lines = File.ReadAllLines(Path.Combine(Root, "docs", "rules", page + ".md"));
            var examples = new List<RulePage>();
            var section = string.Empty;
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("## ", StringComparison.Ordinal))
                {
                    section = lines[i][3..].Trim();
                    continue;
                }

                if (lines[i].Trim() != "```csharp" || section is not ("Bad" or "Good"))
                {
                    continue;
                }

                var start = i + 1;
                var end = start;
                while (end < lines.Length && lines[end].Trim() != "```")
                {
                    end++;
                }

                examples.Add(new RulePage(page, section, i + 1, string.Join("\n", lines[start..end]) + "\n"));
                i = end;
            }

            return examples;
        }

        /// <summary>The folder holding LockDiscipline.sln.</summary>
        public static string Root => RepositoryRoot.Value;

        private static readonly Lazy<string> RepositoryRoot = new(() =>
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LockDiscipline.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No LockDiscipline.sln above {AppContext.BaseDirectory}.");
        });
    }
}
