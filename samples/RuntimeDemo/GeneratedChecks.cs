using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RuntimeDemo
{
    /// <summary>
    /// Whether this assembly contains LockDiscipline's generated runtime checks: the generator's types live
    /// in <c>LockDiscipline.Generated</c>, and only generated code calls the engine's
    /// <c>LockDiscipline.Validation.LockdepHooks</c>. A Release build must have neither.
    /// </summary>
    public static class GeneratedChecks
    {
        public const string GeneratedNamespace = "LockDiscipline.Generated";

        public static string Describe(Assembly assembly)
        {
            int types = assembly.GetTypes().Count(t => t.Namespace == GeneratedNamespace);
            bool hooks = ReferencesHooks(assembly);
            if (types == 0 && !hooks)
            {
                return "generated checks: none (no type in " + GeneratedNamespace + ", no reference to LockdepHooks)";
            }

            return "generated checks: present (" + types + " types in " + GeneratedNamespace + ", " +
                (hooks ? "calls" : "no reference to") + " LockdepHooks)";
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
