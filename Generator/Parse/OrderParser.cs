using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Generator.Model;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Generator.Parse
{
    /// <summary>Turns <c>[AcquiredBefore]</c>, <c>[AcquiredAfter]</c> and <c>[assembly: LockOrder]</c> into order edges.</summary>
    internal static class OrderParser
    {
        /// <summary>
        /// Edges declared on a field or property: "this member's class before each named lock" for
        /// <c>[AcquiredBefore]</c>, "each named lock before this member's class" for <c>[AcquiredAfter]</c>.
        /// </summary>
        public static EquatableArray<OrderEdge> FromMember(ISymbol member, ImmutableArray<AttributeData> attributes, bool memberIsBefore)
        {
            var self = new OrderEndpoint(LockNaming.ClassOfMember(member), false);
            var edges = new List<OrderEdge>();
            foreach (var attribute in attributes)
            {
                var where = SourceSpan.From(attribute.ApplicationSyntaxReference);
                foreach (var name in Names(attribute))
                {
                    if (LockNameResolver.Resolve(name, member) is not { } resolution)
                    {
                        continue;
                    }

                    var other = new OrderEndpoint(resolution.Name, resolution.IsDeclaredName);
                    edges.Add(memberIsBefore ? new OrderEdge(self, other, where) : new OrderEdge(other, self, where));
                }
            }

            return edges.ToEquatableArray();
        }

        /// <summary>
        /// Edges of <c>[assembly: LockOrder(a, b, c)]</c>: each name before every later one (a before b, a
        /// before c, b before c), so that dropping a name that turns out not to be a class keeps the order
        /// of the others. An assembly attribute has no type to find members in, so every name is a
        /// <c>[LockClass]</c> name, as for the analyzer.
        /// </summary>
        public static EquatableArray<OrderEdge> FromAssembly(ImmutableArray<AttributeData> attributes)
        {
            var edges = new List<OrderEdge>();
            foreach (var attribute in attributes)
            {
                var where = SourceSpan.From(attribute.ApplicationSyntaxReference);
                var names = new List<OrderEndpoint>();
                foreach (var name in Names(attribute))
                {
                    if (name is not null && !string.IsNullOrWhiteSpace(name))
                    {
                        names.Add(new OrderEndpoint(name, true));
                    }
                }

                for (var i = 0; i < names.Count; i++)
                {
                    for (var j = i + 1; j < names.Count; j++)
                    {
                        edges.Add(new OrderEdge(names[i], names[j], where));
                    }
                }
            }

            return edges.ToEquatableArray();
        }

        private static IEnumerable<string?> Names(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                yield break;
            }

            foreach (var value in attribute.ConstructorArguments[0].Values)
            {
                yield return value.Value as string;
            }
        }
    }
}
