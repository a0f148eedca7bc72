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
