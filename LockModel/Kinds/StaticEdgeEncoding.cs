using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The static dependency edges an assembly carries for the runtime to check its own edges against: pairs
    /// of lock-class keys, "the analysis found <c>To</c> acquired while <c>From</c> is held". The analyzer's
    /// summary generator writes them and the runtime reads them, both through this one file (it is linked into
    /// the analyzer and the runtime, and uses nothing of Roslyn).
    /// </summary>
    /// <remarks>
    /// Text, so that the <c>AssemblyMetadata</c> value stays readable: a version line <c>LDE 1</c>, the number of
    /// keys, the keys one a line in ordinal order, then one line per edge, the two keys' indexes separated by a
    /// space, sorted. The same edges always give the same text.
    /// </remarks>
    internal static class StaticEdgeEncoding
    {
        /// <summary>The <c>AssemblyMetadata</c> key the edges are stored under.</summary>
        public const string MetadataKey = "LockDiscipline.StaticEdges";

        /// <summary>The MSBuild property that asks the build to embed them.</summary>
        public const string BuildProperty = "LockDisciplineStaticEdges";

        private const string VersionLine = "LDE 1";

        /// <summary>
        /// The text for the edges, or null when there is none to carry. A key with a line break cannot be
        /// written on one line; no lock model key has one, and an edge naming one is left out rather than
        /// corrupting the rest.
        /// </summary>
        public static string? Encode(IEnumerable<KeyValuePair<string, string>> edges)
        {
            var pairs = new HashSet<KeyValuePair<string, string>>();
            var keys = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var edge in edges)
            {
                if (IsWritable(edge.Key) && IsWritable(edge.Value) && pairs.Add(edge))
                {
                    keys.Add(edge.Key);
                    keys.Add(edge.Value);
                }
            }

            if (pairs.Count == 0)
            {
                return null;
            }

            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var text = new StringBuilder();
            text.Append(VersionLine).Append('\n').Append(keys.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            foreach (var key in keys)
            {
                index.Add(key, index.Count);
                text.Append(key).Append('\n');
            }

            var numbered = new List<long>(pairs.Count);
            foreach (var pair in pairs)
            {
                numbered.Add(((long)index[pair.Key] << 32) | (uint)index[pair.Value]);
            }

            numbered.Sort();
            for (var i = 0; i < numbered.Count; i++)
            {
                text.Append((numbered[i] >> 32).ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append((numbered[i] & uint.MaxValue).ToString(CultureInfo.InvariantCulture));
                if (i < numbered.Count - 1)
                {
                    text.Append('\n');
                }
            }

            return text.ToString();
        }

        /// <summary>
        /// Reads the edges back. The text comes from an assembly, which anything may have built: on the first
        /// problem it gives up, with <paramref name="problem"/> saying why, and allocates nothing beyond the text's size.
        /// </summary>
        public static bool TryDecode(string text, out HashSet<KeyValuePair<string, string>> edges, out string problem)
        {
            edges = new HashSet<KeyValuePair<string, string>>();
            var lines = text.Split('\n');
            if (lines.Length < 2 || lines[0] != VersionLine)
            {
                problem = lines[0].StartsWith("LDE ", StringComparison.Ordinal) ? "version '" + lines[0].Substring(4) + "' is not known to this runtime" : "not an edge list";
                return false;
            }

            if (!int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var keyCount) || keyCount > lines.Length - 2)
            {
                problem = "bad key count";
                return false;
            }

            for (var line = 2 + keyCount; line < lines.Length; line++)
            {
                var space = lines[line].IndexOf(' ');
                if (space < 0
                    || !int.TryParse(lines[line].Substring(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                    || !int.TryParse(lines[line].Substring(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                    || from >= keyCount || to >= keyCount)
                {
                    problem = "bad edge on line " + (line + 1).ToString(CultureInfo.InvariantCulture);
                    edges.Clear();
                    return false;
                }

                edges.Add(new KeyValuePair<string, string>(lines[2 + from], lines[2 + to]));
            }

            problem = string.Empty;
            return true;
        }

        private static bool IsWritable(string key) => key.Length > 0 && key.IndexOf('\n') < 0 && key.IndexOf('\r') < 0;
    }
}
