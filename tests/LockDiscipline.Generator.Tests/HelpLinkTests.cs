namespace LockDiscipline.Generator.Tests;

/// <summary>The generator's diagnostics link to their pages in the docs of the installed version.</summary>
public sealed class HelpLinkTests
{
    [Fact]
    public void Help_link_is_the_page_of_the_installed_version()
    {
        var version = typeof(GeneratorDiagnostics).Assembly.GetName().Version!;

        Assert.Equal($"https://github.com/LockDiscipline/LockDiscipline/blob/v{version.ToString(3)}/docs/rules/LDG001.md", GeneratorDiagnostics.DeclaredOrderCycle.HelpLinkUri);
    }
}
