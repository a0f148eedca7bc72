using System;
using System.Collections.Generic;
using System.Linq;

namespace LockDiscipline.Generator.Model
{
    /// <summary>A set of method names, compared by content, with constant-time membership for filtering candidates.</summary>
    internal sealed class NameSet : IEquatable<NameSet>
    {
        private readonly string[] _sorted;
        private readonly HashSet<string> _set;

        public NameSet(IEnumerable<string> names)
        {
            _set = new HashSet<string>(names, StringComparer.Ordinal);
            _sorted = _set.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }

        public IReadOnlyList<string> Names => _sorted;

        public bool Contains(string name) => _set.Contains(name);

        public bool Equals(NameSet? other) => other is not null && _sorted.SequenceEqual(other._sorted, StringComparer.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as NameSet);

        public override int GetHashCode()
        {
            var hash = 17;
            foreach (var name in _sorted)
            {
                hash = unchecked((hash * 31) + StringComparer.Ordinal.GetHashCode(name));
            }

            return hash;
        }
    }
}
