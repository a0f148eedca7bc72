using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace LockDiscipline.Package.Tests.Infrastructure;

/// <summary>What of the generator's runtime checks a built assembly contains.</summary>
public static class GeneratedChecks
{
    public const string GeneratedNamespace = "LockDiscipline.Generated";

    /// <summary>
    /// The types the assembly defines in <see cref="GeneratedNamespace"/> (or that are the generator's
    /// file-local InterceptsLocationAttribute), and the types of the engine's generated-code API
    /// (LockDiscipline.Validation) it references: only generated checks use either.
    /// </summary>
    public static (int GeneratedTypes, string[] EngineTypes) Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader reader = pe.GetMetadataReader();
        int generated = reader.TypeDefinitions
            .Select(reader.GetTypeDefinition)
            .Count(t => reader.GetString(t.Namespace).StartsWith(GeneratedNamespace, StringComparison.Ordinal) ||
                        reader.GetString(t.Name).Contains("InterceptsLocationAttribute", StringComparison.Ordinal));
        string[] engine = reader.TypeReferences
            .Select(reader.GetTypeReference)
            .Select(t => reader.GetString(t.Namespace) + "." + reader.GetString(t.Name))
            .Where(name => name.StartsWith("LockDiscipline.Validation.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return (generated, engine);
    }
}
