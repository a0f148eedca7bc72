using System.Collections.Immutable;
using LockDiscipline.Analyzer;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace LockDiscipline.CodeFixes.Tests.Infrastructure;

/// <summary>
/// The testing kit's code-fix test for the LockDiscipline analyzer and one of its fixes (the kit 1.1.4
/// has no Verify helpers). Sources compile against the running .NET (which has System.Threading.Lock)
/// and the LockDiscipline runtime library, as the analyzer tests do; no reference package is downloaded.
/// </summary>
public sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<LockDisciplineAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public CodeFixTest(string source, string fixedSource)
    {
        TestCode = source;
        FixedCode = fixedSource;
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(References.Value);
        // A fix that leaves code that does not compile fails the test.
        CompilerDiagnostics = CompilerDiagnostics.Errors;
    }

    /// <summary>The fix to apply, by its equivalence key, where a diagnostic has more than one.</summary>
    public string? FixKey
    {
        set => CodeActionEquivalenceKey = value;
    }

    protected override ParseOptions CreateParseOptions()
        => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Preview);

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

    /// <summary>Runs the fix where the markup marks its diagnostics, then Fix All in document, project and solution.</summary>
    public static Task VerifyAsync(string source, string fixedSource, string? fixKey = null)
        => new CodeFixTest<TCodeFix>(source, fixedSource) { FixKey = fixKey }.RunAsync();

    /// <summary>The analyzer reports what the markup marks, and no fix of this provider is offered there.</summary>
    public static Task VerifyNotOfferedAsync(string source)
        => new CodeFixTest<TCodeFix>(source, source).RunAsync();

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
