using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>The types the generator recognises, looked up once per binding pass.</summary>
    internal sealed class KnownTypes
    {
        public const string RequiresLockAttributeName = "LockDiscipline.RequiresLockAttribute";
        public const string RequiresSharedLockAttributeName = "LockDiscipline.RequiresSharedLockAttribute";
        public const string ExcludesLockAttributeName = "LockDiscipline.ExcludesLockAttribute";
        public const string HardIrqContextAttributeName = "LockDiscipline.HardIrqContextAttribute";
        public const string SoftIrqContextAttributeName = "LockDiscipline.SoftIrqContextAttribute";
        public const string MightSleepAttributeName = "LockDiscipline.MightSleepAttribute";
        public const string HooksTypeName = "LockDiscipline.Validation.LockdepHooks";

        /// <summary>The runtime's decoder of the weaver's site table; a runtime library without it gets no woven sites.</summary>
        public const string SiteTableTypeName = "LockDiscipline.Validation.LockSiteTable";

        /// <summary>The attributes that make a call of a method get a wrapper.</summary>
        /// <summary>The attributes that declare lock orders.</summary>
        public static readonly string[] OrderAttributeNames =
        {
            "LockDiscipline.LockOrderAttribute",
            "LockDiscipline.AcquiredBeforeAttribute",
            "LockDiscipline.AcquiredAfterAttribute",
        };

        public static readonly string[] ContractAttributeNames =
        {
            RequiresLockAttributeName, RequiresSharedLockAttributeName, ExcludesLockAttributeName,
            HardIrqContextAttributeName, SoftIrqContextAttributeName, MightSleepAttributeName,
        };

        public KnownTypes(Compilation compilation)
        {
            RequiresLockAttribute = compilation.GetTypeByMetadataName(RequiresLockAttributeName);
            RequiresSharedLockAttribute = compilation.GetTypeByMetadataName(RequiresSharedLockAttributeName);
            ExcludesLockAttribute = compilation.GetTypeByMetadataName(ExcludesLockAttributeName);
            HardIrqContextAttribute = compilation.GetTypeByMetadataName(HardIrqContextAttributeName);
            SoftIrqContextAttribute = compilation.GetTypeByMetadataName(SoftIrqContextAttributeName);
            MightSleepAttribute = compilation.GetTypeByMetadataName(MightSleepAttributeName);
            UnsafeAccessorAttribute = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.UnsafeAccessorAttribute");
            UnsafeAccessorTypeAttribute = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.UnsafeAccessorTypeAttribute");
        }

        public INamedTypeSymbol? RequiresLockAttribute { get; }

        public INamedTypeSymbol? RequiresSharedLockAttribute { get; }

        public INamedTypeSymbol? ExcludesLockAttribute { get; }

        public INamedTypeSymbol? HardIrqContextAttribute { get; }

        public INamedTypeSymbol? SoftIrqContextAttribute { get; }

        public INamedTypeSymbol? MightSleepAttribute { get; }

        /// <summary>Present on .NET 8 and later: lets an interceptor call a private annotated method.</summary>
        public INamedTypeSymbol? UnsafeAccessorAttribute { get; }

        /// <summary>Present on .NET 10 and later: lets an accessor name a type it cannot use as a parameter (a static class).</summary>
        public INamedTypeSymbol? UnsafeAccessorTypeAttribute { get; }

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
            => known is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);
    }
}
