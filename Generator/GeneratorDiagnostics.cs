using System.Reflection;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator
{
    /// <summary>
    /// The generator's own diagnostics: it reports only what stops it from generating correct runtime
    /// checks. Lock-discipline problems themselves are the analyzer's (LD0001–LD0014). Documented in
    /// docs/rules/LDG001.md. LDG002 (checks that interceptors could not give) went with the interceptors.
    /// </summary>
    internal static class GeneratorDiagnostics
    {
        private const string Category = "LockDiscipline.Generator";

        /// <summary>
        /// The rule pages of the version this generator was built as, which its project writes into the
        /// assembly; declared before the descriptors, which are initialised in textual order.
        /// </summary>
        public static readonly string HelpBase = RulesDocs();

        /// <summary>
        /// Declared orders contradict each other, so the declarations on the cycle are not passed to the runtime. A warning: the
        /// analyzer reports the contradiction itself as an error (LD0012); this only says what the runtime
        /// checks do about it.
        /// </summary>
        public static readonly DiagnosticDescriptor DeclaredOrderCycle = new DiagnosticDescriptor(
            "LDG001",
            "Declared lock orders contradict each other",
            "Declared lock orders form a cycle ({0}); the runtime checks ignore the declared order of these classes",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "[assembly: LockOrder], [AcquiredBefore] and [AcquiredAfter] together say that a class is acquired before itself. Runtime checks still run, but without a declared-order rank for the classes on the cycle.",
            helpLinkUri: HelpBase + "LDG001.md");

        private static string RulesDocs()
        {
            foreach (var metadata in typeof(GeneratorDiagnostics).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (metadata.Key == "LockDisciplineRulesDocs" && metadata.Value is { } value)
                {
                    return value;
                }
            }

            // Only an assembly built outside its project lacks it; a help link without a base still names the page.
            return string.Empty;
        }
    }
}
