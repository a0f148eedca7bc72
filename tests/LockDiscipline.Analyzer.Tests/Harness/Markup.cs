using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzer.Tests.Harness;

/// <summary>An expected diagnostic: its ID and the exact span it must cover, in one file.</summary>
public sealed record ExpectedDiagnostic(string Id, string FilePath, TextSpan Span);

/// <summary>
/// Parses <c>{|LD0001:code|}</c> markup: the marked text stays in the source, and the diagnostic
/// with that ID is expected on exactly that span. Markers may nest.
/// </summary>
public static class Markup
{
    public static (string Source, List<ExpectedDiagnostic> Expected) Parse(string markup, string filePath)
    {
        var source = new StringBuilder(markup.Length);
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string Id, int Start)>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                var colon = markup.IndexOf(':', i + 2);
                if (colon < 0)
                {
                    throw new FormatException($"Unterminated marker at {i} in {filePath}.");
                }

                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length));
                i = colon;
                continue;
            }

            if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, filePath, TextSpan.FromBounds(start, source.Length)));
                i++;
                continue;
            }

            source.Append(markup[i]);
        }

        if (open.Count > 0)
        {
            throw new FormatException($"Unclosed marker in {filePath}.");
        }

        return (source.ToString(), expected);
    }
}
