using LockDiscipline.Analyzer.Tests.Harness;
using LockDiscipline.TestKit;

namespace LockDiscipline.Analyzer.Tests.CrossAssembly;

/// <summary>
/// Seed 003 as its module files are (samples/Regressions: CPU hotplug, the bus notifier, coretemp), each
/// compiled as an assembly of its own: coretemp registers its online callback with CPU hotplug, which keeps
/// it and runs it holding cpuhp_state-up; the callback adds a platform device through the bus notifier. No
/// acquisition of the cycles is coretemp's, so they are reported at coretemp's call into the driver core.
/// </summary>
public class Seed003Tests
{
    private static readonly Lazy<TwoAssemblies.Library> Cpu = TwoAssemblies.Shared(() => TwoAssemblies.BuildLibrary(Seed("Cpu"), "Cpu"));

    private static readonly Lazy<TwoAssemblies.Library> Base = TwoAssemblies.Shared(() => TwoAssemblies.BuildLibrary(Seed("Base"), "Base", new[] { Cpu.Value.Reference }));

    /// <summary>
    /// Two elementary cycles, each reported once as within one compilation: the seed's three classes, and
    /// cpuhp_state-up -> cpu_hotplug_lock, which the same callback makes (the notifier registers the IOVA
    /// domain's hotplug instance under cpus_read_lock()).
    /// </summary>
    [Fact]
    public void Coretemp_closes_the_cycles_at_its_call_into_the_driver_core()
    {
        var source = Seed("Hwmon");
        var diagnostics = TwoAssemblies.AnalyzeApp(source, Cpu.Value.Reference, Base.Value.Reference);

        var call = "_kernel.PlatformDeviceAdd(pdev)";
        Assert.All(diagnostics, d =>
        {
            Assert.Equal("LD0001", d.Id);
            Assert.Equal(source.IndexOf(call, StringComparison.Ordinal), d.Location.SourceSpan.Start);
            Assert.Equal(call.Length, d.Location.SourceSpan.Length);
        });
        Assert.Equal(
            new[]
            {
                "possible circular locking dependency detected: acquiring '&(&priv->bus_notifier)->rwsem' while holding 'cpuhp_state-up' "
                + "(CpuHotplug.CpuhpThreadFun at Cpu.cs:85 -> Coretemp.CoretempCpuOnline -> Kernel.PlatformDeviceAdd -> BlockingNotifierHead.BlockingNotifierCallChain at Base.cs:102), "
                + "but the existing dependency chain is '&(&priv->bus_notifier)->rwsem' -> 'cpu_hotplug_lock' (BlockingNotifierHead.BlockingNotifierCallChain at Base.cs:78 -> CpuHotplug.CpuhpStateAddInstance at Cpu.cs:53), "
                + "then 'cpu_hotplug_lock' -> 'cpuhp_state-up' (CpuHotplug.CpuUp at Cpu.cs:76)",
                "possible circular locking dependency detected: acquiring 'cpu_hotplug_lock' while holding 'cpuhp_state-up' "
                + "(CpuHotplug.CpuhpThreadFun at Cpu.cs:85 -> Coretemp.CoretempCpuOnline -> Kernel.PlatformDeviceAdd -> BlockingNotifierHead.BlockingNotifierCallChain -> CpuHotplug.CpuhpStateAddInstance at Cpu.cs:53), "
                + "but the existing dependency chain is 'cpu_hotplug_lock' -> 'cpuhp_state-up' (CpuHotplug.CpuUp at Cpu.cs:76)",
            },
            diagnostics.Select(d => d.GetMessage()).Order(StringComparer.Ordinal));
    }

    /// <summary>The fix upstream: the platform devices are added at init, outside any hotplug callback.</summary>
    [Fact]
    public void Coretemp_adding_its_devices_at_init_is_clean()
        => TwoAssemblies.VerifyApp("""
            namespace Regressions.Seed003;

            public sealed class Coretemp
            {
                private readonly Kernel _kernel;
                private readonly Device?[] _pkgDevices = new Device?[2];

                public Coretemp(Kernel kernel) => _kernel = kernel;

                public int CoretempInit()
                {
                    for (int pkg = 0; pkg < _pkgDevices.Length; pkg++)
                    {
                        var pdev = new Device($"coretemp.{pkg}");
                        _kernel.PlatformDeviceAdd(pdev);
                        _pkgDevices[pkg] = pdev;
                    }

                    return _kernel.Cpu.CpuhpSetupState(CoretempCpuOnline);
                }

                private int CoretempCpuOnline(int cpu) => _pkgDevices[cpu / 2] is null ? -19 : 0;
            }
            """, Cpu.Value.Reference, Base.Value.Reference);

    [Fact]
    public void The_modules_alone_are_clean()
    {
        Assert.Empty(AnalyzerRunner.Run(TestCompilation.Create(new[] { ("/lib/Cpu.cs", Seed("Cpu")) }, assemblyName: "Cpu")));
        Assert.Empty(TwoAssemblies.AnalyzeApp(Seed("Base"), Cpu.Value.Reference));
    }

    private static string Seed(string module)
        => File.ReadAllText(Directory.GetFiles(Path.Combine(RepositoryRoot.Directory, "samples", "Regressions", module), "003_*.cs").Single());
}
