using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.LockModel
{
    /// <summary>One declared "acquire <see cref="First"/> before <see cref="Second"/>", and where it was declared.</summary>
    internal sealed class OrderDeclaration
    {
        public OrderDeclaration(LockClass first, LockClass second, Location location)
        {
            First = first;
            Second = second;
            Location = location;
        }

        public LockClass First { get; }

        public LockClass Second { get; }

        public Location Location { get; }
    }

    /// <summary>
    /// The lock orders the code declares: <c>[assembly: LockOrder(a, b, c)]</c> (a before b before c),
    /// <c>[AcquiredBefore(x)]</c> and <c>[AcquiredAfter(x)]</c> on lock members. Orders are transitive;
    /// a cycle among them is a contradiction (LD0012).
    /// </summary>
    internal sealed class DeclaredOrder
    {
        private readonly Dictionary<LockClass, List<OrderDeclaration>> _after = new Dictionary<LockClass, List<OrderDeclaration>>();
        private readonly ConcurrentDictionary<(LockClass, LockClass), OrderDeclaration?> _precedes = new ConcurrentDictionary<(LockClass, LockClass), OrderDeclaration?>();

        public DeclaredOrder(Compilation compilation, KnownSymbols known, LockNameResolver names, LockClassRegistry registry)
        {
            foreach (var attribute in compilation.Assembly.GetAttributes())
            {
                if (KnownSymbols.IsAttribute(attribute, known.LockOrderAttribute))
                {
                    AddChain(Resolve(attribute, null, names), attribute);
                }
            }

            foreach (var member in names.OrderedMembers)
            {
                var primitive = member switch
                {
                    IFieldSymbol field => names.PrimitiveOf(field.Type),
                    IPropertySymbol property => names.PrimitiveOf(property.Type),
                    _ => null,
                };
                if (primitive is null)
                {
                    continue;
                }

                var self = registry.ForMember(member, primitive.Value);
                foreach (var attribute in member.GetAttributes())
                {
                    var before = KnownSymbols.IsAttribute(attribute, known.AcquiredBeforeAttribute);
                    if (!before && !KnownSymbols.IsAttribute(attribute, known.AcquiredAfterAttribute))
                    {
                        continue;
                    }

                    foreach (var other in Resolve(attribute, member, names))
                    {
                        Add(before ? self : other, before ? other : self, attribute);
                    }
                }
            }
        }

        public bool IsEmpty => _after.Count == 0;

        /// <summary>Every declared pair, in declaration order per first class.</summary>
        public IEnumerable<OrderDeclaration> Declarations
        {
            get
            {
                foreach (var list in _after.Values)
                {
                    foreach (var declaration in list)
                    {
                        yield return declaration;
                    }
                }
            }
        }

        /// <summary>
        /// The classes of a contradiction, from its first class round to it again
        /// (<c>a, b, c, a</c>): the declaration's own pair, then the declared path back.
        /// </summary>
        public List<LockClass> CycleOf(OrderDeclaration contradiction)
        {
            var parents = new Dictionary<LockClass, LockClass> { [contradiction.Second] = contradiction.Second };
            var pending = new Queue<LockClass>();
            pending.Enqueue(contradiction.Second);
            while (pending.Count > 0 && !parents.ContainsKey(contradiction.First))
            {
                var current = pending.Dequeue();
                if (_after.TryGetValue(current, out var next))
                {
                    foreach (var declaration in next)
                    {
                        if (!parents.ContainsKey(declaration.Second))
                        {
                            parents.Add(declaration.Second, current);
                            pending.Enqueue(declaration.Second);
                        }
                    }
                }
            }

            var back = new List<LockClass>();
            for (var at = contradiction.First; parents.TryGetValue(at, out var parent) && !at.Equals(contradiction.Second); at = parent)
            {
                back.Add(at);
            }

            back.Add(contradiction.Second);
            back.Reverse();
            back.Insert(0, contradiction.First);
            return back;
        }

        /// <summary>
        /// The declaration that puts <paramref name="first"/> before <paramref name="second"/> (directly or
        /// through other declarations), or null when nothing orders them that way.
        /// </summary>
        public OrderDeclaration? Precedes(LockClass first, LockClass second)
        {
            if (_after.Count == 0 || first.Equals(second))
            {
                return null;
            }

            return _precedes.GetOrAdd((first, second), key => Search(key.Item1, key.Item2));
        }

        /// <summary>Declarations that close a cycle of declared orders: each makes some class precede itself.</summary>
        public List<OrderDeclaration> Contradictions()
        {
            var contradictions = new List<OrderDeclaration>();
            foreach (var list in _after.Values)
            {
                foreach (var declaration in list)
                {
                    if (Search(declaration.Second, declaration.First) is not null)
                    {
                        contradictions.Add(declaration);
                    }
                }
            }

            return contradictions;
        }

        private OrderDeclaration? Search(LockClass from, LockClass to)
        {
            var visited = new HashSet<LockClass> { from };
            var pending = new Stack<(LockClass Class, OrderDeclaration? First)>();
            pending.Push((from, null));
            while (pending.Count > 0)
            {
                var (current, first) = pending.Pop();
                if (!_after.TryGetValue(current, out var next))
                {
                    continue;
                }

                foreach (var declaration in next)
                {
                    var via = first ?? declaration;
                    if (declaration.Second.Equals(to))
                    {
                        return via;
                    }

                    if (visited.Add(declaration.Second))
                    {
                        pending.Push((declaration.Second, via));
                    }
                }
            }

            return null;
        }

        private static List<LockClass> Resolve(AttributeData attribute, ISymbol? annotated, LockNameResolver names)
        {
            var classes = new List<LockClass>();
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array && !attribute.ConstructorArguments[0].IsNull)
            {
                foreach (var value in attribute.ConstructorArguments[0].Values)
                {
                    if (value.Value is string name && names.Resolve(name, annotated) is { Class: { } lockClass })
                    {
                        classes.Add(lockClass);
                    }
                }
            }

            return classes;
        }

        private void AddChain(List<LockClass> chain, AttributeData attribute)
        {
            for (var i = 0; i + 1 < chain.Count; i++)
            {
                Add(chain[i], chain[i + 1], attribute);
            }
        }

        private void Add(LockClass first, LockClass second, AttributeData attribute)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? Location.None;
            if (!_after.TryGetValue(first, out var list))
            {
                list = new List<OrderDeclaration>();
                _after.Add(first, list);
            }

            list.Add(new OrderDeclaration(first, second, location));
        }
    }
}
