using System.Reflection;

namespace IommuCore.Tests;

/// <summary>IommuCore's modules depend one way, as the kernel's do: a core never references what registers with it.</summary>
public class ModuleLayeringTests
{
    [Fact]
    public void The_driver_core_references_no_module_above_it_and_the_iommu_core_no_driver()
    {
        Assert.Equal(["IommuCore.Cpu", "IommuCore.Kernel"], ModuleReferences(typeof(DriverCore).Assembly));
        Assert.Equal(["IommuCore.Base", "IommuCore.Cpu", "IommuCore.Kernel"], ModuleReferences(typeof(Iommu).Assembly));
        Assert.Contains("IommuCore.Iommu", ModuleReferences(typeof(IntelIommu).Assembly));
    }

    /// <summary>The IommuCore modules <paramref name="module"/> references in its metadata, by name.</summary>
    private static string[] ModuleReferences(Assembly module)
        => module.GetReferencedAssemblies()
            .Select(name => name.Name!)
            .Where(name => name.StartsWith("IommuCore.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
