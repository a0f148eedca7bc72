using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using LockDiscipline.Package.Tests.Infrastructure;

namespace LockDiscipline.Package.Tests;

/// <summary>What `dotnet pack nuget/LockDiscipline.Package.csproj` puts in the package.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests
{
    /// <summary>
    /// The newest Roslyn the analyzer may be built against: a newer one does not load in the compilers
    /// of the .NET 9.0.300+ and .NET 10 SDKs (CS9057), so the analyzer projects pin 4.14.0.
    /// </summary>
    private static readonly Version NewestLoadableRoslyn = new(4, 14, 0, 0);

    private static readonly string[] AnalyzerEntries =
    {
        "analyzers/dotnet/cs/LockDiscipline.Analyzer.dll",
        "analyzers/dotnet/cs/LockDiscipline.Generator.dll",
    };

    private static readonly string[] LibEntries =
    {
        "lib/net8.0/LockDiscipline.dll",
        "lib/net8.0/LockDiscipline.xml",
        "lib/netstandard2.0/LockDiscipline.dll",
        "lib/netstandard2.0/LockDiscipline.xml",
    };

    /// <summary>
    /// The props that switch the runtime checks on in Debug (LockDisciplineRuntimeChecks), show the
    /// property to the generator and list its interceptors' namespace, and the targets that weave the
    /// Debug assembly after CoreCompile, for direct and transitive users.
    /// </summary>
    private static readonly string[] BuildEntries =
    {
        "build/LockDiscipline.props",
        "build/LockDiscipline.targets",
        "buildTransitive/LockDiscipline.props",
        "buildTransitive/LockDiscipline.targets",
    };

    /// <summary>The weaving MSBuild task, loaded by MSBuild (never referenced), with Mono.Cecil beside it.</summary>
    private static readonly string[] TaskEntries =
    {
        "tasks/netstandard2.0/LockDiscipline.Weaver.dll",
        "tasks/netstandard2.0/Mono.Cecil.Rocks.dll",
        "tasks/netstandard2.0/Mono.Cecil.dll",
    };

    private readonly PackageFixture _package;

    public PackageLayoutTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Package_is_LockDiscipline_at_the_repository_version()
    {
        Assert.Equal("LockDiscipline", _package.NuspecValue("id"));
        Assert.Equal($"LockDiscipline.{_package.PackageVersion}.nupkg", Path.GetFileName(_package.PackagePath));
    }

    [Fact]
    public void Analyzers_folder_holds_exactly_the_analyzer_and_the_generator()
    {
        string[] actual = _package.EntryNames.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(AnalyzerEntries, actual);
    }

    [Fact]
    public void Lib_folder_holds_the_runtime_library_and_its_docs_for_each_target_framework()
    {
        string[] actual = _package.EntryNames.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(LibEntries, actual);
    }

    [Fact]
    public void Tasks_folder_holds_the_weaver_and_Mono_Cecil()
    {
        string[] actual = _package.EntryNames.Where(e => e.StartsWith("tasks/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(TaskEntries, actual);
    }

    [Fact]
    public void Build_folders_hold_exactly_the_props_and_targets_for_direct_and_transitive_consumers()
    {
        string[] actual = _package.EntryNames
            .Where(e => e.StartsWith("build/", StringComparison.Ordinal) || e.StartsWith("buildTransitive/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(BuildEntries, actual);
    }

    [Fact]
    public void Package_holds_exactly_the_analyzers_the_runtime_library_the_build_files_the_weaver_and_the_readme()
    {
        // Everything but the files NuGet itself adds (the nuspec, _rels/, package/, [Content_Types].xml).
        string[] actual = _package.EntryNames
            .Where(e => !e.EndsWith(".nuspec", StringComparison.Ordinal) && !e.StartsWith("_rels/", StringComparison.Ordinal) &&
                        !e.StartsWith("package/", StringComparison.Ordinal) && e != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToArray();
        string[] expected = AnalyzerEntries.Concat(LibEntries).Concat(BuildEntries).Concat(TaskEntries).Append("README.md").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Build_props_turn_the_runtime_checks_on_in_Debug_and_list_the_interceptors_namespace()
    {
        XDocument props = XDocument.Load(_package.ExtractEntry("build/LockDiscipline.props"));
        XElement[] checks = props.Descendants().Where(e => e.Name.LocalName == "LockDisciplineRuntimeChecks").ToArray();
        Assert.Contains(checks, e => e.Value == "true" && ((string?)e.Attribute("Condition") ?? "").Contains("'Debug'", StringComparison.Ordinal));
        Assert.Contains(checks, e => e.Value == "false");
        Assert.Contains(props.Descendants().Where(e => e.Name.LocalName == "InterceptorsNamespaces"), e => e.Value.Contains("LockDiscipline.Generated", StringComparison.Ordinal));
        Assert.Contains(props.Descendants().Where(e => e.Name.LocalName == "CompilerVisibleProperty"), e => (string?)e.Attribute("Include") == "LockDisciplineRuntimeChecks");

        // Transitive consumers get the same settings.
        XDocument transitive = XDocument.Load(_package.ExtractEntry("buildTransitive/LockDiscipline.props"));
        Assert.Contains(transitive.Descendants().Where(e => e.Name.LocalName == "Import"), e => ((string?)e.Attribute("Project") ?? "").EndsWith("build/LockDiscipline.props", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lib/netstandard2.0/LockDiscipline.dll", "netstandard 2.0.0.0")]
    [InlineData("lib/net8.0/LockDiscipline.dll", "System.Runtime 8.0.0.0")]
    public void Runtime_library_in_each_folder_is_built_for_that_framework(string entry, string coreLibrary)
    {
        using var pe = new PEReader(File.OpenRead(_package.ExtractEntry(entry)));
        MetadataReader reader = pe.GetMetadataReader();
        Assert.Equal("LockDiscipline", reader.GetString(reader.GetAssemblyDefinition().Name));
        Assert.Equal(coreLibrary, CoreLibrary(reader));
    }

    [Theory]
    [InlineData("analyzers/dotnet/cs/LockDiscipline.Analyzer.dll", "LockDiscipline.Analyzer")]
    [InlineData("analyzers/dotnet/cs/LockDiscipline.Generator.dll", "LockDiscipline.Generator")]
    public void Analyzer_assemblies_reference_a_Roslyn_the_SDK_compiler_can_load(string entry, string assemblyName)
    {
        using var pe = new PEReader(File.OpenRead(_package.ExtractEntry(entry)));
        MetadataReader reader = pe.GetMetadataReader();
        Assert.Equal(assemblyName, reader.GetString(reader.GetAssemblyDefinition().Name));
        Assert.Equal("netstandard 2.0.0.0", CoreLibrary(reader));

        foreach (AssemblyReferenceHandle handle in reader.AssemblyReferences)
        {
            AssemblyReference reference = reader.GetAssemblyReference(handle);
            string name = reader.GetString(reference.Name);
            if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            {
                Assert.True(reference.Version <= NewestLoadableRoslyn,
                    $"{entry} references {name} {reference.Version}; the SDK compilers load at most {NewestLoadableRoslyn}.");
            }
        }
    }

    [Fact]
    public void Nuspec_declares_no_dependencies()
    {
        // Roslyn is provided by the compiler that loads the analyzer, the analyzer and generator are
        // inside the package, and the runtime library needs nothing. Add a dependency here only on
        // purpose.
        string[] dependencies = _package.Nuspec.Descendants()
            .Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string?)e.Attribute("id") ?? "")
            .ToArray();
        Assert.DoesNotContain(dependencies, id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(dependencies);
    }

    [Fact]
    public void Package_is_not_a_development_dependency()
    {
        // The attributes live in the runtime library, which the consumer's assembly references.
        Assert.NotEqual("true", _package.NuspecValue("developmentDependency"));
    }

    [Fact]
    public void Package_has_description_license_readme_and_tags()
    {
        Assert.False(string.IsNullOrWhiteSpace(_package.NuspecValue("description")));

        XElement license = _package.Nuspec.Descendants().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);

        string? readme = _package.NuspecValue("readme");
        Assert.False(string.IsNullOrEmpty(readme));
        Assert.Contains(readme, _package.EntryNames);

        string tags = _package.NuspecValue("tags") ?? "";
        Assert.Contains("lockdep", tags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// The core library the assembly was compiled against ("netstandard 2.0.0.0" for netstandard2.0,
    /// "System.Runtime 8.0.0.0" for net8.0): unlike [TargetFramework], every assembly has one, even
    /// one compiled from no source.
    /// </summary>
    private static string? CoreLibrary(MetadataReader reader)
    {
        foreach (AssemblyReferenceHandle handle in reader.AssemblyReferences)
        {
            AssemblyReference reference = reader.GetAssemblyReference(handle);
            string name = reader.GetString(reference.Name);
            if (name is "netstandard" or "System.Runtime" or "mscorlib")
            {
                return $"{name} {reference.Version}";
            }
        }

        return null;
    }
}
