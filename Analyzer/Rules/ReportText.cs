using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>How reports name methods and places: short, stable, and close to lockdep's style.</summary>
    internal static class ReportText
    {
        public static string Method(IMethodSymbol method)
        {
            switch (method.MethodKind)
            {
                case MethodKind.AnonymousFunction:
                    return method.ContainingSymbol is IMethodSymbol container ? "lambda in " + Method(container) : "lambda";
                case MethodKind.LocalFunction:
                    return method.ContainingSymbol is IMethodSymbol outer ? Method(outer) + "." + method.Name : method.Name;
                case MethodKind.PropertyGet:
                case MethodKind.PropertySet:
                    return TypeName(method) + "." + method.AssociatedSymbol?.Name + (method.MethodKind == MethodKind.PropertyGet ? ".get" : ".set");
                case MethodKind.Constructor:
                    return TypeName(method) + ".ctor";
                default:
                    return TypeName(method) + "." + method.Name;
            }
        }

        /// <summary><c>File.cs:12</c>: the file name and the one-based line; also for a site of a referenced assembly's summary.</summary>
        public static string Place(Location? location)
        {
            if (location is null || !(location.IsInSource || location.Kind == LocationKind.ExternalFile))
            {
                return "?";
            }

            var span = location.GetLineSpan();
            var path = span.Path ?? string.Empty;
            var slash = path.LastIndexOfAny(new[] { '/', '\\' });
            return path.Substring(slash + 1) + ":" + (span.StartLinePosition.Line + 1);
        }

        /// <summary>"A -> B -> C" for a chain of methods.</summary>
        public static string Chain(System.Collections.Generic.IEnumerable<IMethodSymbol> methods)
        {
            var text = new System.Text.StringBuilder();
            foreach (var method in methods)
            {
                text.Append(text.Length == 0 ? string.Empty : " -> ").Append(Method(method));
            }

            return text.ToString();
        }

        /// <summary>
        /// An instance path as the code spells it, quoted: <c>'this.Next._sync'</c>, <c>'from.Sync'</c>; the
        /// root's kind (<c>param:</c>, <c>local:</c>, <c>static:</c>) is left out, the name says enough.
        /// </summary>
        public static string Instance(LockModel.InstancePath path)
        {
            if (path.Text is not { } text)
            {
                return "an instance the analysis cannot name";
            }

            var colon = text.IndexOf(':');
            return "'" + (colon < 0 ? text : text.Substring(colon + 1)) + "'";
        }

        /// <summary>Orders locations by file then position; used to pick a stable report site.</summary>
        public static int Compare(Location a, Location b)
        {
            var byFile = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return byFile != 0 ? byFile : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
        }

        private static string TypeName(IMethodSymbol method) => method.ContainingType?.Name ?? "?";
    }
}
