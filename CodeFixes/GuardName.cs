using Microsoft.CodeAnalysis;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// The member a lock name written as a member path (<c>"_lock"</c>, <c>"group.Mutex"</c>) ends at, read from a
    /// starting type as the analyzer's name resolver reads it (fields and properties, through base types). The
    /// fixes that write such a name into code check with it that the code they write names that member.
    /// </summary>
    internal static class GuardName
    {
        /// <summary>The last member of the path, or null when a segment is not a field or property.</summary>
        public static ISymbol? LastMember(ITypeSymbol start, string name, int firstSegment = 0)
        {
            var segments = name.Split('.');
            ITypeSymbol? current = start;
            ISymbol? member = null;
            for (var i = firstSegment; i < segments.Length; i++)
            {
                member = current is null ? null : FindMember(current, segments[i]);
                if (member is null)
                {
                    return null;
                }

                current = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol property => property.Type,
                    _ => null,
                };
            }

            return member;
        }

        public static ITypeSymbol? TypeOf(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        private static ISymbol? FindMember(ITypeSymbol type, string name)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers(name))
                {
                    if (member is IFieldSymbol or IPropertySymbol)
                    {
                        return member;
                    }
                }
            }

            return null;
        }
    }
}
