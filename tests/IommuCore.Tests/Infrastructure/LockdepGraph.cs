using System.Text.RegularExpressions;

namespace IommuCore.Tests.Infrastructure;

/// <summary>
/// What the engine has learnt, read from <c>Lockdep.DumpGraph()</c> (lockdep's <c>/proc/lockdep</c>
/// layout): each class with its four usage characters, and its direct dependencies.
/// </summary>
public sealed class LockdepGraph
{
    private static readonly Regex ClassLine = new(@"^[0-9a-f]{8} FD:\s*\d+ BD:\s*\d+ (?<usage>[.+?-]{4}): (?<name>.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex EdgeLine = new(@"^ -> \[[0-9a-f]{8}\] (?<name>.+)$", RegexOptions.CultureInvariant);

    private readonly string _text;

    private LockdepGraph(string text, IReadOnlyDictionary<string, string> classes, IReadOnlySet<(string From, string To)> dependencies)
    {
        _text = text;
        Classes = classes;
        Dependencies = dependencies;
    }

    /// <summary>Class name → usage characters (<c>+.+.</c>).</summary>
    public IReadOnlyDictionary<string, string> Classes { get; }

    public IReadOnlySet<(string From, string To)> Dependencies { get; }

    public static LockdepGraph Parse(string text)
    {
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        var dependencies = new HashSet<(string, string)>();
        string? current = null;
        foreach (string line in text.Split('\n'))
        {
            Match m = ClassLine.Match(line);
            if (m.Success)
            {
                current = m.Groups["name"].Value;
                classes[current] = m.Groups["usage"].Value;
                continue;
            }

            m = EdgeLine.Match(line);
            if (m.Success && current is not null)
            {
                dependencies.Add((current, m.Groups["name"].Value));
            }
        }

        return new LockdepGraph(text, classes, dependencies);
    }

    public string Usage(string lockClass)
    {
        Assert.True(Classes.TryGetValue(lockClass, out string? usage), $"class {lockClass} is not registered:\n{_text}");
        return usage!;
    }

    public void AssertDependency(string from, string to) =>
        Assert.True(Dependencies.Contains((from, to)), $"no dependency {from} -> {to}:\n{_text}");

    public void AssertNoDependency(string from, string to) =>
        Assert.False(Dependencies.Contains((from, to)), $"unexpected dependency {from} -> {to}:\n{_text}");
}
