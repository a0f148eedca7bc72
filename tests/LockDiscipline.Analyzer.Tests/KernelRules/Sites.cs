using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>Where a diagnostic's other sites are, written the way its message writes places (<c>File0.cs:6</c>).</summary>
internal static class Sites
{
    /// <summary>The additional locations as "File0.cs:6 [text]": the file, the one-based line and the marked source text.</summary>
    public static IReadOnlyList<string> Additional(Diagnostic diagnostic)
        => diagnostic.AdditionalLocations.Select(Describe).ToList();

    public static string Describe(Location location)
    {
        var span = location.GetLineSpan();
        var text = location.SourceTree?.GetText().ToString(location.SourceSpan);
        return $"{Path.GetFileName(span.Path)}:{span.StartLinePosition.Line + 1} [{text}]";
    }

    /// <summary>The diagnostics by file and position, as a reader meets them.</summary>
    public static IReadOnlyList<Diagnostic> InSourceOrder(IEnumerable<Diagnostic> diagnostics)
        => diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>The one diagnostic with this ID (the others of a combined test are checked by their markers).</summary>
    public static Diagnostic Only(this IEnumerable<Diagnostic> diagnostics, string id)
        => Assert.Single(diagnostics, d => d.Id == id);
}
