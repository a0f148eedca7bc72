using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using LockDiscipline.Package.Tests.Infrastructure;

namespace LockDiscipline.Package.Tests;

/// <summary>What `dotnet pack nuget/LockDiscipline.Package.csproj` puts in the two packages.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests
{
    /// <summary>
    /// The newest Roslyn the analyzer may be built against: a newer one does not load in the compilers
    /// of the .NET 9.0.300+ and .NET 10 SDKs (CS9057), so the analyzer projects pin 4.14.0.
    /// </summary>
    private static readonly Version NewestLoadableRoslyn = new(4, 14, 0, 0);

    /// <summary>The weaving MSBuild task, loaded by MSBuild (never referenced), with Mono.Cecil beside it.</summary>
    private static readonly string[] TaskEntries =
    {
        "tasks/netstandard2.0/LockDiscipline.Weaver.dll",
        "tasks/netstandard2.0/Mono.Cecil.Rocks.dll",
        "tasks/netstandard2.0/Mono.Cecil.dll",
    };

    /// <summary>LockDiscipline: what the compiler loads, the build file, the weaving task, and the package's own page.</summary>
    private static readonly string[] PackageEntries = new[]
    {
        "README.md",
        "analyzers/dotnet/roslyn4.14/cs/LockDiscipline.Analyzer.dll",
        "analyzers/dotnet/roslyn4.14/cs/LockDiscipline.CodeFixes.dll",
        "analyzers/dotnet/roslyn4.14/cs/LockDiscipline.Generator.dll",
        "buildTransitive/LockDiscipline.targets",
        "icon.png",
    }.Concat(TaskEntries).ToArray();

    /// <summary>LockDiscipline.Runtime: the runtime library and its docs for each framework.</summary>
    private static readonly string[] RuntimeEntries =
    {
        "README.md",
        "icon.png",
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
    public void Pack_writes_LockDiscipline_its_runtime_and_the_runtime_symbols()
    {
        string version = _package.PackageVersion;
        Assert.Equal(
            new[] { $"LockDiscipline.{version}.nupkg", $"LockDiscipline.Runtime.{version}.nupkg", $"LockDiscipline.Runtime.{version}.snupkg" },
            _package.PackedFiles);
        Assert.Equal("LockDiscipline", _package.Package.NuspecValue("id"));
        Assert.Equal("LockDiscipline.Runtime", _package.RuntimePackage.NuspecValue("id"));
        Assert.Equal(version, _package.RuntimePackage.NuspecValue("version"));
    }

    /// <summary>No lib/: the runtime comes through the dependency.</summary>
    [Fact]
    public void LockDiscipline_holds_exactly_the_analyzers_the_build_targets_the_weaver_the_readme_and_the_icon()
    {
        Assert.Equal(PackageEntries, _package.Package.ContentEntries);
    }

    [Fact]
    public void Runtime_package_holds_exactly_the_runtime_library_and_its_docs_for_each_framework()
    {
        Assert.Equal(RuntimeEntries, _package.RuntimePackage.ContentEntries);
    }

    [Fact]
    public void Symbols_package_holds_a_pdb_next_to_each_runtime_library()
    {
        var symbols = new PackedPackage(Path.Combine(_package.PackageDirectory, $"LockDiscipline.Runtime.{_package.PackageVersion}.snupkg"), Path.Combine(_package.TempRoot, "extracted"));
        Assert.Equal(new[] { "lib/net8.0/LockDiscipline.pdb", "lib/netstandard2.0/LockDiscipline.pdb" }, symbols.ContentEntries);
    }

    [Fact]
    public void LockDiscipline_depends_on_exactly_LockDiscipline_Runtime_at_its_own_version()
    {
        XElement dependency = Assert.Single(Dependencies(_package.Package));
        Assert.Equal("LockDiscipline.Runtime", (string?)dependency.Attribute("id"));
        Assert.Equal(_package.PackageVersion, (string?)dependency.Attribute("version"));
    }

    [Fact]
    public void Runtime_package_declares_no_dependencies()
    {
        // The runtime library needs nothing; Roslyn is provided by the compiler that loads the analyzer.
        Assert.Empty(Dependencies(_package.RuntimePackage));
    }

    /// <summary>
    /// A development dependency is installed without its compile assets, which would leave out the
    /// attributes of LockDiscipline.Runtime that the project's code is compiled against.
    /// </summary>
    [Fact]
    public void Neither_package_is_a_development_dependency()
    {
        Assert.NotEqual("true", _package.Package.NuspecValue("developmentDependency"));
        Assert.NotEqual("true", _package.RuntimePackage.NuspecValue("developmentDependency"));
    }

    [Theory]
    [InlineData("LockDiscipline")]
    [InlineData("LockDiscipline.Runtime")]
    public void Package_has_description_license_readme_icon_tags_release_notes_and_repository(string id)
    {
        PackedPackage package = id == "LockDiscipline" ? _package.Package : _package.RuntimePackage;
        Assert.False(string.IsNullOrWhiteSpace(package.NuspecValue("description")));

        XElement license = package.Nuspec.Descendants().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);

        foreach (string file in new[] { "readme", "icon" })
        {
            string? entry = package.NuspecValue(file);
            Assert.False(string.IsNullOrEmpty(entry), $"The nuspec of {id} has no {file}.");
            Assert.Contains(entry, package.EntryNames);
        }

        string tags = package.NuspecValue("tags") ?? "";
        Assert.Contains("lockdep", tags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(_package.PackageVersion, package.NuspecValue("releaseNotes") ?? "", StringComparison.Ordinal);

        XElement repository = package.Nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://github.com/", (string?)repository.Attribute("url") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Build_targets_turn_the_runtime_checks_on_in_Debug_with_no_interceptors_namespace()
    {
        XDocument targets = XDocument.Load(_package.Package.ExtractEntry("buildTransitive/LockDiscipline.targets"));
        XElement[] checks = targets.Descendants().Where(e => e.Name.LocalName == "LockDisciplineRuntimeChecks").ToArray();
        Assert.Contains(checks, e => e.Value == "true" && ((string?)e.Attribute("Condition") ?? "").Contains("'Debug'", StringComparison.Ordinal));
        Assert.Contains(checks, e => e.Value == "false");
        Assert.DoesNotContain(targets.Descendants(), e => e.Name.LocalName is "InterceptorsNamespaces" or "InterceptorsPreviewNamespaces");
        string[] visible = targets.Descendants().Where(e => e.Name.LocalName == "CompilerVisibleProperty").Select(e => (string?)e.Attribute("Include") ?? "").ToArray();
        Assert.Equal(new[] { "LockDisciplineRuntimeChecks", "LockDisciplineStaticEdges" }, visible);
    }

    [Theory]
    [InlineData("lib/netstandard2.0/LockDiscipline.dll", "netstandard 2.0.0.0")]
    [InlineData("lib/net8.0/LockDiscipline.dll", "System.Runtime 8.0.0.0")]
    public void Runtime_library_in_each_folder_is_built_for_that_framework(string entry, string coreLibrary)
    {
        using var pe = new PEReader(File.OpenRead(_package.RuntimePackage.ExtractEntry(entry)));
        MetadataReader reader = pe.GetMetadataReader();
        Assert.Equal("LockDiscipline", reader.GetString(reader.GetAssemblyDefinition().Name));
        Assert.Equal(coreLibrary, CoreLibrary(reader));
    }

    [Theory]
    [InlineData("analyzers/dotnet/roslyn4.14/cs/LockDiscipline.Analyzer.dll", "LockDiscipline.Analyzer")]
    [InlineData("analyzers/dotnet/roslyn4.14/cs/LockDiscipline.Generator.dll", "LockDiscipline.Generator")]
    [InlineData("analyzers/dotnet/roslyn4.14/cs/LockDiscipline.CodeFixes.dll", "LockDiscipline.CodeFixes")]
    public void Analyzer_assemblies_reference_a_Roslyn_the_SDK_compiler_can_load(string entry, string assemblyName)
    {
        using var pe = new PEReader(File.OpenRead(_package.Package.ExtractEntry(entry)));
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

    private static IReadOnlyList<XElement> Dependencies(PackedPackage package) =>
        package.Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").ToArray();

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
