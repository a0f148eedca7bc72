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

    /// <summary>All samples in one project: one registry and one class of checked calls serve every file.</summary>
    [Fact]
    public void Several_files_with_checks_compile_together()
    {
        var files = new[] { "KernelPrimitives", "Bcl", "Contracts" }.Select(sample => (sample + ".cs", Samples.Read(sample + ".cs.txt")));

        var run = GeneratorHarness.Run(files);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { "LockDiscipline.CheckedCalls.g.cs", "LockDiscipline.LockClasses.g.cs" }, run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        run.AssertCompiles();
    }

    /// <summary>
    /// A netstandard2.0 library gets checks that use nothing newer than netstandard2.0 (no [UnsafeAccessor],
    /// so private annotated methods are not checked, and no [StackTraceHidden]) and nothing newer than its
    /// language version: its default C# 7.3 as well as a current one.
    /// </summary>
    [Theory]
    [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3)]
    [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)]
    public void The_generated_code_compiles_for_netstandard20(Microsoft.CodeAnalysis.CSharp.LanguageVersion version)
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

        var run = GeneratorHarness.Run(new[] { ("Library.cs", source) }, parseOptions: GeneratorHarness.ParseOptions(version), references: GeneratorHarness.NetStandard20References());

        Assert.Empty(run.GeneratorDiagnostics);
        var generated = run.GeneratedText();
        Assert.DoesNotContain("UnsafeAccessor", generated);
        Assert.DoesNotContain("StackTraceHidden", generated);
        Assert.DoesNotContain("PrivateLocked", generated);
        Assert.Contains("// In place of global::Library.Locked: AssertHeld Library._mutex", generated);
        run.AssertCompiles();
    }

    /// <summary>A project whose locks are all lock statements gets the registry alone: the runtime's hooks check them, with no checked call.</summary>
    [Fact]
    public void Lock_statements_only_generate_the_registry_with_the_site_table_and_no_checked_call()
    {
        var run = GeneratorHarness.Run("Plain.cs", "public sealed class Plain { private readonly object _a = new(); public void Run() { lock (_a) { } } }");

        var registry = Assert.Single(run.Sources);
        Assert.Contains("internal const string SiteTable = \"System.Threading.Monitor.Enter\\t0\\tPlain.cs\\t1\\t85\\tPlain.Run\\t\";", registry.SourceText.ToString(), StringComparison.Ordinal);
        run.AssertCompiles();
    }

    private static string ConsumersDirectory(string consumer, [CallerFilePath] string callerPath = "")
        => Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "LockDiscipline.Package.Tests", "Consumers", consumer);
}
