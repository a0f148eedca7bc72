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

    /// <summary>C# 11 is the oldest language the generated code is written for (file-local types, scoped).</summary>
    [Fact]
    public void The_generated_code_compiles_as_CSharp_11()
    {
        var files = new[] { "KernelPrimitives", "Shapes" }.Select(sample => (sample + ".cs", Samples.Read(sample + ".cs.txt")));

        var run = GeneratorHarness.Run(files, parseOptions: GeneratorHarness.ParseOptions(version: Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp11));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.Sources);
        run.AssertCompiles();
    }

    /// <summary>
    /// A netstandard2.0 library (with a current LangVersion) gets checks that use nothing newer than
    /// netstandard2.0: no [UnsafeAccessor] (so private annotated methods are not wrapped) and no
    /// [StackTraceHidden].
    /// </summary>
    [Fact]
    public void The_generated_code_compiles_for_netstandard20()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            using LockDiscipline;

            public sealed class Library
            {
                private readonly KMutex _mutex = new KMutex();
                private readonly KSpinLock _spin = new KSpinLock();
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                [RequiresLock(nameof(_mutex))]
                public void Locked() { }

                [RequiresLock(nameof(_mutex))]
                private void PrivateLocked() { }

                [HardIrqContext]
                public static void Handler() { }

                public async Task Run()
                {
                    _mutex.Lock();
                    Locked();
                    PrivateLocked();
                    _mutex.Unlock();
                    var flags = _spin.LockIrqSave();
                    _spin.UnlockIrqRestore(flags);
                    Monitor.Enter(_gate);
                    Monitor.Exit(_gate);
                    await _semaphore.WaitAsync();
                    _semaphore.Release();
                    if (await _semaphore.WaitAsync(10)) _semaphore.Release();
                    _rw.EnterReadLock();
                    _rw.ExitReadLock();
                    Handler();
                }
            }
            """;

        var run = GeneratorHarness.Run(new[] { ("Library.cs", source) }, references: GeneratorHarness.NetStandard20References());

        Assert.Empty(run.GeneratorDiagnostics);
        var generated = run.GeneratedText();
        Assert.DoesNotContain("UnsafeAccessor", generated);
        Assert.DoesNotContain("StackTraceHidden", generated);
        Assert.DoesNotContain("PrivateLocked", generated);
        Assert.Contains("Locked (AssertHeld Library._mutex)", generated);
        run.AssertCompiles();
    }

    /// <summary>A project whose locks are all lock statements gets nothing: there is no explicit operation to intercept.</summary>
    [Fact]
    public void Lock_statements_only_generate_the_registry_with_the_site_table_and_no_interceptor()
    {
        var run = GeneratorHarness.Run("Plain.cs", "public sealed class Plain { private readonly object _a = new(); public void Run() { lock (_a) { } } }");

        var registry = Assert.Single(run.Sources);
        Assert.Contains("internal const string SiteTable = \"System.Threading.Monitor.Enter\\t0\\tPlain.cs\\t1\\t85\\tPlain.Run\";", registry.SourceText.ToString(), StringComparison.Ordinal);
        run.AssertCompiles();
    }

    private static string ConsumersDirectory(string consumer, [CallerFilePath] string callerPath = "")
        => Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "LockDiscipline.Package.Tests", "Consumers", consumer);
}
