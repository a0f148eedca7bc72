using System.Collections.Concurrent;
using System.IO.Compression;
using System.Xml.Linq;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests.Infrastructure;

/// <summary>A consumer build: the process result and the diagnostics it printed.</summary>
public sealed record ConsumerBuild(string Name, string ProjectDirectory, ProcessResult Process, IReadOnlyList<BuildDiagnostic> Diagnostics, string DetailedLog)
{
    public IReadOnlyList<BuildDiagnostic> LockDisciplineDiagnostics =>
        Diagnostics.Where(d => d.IsLockDiscipline).ToArray();

    /// <summary>For assertion messages: the LD diagnostics, then the command and its output.</summary>
    public string Describe()
    {
        string ld = LockDisciplineDiagnostics.Count == 0
            ? "(no LD diagnostics)"
            : string.Join("\n", LockDisciplineDiagnostics.Select(d => "  " + d));
        return $"consumer '{Name}' in {ProjectDirectory}\nLD diagnostics:\n{ld}\n{Process.Describe()}";
    }
}

/// <summary>One packed package: its file, its nuspec and its entries.</summary>
public sealed class PackedPackage
{
    private readonly string _extractRoot;

    public PackedPackage(string path, string extractRoot)
    {
        Path = path;
        _extractRoot = extractRoot;
        using ZipArchive zip = ZipFile.OpenRead(path);
        ZipArchiveEntry nuspecEntry = zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using (Stream stream = nuspecEntry.Open())
        {
            Nuspec = XDocument.Load(stream);
        }

        EntryNames = zip.Entries.Select(e => e.FullName).ToArray();
    }

    public string Path { get; }

    public XDocument Nuspec { get; }

    public IReadOnlyList<string> EntryNames { get; }

    /// <summary>The entries a package author put there: all but the nuspec and what NuGet itself adds (_rels/, package/, [Content_Types].xml).</summary>
    public IReadOnlyList<string> ContentEntries =>
        EntryNames
            .Where(e => !e.EndsWith(".nuspec", StringComparison.Ordinal) && !e.StartsWith("_rels/", StringComparison.Ordinal) &&
                        !e.StartsWith("package/", StringComparison.Ordinal) && e != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The text of a metadata element of the nuspec (any namespace), or null.</summary>
    public string? NuspecValue(string element) =>
        Nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == "metadata")?
            .Elements().FirstOrDefault(e => e.Name.LocalName == element)?.Value;

    /// <summary>Extracts one entry of the package to a file under the temporary folder.</summary>
    public string ExtractEntry(string entryName)
    {
        string target = System.IO.Path.Combine(_extractRoot, System.IO.Path.GetFileNameWithoutExtension(Path), entryName.Replace('/', System.IO.Path.DirectorySeparatorChar));
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            using ZipArchive zip = ZipFile.OpenRead(Path);
            zip.GetEntry(entryName)!.ExtractToFile(target);
        }

        return target;
    }
}

/// <summary>
/// Packs the real packages once per test run into a temporary folder (LockDiscipline, its dependency
/// LockDiscipline.Runtime and the runtime's symbols package), and builds consumer projects against them
/// exactly as a user's project would consume them: a PackageReference restored from a nuget.config
/// whose sources are that folder (for the LockDiscipline packages only) and nuget.org, into a package
/// folder of its own, so no copy of a previously packed same-version package is ever used.
/// </summary>
/// <remarks>
/// `dotnet test LockDiscipline.sln` has built everything in Debug before this runs, and other test
/// assemblies run alongside. The pack builds Release with the default bin/obj layout, so it writes
/// only Release outputs; its restore of the product projects is a no-op (same inputs as the Debug
/// restore), so the Debug build's obj/ and bin/ are never touched.
/// </remarks>
public sealed class PackageFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ConsumerBuild>> _builds = new();

    public PackageFixture()
    {
        TempRoot = Path.Combine(Path.GetTempPath(), "LockDiscipline.Package.Tests", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Guid.NewGuid().ToString("N")[..8]);
        PackageDirectory = Path.Combine(TempRoot, "pack");
        PackagesFolder = Path.Combine(TempRoot, "packages");
        Directory.CreateDirectory(PackageDirectory);

        PackResult = ProcessRunner.RunDotnet(
            RepositoryLayout.Root,
            "pack", RepositoryLayout.PackageProject,
            "-c", "Release",
            "-o", PackageDirectory,
            "-p:UseArtifactsOutput=false",
            "-nologo", "-v:q", "-tl:off", "-nodeReuse:false");
        if (PackResult.ExitCode != 0)
        {
            throw new InvalidOperationException("Packing LockDiscipline failed.\n" + PackResult.Describe());
        }

        PackedFiles = Directory.GetFiles(PackageDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        string[] packages = Directory.GetFiles(PackageDirectory, "LockDiscipline.*.nupkg");
        string analyzers = packages.SingleOrDefault(p => !Path.GetFileName(p).StartsWith("LockDiscipline.Runtime.", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No LockDiscipline nupkg in {PackageDirectory}.\n{PackResult.Describe()}");
        string runtime = packages.SingleOrDefault(p => Path.GetFileName(p).StartsWith("LockDiscipline.Runtime.", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No LockDiscipline.Runtime nupkg in {PackageDirectory}.\n{PackResult.Describe()}");

        Package = new PackedPackage(analyzers, Path.Combine(TempRoot, "extracted"));
        RuntimePackage = new PackedPackage(runtime, Path.Combine(TempRoot, "extracted"));
        PackageVersion = Package.NuspecValue("version") ?? throw new InvalidOperationException("The nuspec has no version.");
        WriteConsumerScaffolding();
    }

    /// <summary>Everything of one run lives here: the packages, the package folder, the consumers.</summary>
    public string TempRoot { get; }

    public string PackageDirectory { get; }

    public string PackagesFolder { get; }

    public ProcessResult PackResult { get; }

    /// <summary>The names of the files the pack wrote.</summary>
    public IReadOnlyList<string> PackedFiles { get; }

    /// <summary>LockDiscipline: the analyzer, the generator and their build file; what a project adds.</summary>
    public PackedPackage Package { get; }

    /// <summary>LockDiscipline.Runtime: the runtime library, LockDiscipline's dependency.</summary>
    public PackedPackage RuntimePackage { get; }

    public string PackageVersion { get; }

    /// <summary>
    /// Builds (once per run, then cached) a consumer project named <paramref name="name"/> made of
    /// the given source files and, if given, an .editorconfig next to them, passing
    /// <paramref name="buildArguments"/> to <c>dotnet build</c>.
    /// </summary>
    public ConsumerBuild BuildConsumer(string name, IEnumerable<string> sourceFiles, string? editorConfig = null, params string[] buildArguments)
    {
        string[] files = sourceFiles.ToArray();
        return _builds.GetOrAdd(name, _ => new Lazy<ConsumerBuild>(() => Build(name, files, editorConfig, buildArguments))).Value;
    }

    private ConsumerBuild Build(string name, string[] sourceFiles, string? editorConfig, string[] buildArguments)
    {
        string projectDirectory = Path.Combine(TempRoot, "consumers", name);
        Directory.CreateDirectory(projectDirectory);
        foreach (string source in sourceFiles)
        {
            File.Copy(source, Path.Combine(projectDirectory, Path.GetFileName(source)), overwrite: true);
        }

        if (editorConfig is not null)
        {
            File.WriteAllText(Path.Combine(projectDirectory, ".editorconfig"), editorConfig);
        }

        string project = Path.Combine(projectDirectory, name + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Library</OutputType>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <LangVersion>latest</LangVersion>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LockDiscipline" Version="{PackageVersion}" />
              </ItemGroup>
            </Project>
            """);

        return RunBuild(name, projectDirectory, project, buildArguments);
    }

    /// <summary>
    /// Builds a consumer again, as it now is (a test changed its sources): never cached.
    /// </summary>
    public ConsumerBuild BuildAgain(ConsumerBuild build) =>
        RunBuild(build.Name, build.ProjectDirectory, Path.Combine(build.ProjectDirectory, build.Name + ".csproj"));

    /// <summary>
    /// Builds (once per run and <paramref name="name"/>, then cached) a copy of an existing project
    /// folder of the repository, such as a sample, in <paramref name="configuration"/>: everything in it
    /// but bin/ and obj/ is copied, and <c>$(LockDisciplineVersion)</c> is the version under test. The
    /// project built is <paramref name="project"/> (relative to the folder; by default its one .csproj),
    /// with the projects it references.
    /// </summary>
    public ConsumerBuild BuildProjectCopy(string name, string sourceDirectory, string configuration, string? project = null)
    {
        return _builds.GetOrAdd(name, _ => new Lazy<ConsumerBuild>(() =>
        {
            string projectDirectory = Path.Combine(TempRoot, "consumers", name);
            CopyProjectFolder(sourceDirectory, projectDirectory);
            string projectFile = project is null
                ? Directory.GetFiles(projectDirectory, "*.csproj").Single()
                : Path.Combine(projectDirectory, project);
            return RunBuild(name, projectDirectory, projectFile, "-c", configuration, "-p:LockDisciplineVersion=" + PackageVersion);
        })).Value;
    }

    /// <summary>
    /// The analyzers the compiler would load for a built consumer project: the <c>-getItem:Analyzer</c>
    /// JSON of <c>dotnet msbuild -t:ResolveLockFileAnalyzers</c>, after everything hooked to that target.
    /// </summary>
    public ProcessResult ResolveAnalyzers(ConsumerBuild build, string project, string configuration) =>
        ProcessRunner.RunDotnet(
            build.ProjectDirectory,
            "msbuild", Path.Combine(build.ProjectDirectory, project), "-t:ResolveLockFileAnalyzers", "-getItem:Analyzer",
            "-p:Configuration=" + configuration, "-p:LockDisciplineVersion=" + PackageVersion, "-nologo", "-nodeReuse:false");

    private static void CopyProjectFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (string folder in Directory.GetDirectories(source))
        {
            string folderName = Path.GetFileName(folder);
            if (folderName is not ("bin" or "obj"))
            {
                CopyProjectFolder(folder, Path.Combine(target, folderName));
            }
        }
    }

    private static ConsumerBuild RunBuild(string name, string projectDirectory, string project, params string[] extraArguments)
    {
        // The console shows diagnostics; the detailed file log also has the compiler's analyzer
        // report (-p:ReportAnalyzer=true), which proves the analyzer was loaded and run.
        string detailedLog = Path.Combine(projectDirectory, "build.log");
        ProcessResult result = ProcessRunner.RunDotnet(
            projectDirectory,
            new[]
            {
                "build", project,
                "-nologo", "-v:q", "-tl:off", "-nodeReuse:false",
                "-p:ReportAnalyzer=true",
                $"-flp:verbosity=detailed;logfile={detailedLog}",
            }.Concat(extraArguments).ToArray());

        return new ConsumerBuild(
            name,
            projectDirectory,
            result,
            BuildDiagnostic.Parse(result.Output),
            File.Exists(detailedLog) ? File.ReadAllText(detailedLog) : "");
    }

    private void WriteConsumerScaffolding()
    {
        // Stop MSBuild's search for Directory.Build.* above the temporary folder, and restore into a
        // package folder of this run (the tool installs of AdoptionTests too, through globalPackagesFolder).
        File.WriteAllText(Path.Combine(TempRoot, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <RestorePackagesPath>{PackagesFolder}</RestorePackagesPath>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(TempRoot, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(TempRoot, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{PackagesFolder}" />
              </config>
              <packageSources>
                <clear />
                <add key="lockdiscipline-under-test" value="{PackageDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="lockdiscipline-under-test">
                  <package pattern="LockDiscipline" />
                  <package pattern="LockDiscipline.Runtime" />
                  <package pattern="LockDiscipline.Cli" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("LOCKDISCIPLINE_KEEP_TEST_FILES") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a lingering compiler server may still hold a file for a moment.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    /// <summary>All package tests share one pack, and run one at a time (each build uses both cores).</summary>
    public const string Name = "LockDiscipline package";
}
