using LockDiscipline.Analyzer;
using LockDiscipline.TestKit;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.Smoke;

/// <summary>
/// Each rule's help link opens its page in the docs of the version the user installed (the release tag
/// v&lt;version&gt;), not whatever the main branch says today, and the page exists.
/// </summary>
public sealed class HelpLinkTests
{
    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in new LockDisciplineAnalyzer().SupportedDiagnostics)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Help_link_is_the_rule_page_of_the_installed_version(string id)
    {
        DiagnosticDescriptor descriptor = new LockDisciplineAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);
        Version version = typeof(LockDisciplineAnalyzer).Assembly.GetName().Version!;

        Assert.Equal($"https://github.com/LockDiscipline/LockDiscipline/blob/v{version.ToString(3)}/docs/rules/{id}.md", descriptor.HelpLinkUri);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Directory, "docs", "rules", id + ".md")), $"docs/rules/{id}.md does not exist.");
    }
}
