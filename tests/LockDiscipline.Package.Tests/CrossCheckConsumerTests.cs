using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using LockDiscipline.Package.Tests.Infrastructure;
using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests;

/// <summary>
/// Consumers/CrossCheck, built from the packed package with LockDisciplineStaticEdges set and run with
/// <c>dotnet</c>: the app embeds the analysis's dependencies, its Debug run checks its own against them,
/// and the one dependency it takes through reflection (<c>MethodInfo.Invoke</c>) is the only one listed;
/// the one the analysis saw is not.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CrossCheckConsumerTests
{
    private const string Title = "WARNING: dependency not predicted by the static analysis";

    private static readonly Lazy<ProgramRun>[] Runs = new Lazy<ProgramRun>[1];

    private readonly PackageFixture _package;

    public CrossCheckConsumerTests(PackageFixture package)
    {
        _package = package;
    }

    private static string SourceDirectory => Path.Combine(RepositoryLayout.Root, "tests", "LockDiscipline.Package.Tests", "Consumers", "CrossCheck");

    [Fact]
    public void Debug_run_lists_exactly_the_dependency_taken_through_reflection()
    {
        ProgramRun run = Run();
        int line = SourceMarkers.Read(Directory.GetFiles(SourceDirectory, "*.cs")).RuntimeLine("Program.cs", "Registry._gate taken under Cache._sync");
        Assert.Equal(
            "dependency not predicted by the static analysis: Cache._sync -> Registry._gate, at Registry.Publish (Program.cs:" + line + "), (static graph of assemblies CrossCheck)\n"
            + "done\n",
            run.StandardOutput.Replace("\r\n", "\n"));
        (string ReportTitle, string Text) report = Assert.Single(RuntimeReports.Of(run));
        Assert.Equal(Title, report.ReportTitle);
    }

    [Fact]
    public void Build_embeds_the_static_edges()
    {
        ConsumerBuild build = Build();
        Assert.True(build.Process.ExitCode == 0, "The build failed.\n" + build.Describe());
        Assert.Equal(
            "LDE 1\n2\nmember:F:CrossCheck.Registry._gate\nmember:F:CrossCheck.Registry._names\n0 1",
            AssemblyMetadata(Path.Combine(build.ProjectDirectory, "bin", "Debug", "net10.0", "CrossCheck.dll"), "LockDiscipline.StaticEdges"));
    }

    /// <summary>The value of the assembly's AssemblyMetadata attribute with the key, read from its metadata as any tool would.</summary>
    private static string? AssemblyMetadata(string assemblyPath, string key)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader reader = pe.GetMetadataReader();
        foreach (CustomAttributeHandle handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            CustomAttribute attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference
                || reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is not { Kind: HandleKind.TypeReference } parent
                || reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name) != "AssemblyMetadataAttribute")
            {
                continue;
            }

            BlobReader value = reader.GetBlobReader(attribute.Value);
            value.ReadUInt16(); // the prolog
            if (value.ReadSerializedString() == key)
            {
                return value.ReadSerializedString();
            }
        }

        return null;
    }

    private ConsumerBuild Build() => _package.BuildProjectCopy("CrossCheck-Debug", SourceDirectory, "Debug");

    private ProgramRun Run()
    {
        ConsumerBuild build = Build();
        Assert.True(build.Process.ExitCode == 0, "The build failed.\n" + build.Describe());
        string assembly = Path.Combine(build.ProjectDirectory, "bin", "Debug", "net10.0", "CrossCheck.dll");
        lock (Runs)
        {
            Runs[0] ??= new Lazy<ProgramRun>(() => ProcessRunner.RunDotnetProgram(build.ProjectDirectory, assembly));
            return Runs[0].Value;
        }
    }
}
