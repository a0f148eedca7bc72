using System.Reflection;
using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Robustness;

/// <summary>
/// Every file set that any test in this project verifies or compiles, plus the standalone
/// <see cref="Snippets"/>. The tests are enumerated by reflection and run in the harness's capture
/// mode (<see cref="SourceCapture"/>: sources are recorded instead of compiled), so the catalogue
/// is the same on every run, whatever order xunit runs the tests in, and includes sources composed
/// from theory data.
/// </summary>
public static class SourceCatalogue
{
    private static readonly Lazy<IReadOnlyList<IReadOnlyList<(string Path, string Source)>>> Sets = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path every snippet is analysed under.</summary>
    public const string SnippetPath = "/src/Snippet.cs";

    public static IReadOnlyList<IReadOnlyList<(string Path, string Source)>> All => Sets.Value;

    private static IReadOnlyList<IReadOnlyList<(string Path, string Source)>> Build()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<IReadOnlyList<(string Path, string Source)>>();
        void Add(IReadOnlyList<(string Path, string Source)> files)
        {
            if (seen.Add(string.Join("\0\0", files.Select(f => f.Path + "\0" + f.Source))))
            {
                result.Add(files);
            }
        }

        foreach (var files in TestSources())
        {
            Add(files);
        }

        foreach (var snippet in Snippets.All)
        {
            Add(new[] { (SnippetPath, snippet) });
        }

        return result;
    }

    private static IEnumerable<IReadOnlyList<(string Path, string Source)>> TestSources()
    {
        var types = typeof(SourceCatalogue).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.Namespace is { } ns
                && ns.StartsWith("LockDiscipline.Analyzer.Tests.", StringComparison.Ordinal)
                && ns != typeof(SourceCatalogue).Namespace
                // The parity tests read this catalogue themselves, and compile whole projects (IommuCore)
                // that the cut-up sweep would spend minutes on.
                && ns != typeof(Parity.ParityTests).Namespace)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in types)
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.MetadataToken);
            foreach (var method in methods)
            {
                foreach (var arguments in Invocations(method))
                {
                    foreach (var files in SourceCapture.Run(() => Invoke(type, method, arguments)))
                    {
                        yield return files;
                    }
                }
            }
        }
    }

    /// <summary>The argument lists xunit would run a test method with: none for a fact, each row of a theory.</summary>
    private static IEnumerable<object?[]> Invocations(MethodInfo method)
    {
        if (method.GetCustomAttribute<TheoryAttribute>() is not null)
        {
            foreach (var data in method.GetCustomAttributes<Xunit.Sdk.DataAttribute>())
            {
                IEnumerable<object?[]> rows;
                try
                {
                    rows = data.GetData(method).ToList();
                }
                catch (Exception)
                {
                    continue;
                }

                foreach (var row in rows)
                {
                    yield return row;
                }
            }
        }
        else if (method.GetCustomAttribute<FactAttribute>() is not null && method.GetParameters().Length == 0)
        {
            yield return Array.Empty<object?>();
        }
    }

    private static void Invoke(Type type, MethodInfo method, object?[] arguments)
    {
        var instance = method.IsStatic ? null : Activator.CreateInstance(type);
        try
        {
            if (method.Invoke(instance, arguments) is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }
}
