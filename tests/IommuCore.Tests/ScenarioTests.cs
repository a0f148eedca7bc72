using IommuCore.Scenarios;
using IommuCore.Tests.Infrastructure;

namespace IommuCore.Tests;

/// <summary>The scenarios' outcomes. IommuCore's runtime checks drive the process-wide lockdep engine, hence the collection.</summary>
[Collection(LockdepCollection.Name)]
public class ScenarioTests
{
    [Fact]
    public void Boot_probes_every_device_into_its_group_and_binds_the_drivers()
    {
        BootResult result = IommuScenarios.Boot();
        KernelSnapshot s = result.Snapshot;
        Assert.Equal(0, s.Warnings);
        Assert.Equal(["dmar0", "dmar1"], s.Iommus);
        Assert.All(s.CpusOnline, Assert.True);
        Assert.Equal("e1000e", s.Device("0000:01:00.0")?.Driver);
        Assert.Equal("xhci_hcd", s.Device("0000:00:14.0")?.Driver);
        GroupSnapshot nic = Assert.IsType<GroupSnapshot>(s.GroupOf("0000:01:00.0"));
        Assert.Equal(["0000:01:00.0", "0000:01:00.1"], nic.Devices);
        Assert.Equal(2, nic.OwnerCnt);
        Assert.True(nic.OnDefaultDomain);
        Assert.Equal(1, s.GroupOf("0000:00:14.0")!.OwnerCnt);
        Assert.Equal(0, s.GroupOf("0000:00:02.0")!.OwnerCnt);
        Assert.Contains(result.ResvRegionsOfUsbGroup, r => r.Type == IommuResvType.Direct && r.Start == 0x7c000000);
        Assert.True(s.GroupOf("0000:00:14.0")!.DefaultDomainMappedPages >= 16, "the RMRR is identity-mapped");
        Assert.All(s.Devices.Where(d => d.Bus == "pci"), d => Assert.True(d.IommuDmaOps && d.HasDevIommu, d.Name));
        Assert.All(s.Devices, d => Assert.Equal(d.Driver is null ? 0 : 1, d.DmaOwnerClaims));
        Assert.Contains(s.Devices, d => d.Name == "coretemp.0" && d.Driver == "coretemp" && d.GroupId is null);
        Assert.True(s.IovaDeadInstances >= 3);
    }

    [Fact]
    public void Vfio_attach_takes_the_group_from_the_kernel_and_gives_it_back()
    {
        VfioResult r = IommuScenarios.VfioAttach();
        Assert.Equal(-Errno.EPERM, r.SetContainerWhileBound);
        Assert.Equal(0, r.SetContainer);
        Assert.Equal(0, r.SetIommu);
        Assert.Equal(0, r.MapDma);
        Assert.Equal(-Errno.EBUSY, r.BindWhileOwned);
        Assert.NotNull(r.MappedIova);
        GroupSnapshot owned = r.WhileAttached.GroupOf("0000:01:00.0")!;
        Assert.True(owned.OwnedByUser);
        Assert.Equal(1, owned.OwnerCnt);
        Assert.Equal(IommuDomainType.Unmanaged, owned.DomainType);
        Assert.Null(r.WhileAttached.Device("0000:01:00.0")!.Driver);
        GroupSnapshot back = r.AfterRelease.GroupOf("0000:01:00.0")!;
        Assert.False(back.OwnedByUser);
        Assert.Equal(2, back.OwnerCnt);
        Assert.True(back.OnDefaultDomain);
        Assert.True(r.UsbRebinds >= 3);
        Assert.Equal(0, r.AfterRelease.Warnings);
        Assert.All(r.AfterRelease.Devices, d => Assert.Equal(d.Driver is null ? 0 : 1, d.DmaOwnerClaims));
    }

    [Fact]
    public void Dma_faults_during_device_add_are_handled_without_walking_the_bus()
    {
        FaultResult r = IommuScenarios.DmaFaultDuringDeviceAdd();
        Assert.Equal(6, r.DevicesAdded.Count);
        Assert.Equal(["0000:02:04.0", "0000:02:05.0"], r.DevicesRemoved);
        Assert.Equal(r.FaultsRaised, r.FaultsHandled);
        Assert.Equal(0, r.Snapshot.Warnings);
        Assert.All(r.DevicesAdded.Except(r.DevicesRemoved), name =>
        {
            DeviceSnapshot dev = r.Snapshot.Device(name)!;
            Assert.Equal("e1000e", dev.Driver);
            Assert.NotNull(dev.GroupId);
        });
        Assert.All(r.DevicesRemoved, name =>
        {
            Assert.Null(r.Snapshot.Device(name));
            Assert.Null(r.Snapshot.GroupOf(name));
        });
        Assert.All(r.DevicesRemoved, name => Assert.Contains(r.Log, l => l.StartsWith(name + ": Removing from iommu group ", StringComparison.Ordinal)));
        Assert.Contains(r.Log, l => l.StartsWith("DMAR: pte level: 1", StringComparison.Ordinal));
        Assert.Contains(r.Log, l => l.StartsWith("DMAR: [DMA Write NO_PASID] Request device [02:", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpu_hotplug_while_devices_are_added_keeps_coretemp_and_iova_caches_consistent()
    {
        HotplugResult r = IommuScenarios.CpuHotplugDuringDeviceAdd();
        Assert.Equal(6, r.DevicesAdded.Count);
        Assert.True(r.CpuCycles >= 4);
        Assert.All(r.Snapshot.CpusOnline, Assert.True);
        Assert.Equal([0, 1], r.CoretempCpus[0]);
        Assert.Equal([2, 3], r.CoretempCpus[1]);
        Assert.Equal(r.DmaDomainsWithCaches, r.IovaLeaks.Count);
        Assert.True(r.DmaDomainsWithCaches >= 8, $"{r.DmaDomainsWithCaches} DMA domains");
        Assert.All(r.IovaLeaks, leak => Assert.Equal(0, leak));
        Assert.Equal(r.DmaDomainsWithCaches, r.Snapshot.IovaDeadInstances);
        Assert.Equal(0, r.Snapshot.Warnings);
        Assert.All(r.DevicesAdded, name => Assert.Equal("e1000e", r.Snapshot.Device(name)!.Driver));
    }

    [Fact]
    public void Async_probe_of_several_iommus_probes_each_client_once_into_its_iommus_group()
    {
        AsyncProbeResult r = IommuScenarios.AsyncProbe();
        for (int boot = 0; boot < r.Boots.Count; boot++)
        {
            KernelSnapshot s = r.Boots[boot];
            Assert.Equal(0, s.Warnings);
            Assert.Equal(4, s.Iommus.Count);
            Assert.StartsWith("rk_iommu.", r.DmaDevs[boot]);
            Assert.Equal(2, r.ClientData[boot]);
            foreach (string vop in new[] { "rockchip-vop.0", "rockchip-vop.1" })
            {
                DeviceSnapshot dev = s.Device(vop)!;
                Assert.Equal("rockchip-vop", dev.Driver);
                Assert.True(dev.HasDevIommu && dev.IommuDmaOps);
                Assert.Equal(1, s.GroupOf(vop)!.OwnerCnt);
            }

            Assert.NotEqual(s.GroupOf("rockchip-vop.0")!.Id, s.GroupOf("rockchip-vop.1")!.Id);
            Assert.All(s.Devices.Where(d => d.Name.StartsWith("rk_iommu.", StringComparison.Ordinal) || d.Name.StartsWith("rkisp1", StringComparison.Ordinal)),
                d => Assert.False(d.HasDevIommu, d.Name));
        }
    }

    [Fact]
    public void Driver_bind_and_unbind_keep_dma_ownership_balanced()
    {
        BindResult r = IommuScenarios.DriverBindUnbind();
        KernelSnapshot s = r.Snapshot;
        Assert.Equal(0, s.Warnings);
        Assert.Equal(2, s.GroupOf("0000:01:00.0")!.OwnerCnt);
        Assert.Equal(1, s.GroupOf("0000:00:14.0")!.OwnerCnt);
        Assert.Equal("xhci_hcd", s.Device("0000:00:14.0")!.Driver);
        Assert.All(s.Devices, d => Assert.Equal(d.Driver is null ? 0 : 1, d.DmaOwnerClaims));
    }
}
