using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Summaries.Assemblies
{
    /// <summary>
    /// Where a summary travels: an <c>[assembly: AssemblyMetadata("LockDiscipline.Summaries", "...")]</c>
    /// attribute holding the encoded bytes in base64. A framework attribute, so the assembly gains no type
    /// and no public API, and any compilation can read it from the reference's assembly symbol.
    /// </summary>
    internal static class SummaryAttribute
    {
        public const string Key = "LockDiscipline.Summaries";

        private const string AttributeName = "AssemblyMetadataAttribute";
        private const string AttributeNamespace = "System.Reflection";

        /// <summary>The encoded summary an assembly carries, or null when it carries none.</summary>
        public static string? Find(IAssemblySymbol assembly)
        {
            foreach (var attribute in assembly.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: AttributeName } type
                    && type.ContainingNamespace?.ToDisplayString() == AttributeNamespace
                    && attribute.ConstructorArguments.Length == 2
                    && attribute.ConstructorArguments[0].Value is Key)
                {
                    return attribute.ConstructorArguments[1].Value as string ?? string.Empty;
                }
            }

            return null;
        }
    }
}
