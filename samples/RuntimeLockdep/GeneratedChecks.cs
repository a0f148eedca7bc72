using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RuntimeLockdep
{
    /// <summary>Whether an assembly carries the generator's runtime checks (types in <c>LockDiscipline.Generated</c>, calls of <c>LockdepHooks</c>).</summary>
    public static class GeneratedChecks
    {
        public static string Describe(string what, Assembly assembly)
        {
            int types = assembly.GetTypes().Count(t => t.Namespace == "LockDiscipline.Generated");
            bool hooks = ReferencesHooks(assembly);
            return types == 0 && !hooks
                ? $"{what}: generated checks: none"
                : $"{what}: generated checks: present ({types} types in LockDiscipline.Generated, {(hooks ? "calls" : "no reference to")} LockdepHooks)";
        }

        private static bool ReferencesHooks(Assembly assembly)
        {
            if (string.IsNullOrEmpty(assembly.Location))
            {
                throw new InvalidOperationException("The assembly has no file to read its metadata from.");
            }

            using var pe = new PEReader(File.OpenRead(assembly.Location));
            MetadataReader reader = pe.GetMetadataReader();
            return reader.TypeReferences
                .Select(reader.GetTypeReference)
                .Any(t => reader.StringComparer.Equals(t.Name, "LockdepHooks") && reader.StringComparer.Equals(t.Namespace, "LockDiscipline.Validation"));
        }
    }
}
