using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using IommuCore.Scenarios;
using IommuCore.Tests.Infrastructure;
using LockDiscipline;

namespace IommuCore.Tests;

/// <summary>
/// The runtime half of the proof: a Debug build of IommuCore carries the generator's runtime lockdep
/// checks, and every scenario runs on real threads under them without a single report. Each test also
/// shows that the checks really ran (the engine validated the scenario's acquisitions and learnt the
/// dependencies its locking makes), so none of them can pass on an assembly without checks.
/// </summary>
[Collection(LockdepCollection.Name)]
public sealed class RuntimeLockdepTests
{
    private readonly LockdepRecorder _recorder;

    public RuntimeLockdepTests(LockdepRecorder recorder)
    {
        _recorder = recorder;
    }

    /// <summary>The Debug build the tests run against has the checks; the props leave them out of Release.</summary>
    private static bool ChecksExpected => Repository.Configuration == "Debug";

    /// <summary>The module assemblies whose code takes locks, each built with the generator of its own.</summary>
    private static readonly Assembly[] LockingModules =
    [
        typeof(IrqChip).Assembly, typeof(CpuHotplug).Assembly, typeof(DriverCore).Assembly, typeof(Iommu).Assembly,
        typeof(IntelIommu).Assembly, typeof(Vfio).Assembly, typeof(RkIommu).Assembly,
    ];

    [Fact]
    public void Each_IommuCore_module_that_takes_locks_carries_the_woven_checks_in_Debug_only()
    {
        Assert.Equal(LockingModules.Length, LockingModules.Select(a => a.GetName().Name).Distinct().Count());
        int checkedCalls = 0;
        foreach (Assembly assembly in LockingModules.Append(typeof(IommuScenarios).Assembly))
        {
            Type[] generated = assembly.GetTypes().Where(t => t.Namespace == "LockDiscipline.Generated").ToArray();
            if (!ChecksExpected)
            {
                Assert.Empty(generated);
                Assert.False(ReferencesLockdepHooks(assembly), assembly.GetName().Name);
                continue;
            }

            if (!LockingModules.Contains(assembly))
            {
                continue;
            }

            string name = assembly.GetName().Name!;
            Assert.Equal(new[] { "CheckedCalls", "LockClasses" }, generated.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.True(ReferencesLockdepHooks(assembly), name + " does not call LockdepHooks");

            // Woven: the lock primitives' calls go through the checked calls, and none is left bare.
            List<MethodBase> called = assembly.GetTypes()
                .Where(t => t.Namespace != "LockDiscipline.Generated")
                .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Cast<MethodBase>()
                    .Concat(t.GetConstructors(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)))
                .SelectMany(CalledMethods)
                .ToList();
            Assert.DoesNotContain(called, m => m.DeclaringType == typeof(KMutex) && m.Name is "Lock" or "Unlock");
            checkedCalls += called.Count(m => m.DeclaringType?.Name == "CheckedCalls");
        }

        Assert.True(!ChecksExpected || checkedCalls >= 100, "calls of checked calls in all modules: " + checkedCalls);
    }

    /// <summary>The methods a method's IL calls (call, callvirt), read with the opcode table of System.Reflection.Emit.</summary>
    private static IEnumerable<MethodBase> CalledMethods(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        for (int offset = 0; offset < il.Length;)
        {
            System.Reflection.Emit.OpCode opCode = il[offset] == 0xFE ? TwoByteOpCodes[il[offset + 1]] : OneByteOpCodes[il[offset]];
            offset += opCode.Size;
            if (opCode == System.Reflection.Emit.OpCodes.Call || opCode == System.Reflection.Emit.OpCodes.Callvirt)
            {
                MethodBase? callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, offset), method.DeclaringType?.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null);
                if (callee is not null)
                {
                    yield return callee;
                }
            }

            offset += opCode.OperandType switch
            {
                System.Reflection.Emit.OperandType.InlineNone => 0,
                System.Reflection.Emit.OperandType.ShortInlineBrTarget or System.Reflection.Emit.OperandType.ShortInlineI or System.Reflection.Emit.OperandType.ShortInlineVar => 1,
                System.Reflection.Emit.OperandType.InlineVar => 2,
                System.Reflection.Emit.OperandType.InlineI8 or System.Reflection.Emit.OperandType.InlineR => 8,
                System.Reflection.Emit.OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, offset)),
                _ => 4,
            };
        }
    }

    private static readonly System.Reflection.Emit.OpCode[] OneByteOpCodes = OpCodeTable(oneByte: true);

    private static readonly System.Reflection.Emit.OpCode[] TwoByteOpCodes = OpCodeTable(oneByte: false);

    private static System.Reflection.Emit.OpCode[] OpCodeTable(bool oneByte)
    {
        var table = new System.Reflection.Emit.OpCode[256];
        foreach (FieldInfo field in typeof(System.Reflection.Emit.OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var opCode = (System.Reflection.Emit.OpCode)field.GetValue(null)!;
            if ((opCode.Size == 1) == oneByte)
            {
                table[(ushort)opCode.Value & 0xFF] = opCode;
            }
        }

        return table;
    }

    [Fact]
    public void Boot_reports_nothing_and_validates_registration_under_dmar_global_lock()
    {
        LockdepGraph graph = Run(() => IommuScenarios.Boot());
        // The order the boot path keeps after the fix: probing, and the group, under dmar_global_lock.
        graph.AssertDependency("dmar_global_lock", "iommu_probe_device_lock");
        graph.AssertDependency("dmar_global_lock", "&group->mutex");
        graph.AssertDependency("iommu_probe_device_lock", "&group->mutex");
    }

    [Fact]
    public void Vfio_attach_reports_nothing_and_validates_the_ioctl_chain_down_to_the_group_mutex()
    {
        LockdepGraph graph = Run(() => IommuScenarios.VfioAttach());
        graph.AssertDependency("&group->group_rwsem", "&container->group_lock");
        graph.AssertDependency("&container->group_lock", "&vfio.iommu_drivers_lock");
        graph.AssertDependency("&vfio.iommu_drivers_lock", "&iommu->lock");
        graph.AssertDependency("&iommu->lock", "&group->mutex");
        // The fix for seed 000: resv regions are read under RCU, not dmar_global_lock.
        graph.AssertDependency("&group->mutex", "rcu_read_lock");
        graph.AssertNoDependency("&group->mutex", "dmar_global_lock");
    }

    [Fact]
    public void Dma_faults_during_device_add_report_nothing_and_the_fault_irq_never_takes_the_klist_lock()
    {
        LockdepGraph graph = Run(() => IommuScenarios.DmaFaultDuringDeviceAdd());
        // The fault interrupt ran under the checks ('-': used in hard-IRQ context) ...
        Assert.Equal('-', graph.Usage("&iommu->register_lock")[0]);
        // ... and, since the fix for seed 001, does not walk a klist: k_lock is only ever taken with IRQs on.
        Assert.Equal('+', graph.Usage("&k->k_lock")[0]);
    }

    [Fact]
    public void Cpu_hotplug_while_devices_are_added_reports_nothing_and_coretemp_adds_no_device_under_cpuhp_state_up()
    {
        LockdepGraph graph = Run(() => IommuScenarios.CpuHotplugDuringDeviceAdd());
        graph.AssertDependency("cpu_hotplug_lock", "cpuhp_state-up");
        graph.AssertDependency("&(&priv->bus_notifier)->rwsem", "&cookie->mutex");
        graph.AssertDependency("&cookie->mutex", "cpu_hotplug_lock");
        // The fix for seed 003: the hotplug callbacks no longer add platform devices.
        graph.AssertNoDependency("cpuhp_state-up", "&(&priv->bus_notifier)->rwsem");
    }

    [Fact]
    public void Async_probe_of_four_iommus_reports_nothing_and_serialises_probing()
    {
        LockdepGraph graph = Run(() => IommuScenarios.AsyncProbe());
        graph.AssertDependency("iommu_probe_device_lock", "&group->mutex");
        graph.AssertDependency("&group->mutex", "&rk_domain->iommus_lock");
    }

    [Fact]
    public void Driver_bind_and_unbind_report_nothing_and_validate_the_device_lock_chain()
    {
        LockdepGraph graph = Run(() => IommuScenarios.DriverBindUnbind());
        graph.AssertDependency("&dev->mutex", "&group->mutex");
        // The DMA claim is a pseudo-lock for the analyzer only: nothing acquires it at run time, so the
        // generator registers no class for it (it registers the classes generated code uses or orders name).
        Assert.DoesNotContain("&dev->dma_owner", graph.Classes.Keys);
    }

    [Fact]
    public void All_scenarios_back_to_back_in_one_graph_report_nothing()
    {
        Run(() =>
        {
            IommuScenarios.Boot();
            IommuScenarios.VfioAttach();
            IommuScenarios.DmaFaultDuringDeviceAdd();
            IommuScenarios.CpuHotplugDuringDeviceAdd();
            IommuScenarios.AsyncProbe(boots: 2);
            IommuScenarios.DriverBindUnbind(cycles: 5);
        });
    }

    /// <summary>
    /// Runs a scenario and checks that the engine reported nothing (in this test or any earlier one: it
    /// reports each problem once per process), that it is still validating, and that it validated
    /// acquisitions during the run. Returns what the engine has learnt.
    /// </summary>
    private LockdepGraph Run(Action scenario)
    {
        LockdepStatistics before = Lockdep.Statistics;
        scenario();
        LockdepStatistics after = Lockdep.Statistics;

        Assert.True(_recorder.Reports.Count == 0, _recorder.Describe());
        Assert.Equal(0, after.Reports);
        var graph = LockdepGraph.Parse(Lockdep.DumpGraph());
        if (!ChecksExpected)
        {
            Assert.Empty(graph.Classes);
            return graph;
        }

        Assert.True(after.Validating, "the validator turned itself off:\n" + after);
        Assert.True(after.ChainLookups > before.ChainLookups, "the scenario made no validated acquisition:\n" + after);
        Assert.True(after.Classes >= 25, "lock classes registered:\n" + after);
        Assert.True(after.Dependencies > 0, "no dependency learnt:\n" + after);
        return graph;
    }

    private static bool ReferencesLockdepHooks(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        MetadataReader reader = pe.GetMetadataReader();
        return reader.TypeReferences.Select(reader.GetTypeReference).Any(t =>
            reader.StringComparer.Equals(t.Name, "LockdepHooks") && reader.StringComparer.Equals(t.Namespace, "LockDiscipline.Validation"));
    }
}
