namespace LockDiscipline.Generator.Tests;

/// <summary>The generator's diagnostics link to their pages in the docs of the installed version.</summary>
public sealed class HelpLinkTests
{
    [Theory]
    [InlineData("LDG001")]
    [InlineData("LDG002")]
    public void Help_link_is_the_page_of_the_installed_version(string id)
    {
        var descriptor = new[] { GeneratorDiagnostics.DeclaredOrderCycle, GeneratorDiagnostics.RuntimeChecksUnavailable }.Single(d => d.Id == id);
        var version = typeof(GeneratorDiagnostics).Assembly.GetName().Version!;

        Assert.Equal($"https://github.com/LockDiscipline/LockDiscipline/blob/v{version.ToString(3)}/docs/rules/{id}.md", descriptor.HelpLinkUri);
    }
}
