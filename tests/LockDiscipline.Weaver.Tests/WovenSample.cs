using System.Collections.Immutable;
using LockDiscipline.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;

namespace LockDiscipline.Weaver.Tests;

/// <summary>
/// A sample compiled as a Debug build with the package compiles it: Roslyn, the real generator with
/// runtime checks on, a portable PDB beside the assembly, written to a folder of its own.
/// </summary>
internal static class WovenSample
{
    public const string Source = """
        using System.Threading;

        namespace Sample;

        public sealed class Ledger
        {
            private readonly object _accounts = new();
            private readonly Lock _audit = new();

            public void Post()
            {
                lock (_accounts)
                {
                    lock (_audit)
                    {
                    }
                }
            }

            public void Audit()
            {
                lock (_audit)
                {
                    lock (_accounts)
                    {
                    }
                }
            }

            public void Scopes(Ledger other)
            {
                using (_audit.EnterScope())
                {
                }

                using var scope = other._audit.EnterScope();
                Monitor.Enter(other);
                Monitor.Exit(other);
            }
        }
        """;

    /// <summary>Lock statements where the compiler moves code: a lambda, a local function, an async method and an iterator.</summary>
    public const string MovedSource = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        namespace Sample;

        public sealed class Mover
        {
            private readonly object _gate = new();

            public Action Lambda() => () => { lock (_gate) { } };

            public void Local()
            {
                Run();

                void Run()
                {
                    lock (_gate)
                    {
                    }
                }
            }

            public async Task Async()
            {
                await Task.Yield();
                lock (_gate)
                {
                }
            }

            public IEnumerable<int> Iterator()
            {
                lock (_gate)
                {
                    yield return 1;
                }
            }
        }
        """;

    /// <summary>
    /// Explicit lock calls on fields and a call of an annotated method, in places C# interceptors could not
    /// reach (a constructor, a property getter, a local function) as well as in an ordinary method.
    /// </summary>
    public const string ExplicitSource = """
        using System.Threading;
        using LockDiscipline;

        namespace Sample;

        public sealed class Device
        {
            private readonly KMutex _probe = new();
            private readonly KMutex _config = new();
            private readonly object _stats = new();

            public Device()
            {
                _probe.Lock();
                _config.Lock();
                _config.Unlock();
                _probe.Unlock();
            }

            public int Config
            {
                get
                {
                    _config.Lock();
                    Probe();
                    _config.Unlock();
                    return 0;
                }
            }

            public bool Stats()
            {
                return Take();

                bool Take()
                {
                    if (!Monitor.TryEnter(_stats, 10))
                    {
                        return false;
                    }

                    Monitor.Exit(_stats);
                    return true;
                }
            }

            [RequiresLock(nameof(_config))]
            private void Probe()
            {
                _probe.Lock();
                _probe.Unlock();
            }
        }
        """;

    /// <summary>A try-acquisition on a lock classed by its type (a parameter), which no interceptor could check.</summary>
    public const string ClassedByTypeSource = """
        using System.Threading;

        namespace Sample;

        public sealed class Pool
        {
            public bool TryUse(Pool other, System.Action whileHeld)
            {
                if (!Monitor.TryEnter(other, 10))
                {
                    return false;
                }

                whileHeld();
                Monitor.Exit(other);
                return true;
            }
        }
        """;

    /// <summary>Compiles <paramref name="source"/> (by default <see cref="Source"/>) into <paramref name="directory"/> and returns the assembly's path.</summary>
    public static string Emit(string directory, bool runtimeChecks = true, string source = Source)
    {
        Directory.CreateDirectory(directory);
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(source, parseOptions, Path.Combine(directory, "Ledger.cs"), System.Text.Encoding.UTF8);
        var compilation = CSharpCompilation.Create(
            "Sample",
            new[] { tree },
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Debug, nullableContextOptions: NullableContextOptions.Enable));
        var properties = new Dictionary<string, string>
        {
            ["build_property.LockDisciplineRuntimeChecks"] = runtimeChecks ? "true" : "false",
            ["build_property.ProjectDir"] = directory + Path.DirectorySeparatorChar,
        };
        CSharpGeneratorDriver.Create(new[] { new LockdepGenerator().AsSourceGenerator() }, parseOptions: parseOptions, optionsProvider: new Properties(properties))
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        var assembly = Path.Combine(directory, "Sample.dll");
        using var peStream = File.Create(assembly);
        using var pdbStream = File.Create(Path.ChangeExtension(assembly, ".pdb"));
        EmitResult result = output.Emit(peStream, pdbStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: Path.ChangeExtension(assembly, ".pdb")));
        if (!result.Success)
        {
            throw new InvalidOperationException("The sample does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return assembly;
    }

    private static ImmutableArray<MetadataReference> References()
        => ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(KMutex).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();

    private sealed class Properties(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(new Dictionary<string, string>());

        private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
