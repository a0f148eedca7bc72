using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Analyzer.Tests.Harness;

/// <summary>
/// Compiles test sources against the reference set of the running .NET (which has
/// <c>System.Threading.Lock</c>) plus the LockDiscipline runtime library, as a user's project would.
/// </summary>
public static class TestCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <param name="assemblyName">The assembly's name; two compilations that reference each other need two.</param>
    /// <param name="references">References besides the platform and the runtime library (a library built by a test).</param>
    public static CSharpCompilation Create(IEnumerable<(string Path, string Source)> files, OutputKind kind = OutputKind.DynamicallyLinkedLibrary, CSharpParseOptions? parseOptions = null, string assemblyName = "TestProject", IEnumerable<MetadataReference>? references = null)
    {
        if (SourceCapture.Active is { } sink)
        {
            sink.Add(files.ToArray());
            throw new SourceCapture.StopException();
        }

        parseOptions ??= new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Source, parseOptions, f.Path)).ToArray();
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            references is null ? References.Value : References.Value.AddRange(references),
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll");
        var runtime = Path.Combine(AppContext.BaseDirectory, "LockDiscipline.dll");
        return platform.Append(runtime).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    }
}
