using System.Collections.Immutable;
using LockDiscipline.Analyzer;
using IommuCore.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IommuCore.Tests;

/// <summary>
/// Runs the real analyzer in process over IommuCore's sources, as the compiler does: the model is
/// clean, and putting a regression's broken code back into it is caught (so "clean" is not vacuous).
/// </summary>
public class IommuCoreAnalysisTests
{
    [Fact]
    public void IommuCore_has_no_LockDiscipline_diagnostic()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(_ => null);
        Assert.True(diagnostics.IsEmpty, string.Join("\n", diagnostics));
    }

    [Fact]
    public void Taking_dmar_global_lock_in_get_resv_regions_again_is_the_first_seeds_cycle()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(file => Patch(file, "IntelIommu.cs",
            "        _kernel.Rcu.RcuReadLock();\n        foreach (DmarRmrrUnit rmrr",
            "        _dmarGlobalLock.DownRead();\n        _dmarGlobalLock.UpRead();\n        _kernel.Rcu.RcuReadLock();\n        foreach (DmarRmrrUnit rmrr"));
        Assert.Contains(diagnostics, d => d.Id == "LD0001"
            && d.GetMessage().Contains("'dmar_global_lock'", StringComparison.Ordinal)
            && d.GetMessage().Contains("'&group->mutex'", StringComparison.Ordinal)
            && d.GetMessage().Contains("IntelIommu.IntelIommuInit", StringComparison.Ordinal));
    }

    [Fact]
    public void Walking_the_pci_bus_from_the_fault_handler_again_is_the_second_seeds_inconsistent_state()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(file => Patch(file, "IntelIommu.cs",
            "        int bus = sourceId >> 8;\n        int devfn = sourceId & 0xff;\n        _kernel.Log.Printk($\"DMAR: Dump",
            "        int bus = sourceId >> 8;\n        int devfn = sourceId & 0xff;\n        _kernel.Pci.PciGetDomainBusAndSlot(0, bus, devfn);\n        _kernel.Log.Printk($\"DMAR: Dump"));
        Assert.Contains(diagnostics, d => d.Id == "LD0004" && d.GetMessage().Contains("'&k->k_lock'", StringComparison.Ordinal)
            && d.GetMessage().Contains("IntelIommu.DmarFault", StringComparison.Ordinal));
    }

    [Fact]
    public void Probing_without_iommu_probe_device_lock_breaks_the_assertion_the_third_seeds_fix_added()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(file => Patch(file, "Iommu.cs",
            "        _iommuProbeDeviceLock.Lock();\n        int ret = IommuProbeDeviceLocked(dev, groupList);\n        _iommuProbeDeviceLock.Unlock();",
            "        int ret = IommuProbeDeviceUnlocked(dev, groupList);")
            ?.Replace("    [RequiresLock(\"iommu_probe_device_lock\")]\n    private int IommuProbeDeviceLocked(", "    private int IommuProbeDeviceUnlocked(Device dev, List<IommuGroup>? groupList) => IommuProbeDeviceLocked(dev, groupList);\n\n    [RequiresLock(\"iommu_probe_device_lock\")]\n    private int IommuProbeDeviceLocked(", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Id == "LD0009" && d.GetMessage().Contains("'iommu_probe_device_lock'", StringComparison.Ordinal));
    }

    [Fact]
    public void Adding_a_device_from_the_cpu_online_callback_again_is_the_fourth_seeds_cycle()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(file => Patch(file, "Coretemp.cs",
            "        pdata.HwmonDev ??= _hwmon.HwmonDeviceRegisterWithGroups(pdev, \"coretemp\");",
            "        pdata.HwmonDev ??= _hwmon.HwmonDeviceRegisterWithGroups(pdev, \"coretemp\");\n        _kernel.Base.DeviceAdd(new PlatformDevice(_kernel.Platform, \"coretemp\", 100 + cpu, null));"));
        Assert.Contains(diagnostics, d => d.Id == "LD0001"
            && d.GetMessage().Contains("'cpu_hotplug_lock'", StringComparison.Ordinal)
            && d.GetMessage().Contains("'&(&priv->bus_notifier)->rwsem'", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Id == "LD0002" && d.GetMessage().Contains("declared order", StringComparison.Ordinal));
    }

    [Fact]
    public void Claiming_nothing_when_the_device_has_no_group_is_the_fifth_seeds_success_without_ownership()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(file => Patch(file, "Iommu.cs",
            "        if (group is null)\n        {\n            DevDmaOwnerClaim(dev);\n            return 0;\n        }",
            "        if (group is null)\n        {\n            return 0;\n        }"));
        Assert.Contains(diagnostics, d => d.Id == "LD0010" && d.GetMessage().Contains("'&dev->dma_owner'", StringComparison.Ordinal));
    }

    /// <summary>Replaces <paramref name="from"/> in the file named <paramref name="fileName"/>; null for every other file.</summary>
    private static string? Patch((string Path, string Text) file, string fileName, string from, string to)
    {
        if (System.IO.Path.GetFileName(file.Path) != fileName)
        {
            return null;
        }

        Assert.Contains(from, file.Text);
        return file.Text.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>Compiles IommuCore (each file's text changed by <paramref name="patch"/> when it returns one) and runs the analyzer.</summary>
    private static ImmutableArray<Diagnostic> Analyze(Func<(string Path, string Text), string?> patch)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = Repository.SourceFiles(Repository.IommuCoreSources).Select(path =>
        {
            string text = File.ReadAllText(path).ReplaceLineEndings("\n");
            return CSharpSyntaxTree.ParseText(patch((path, text)) ?? text, parseOptions, path);
        }).ToArray();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(Path.Combine(AppContext.BaseDirectory, "LockDiscipline.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "IommuCore",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "IommuCore does not compile in the test:\n" + string.Join("\n", errors));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal)).ToImmutableArray();
    }
}
