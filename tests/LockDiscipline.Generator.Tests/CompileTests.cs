using System.Runtime.CompilerServices;
using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// The generated code compiles, with no error or warning, together with real consumer code: the package
/// tests' consumer projects, read from their folders, built with runtime checks on as a Debug build is.
/// </summary>
public sealed class CompileTests
{
    [Theory]
    [InlineData("Clean")]
    [InlineData("Broken")]
    public void Package_test_consumers_compile_with_the_generated_checks(string consumer)
    {
        var files = Directory.GetFiles(ConsumersDirectory(consumer), "*.cs")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), File.ReadAllText(path)));

        var run = GeneratorHarness.Run(files);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompiles();
    }

    /// <summary>All samples in one project: the per-file interceptor classes and the one registry coexist.</summary>
    [Fact]
    public void Several_files_with_checks_compile_together()
    {
        var files = new[] { "KernelPrimitives", "Bcl", "Contracts" }.Select(sample => (sample + ".cs", Samples.Read(sample + ".cs.txt")));

        var run = GeneratorHarness.Run(files);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(4, run.Sources.Length);
        run.AssertCompiles();
    }

    /// <summary>A project whose locks are all lock statements gets nothing: there is no explicit operation to intercept.</summary>
    [Fact]
    public void Lock_statements_only_generate_nothing()
    {
        var run = GeneratorHarness.Run("Plain.cs", "public sealed class Plain { private readonly object _a = new(); public void Run() { lock (_a) { } } }");

        Assert.Empty(run.Sources);
    }

    private static string ConsumersDirectory(string consumer, [CallerFilePath] string callerPath = "")
        => Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "LockDiscipline.Package.Tests", "Consumers", consumer);
}
