using System.IO;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Generator.Emit
{
    /// <summary>Identifiers and literals derived from user names, stable across runs and machines.</summary>
    internal static class Names
    {
        public const string Namespace = "LockDiscipline.Generated";
        public const string RegistryClass = "LockClasses";

        /// <summary>
        /// The registry field of a lock class. The mapping is injective, so distinct class names never
        /// collide and each file's interceptors can name a field without seeing the others: letters and
        /// digits stay, <c>_</c> becomes <c>__</c>, <c>.</c> becomes <c>_D</c>, anything else <c>_X</c> and four hex digits.
        /// </summary>
        public static string ClassField(string className)
        {
            var builder = new StringBuilder(className.Length + 8);
            for (var i = 0; i < className.Length; i++)
            {
                var c = className[i];
                if (c == '_')
                {
                    builder.Append("__");
                }
                else if (c == '.')
                {
                    builder.Append("_D");
                }
                else if (c < 128 && char.IsLetterOrDigit(c) && !(i == 0 && char.IsDigit(c)))
                {
                    builder.Append(c);
                }
                else
                {
                    builder.Append("_X").Append(((int)c).ToString("X4"));
                }
            }

            var field = builder.ToString();
            return SyntaxFacts.GetKeywordKind(field) != SyntaxKind.None ? "@" + field : field;
        }

        /// <summary>A user's identifier as it must be written in code: reserved keywords need <c>@</c>.</summary>
        public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>A C# string literal.</summary>
        public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>Text for an XML doc comment.</summary>
        public static string XmlText(string value) => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        /// <summary>The hint name of the interceptors for one source file.</summary>
        public static string InterceptorsHint(string path) => "LockDiscipline.Interceptors." + FileStem(path) + "." + Hash(path) + ".g.cs";

        /// <summary>The class holding the interceptors for one source file: extension interceptors need a top-level class each.</summary>
        public static string InterceptorsClass(string path) => "Interceptors_" + FileStem(path) + "_" + Hash(path);

        private static string FileStem(string path)
        {
            var normalized = path.Replace('\\', '/');
            var stem = Path.GetFileNameWithoutExtension(normalized.Substring(normalized.LastIndexOf('/') + 1));
            var builder = new StringBuilder(stem.Length);
            foreach (var c in stem)
            {
                builder.Append(c < 128 && char.IsLetterOrDigit(c) ? c : '_');
            }

            return builder.Length == 0 ? "File" : builder.ToString();
        }

        /// <summary>FNV-1a over the path's UTF-16 code units: <see cref="string.GetHashCode()"/> differs between runs.</summary>
        private static string Hash(string path)
        {
            var hash = 2166136261u;
            foreach (var c in path)
            {
                hash = unchecked((hash ^ c) * 16777619u);
            }

            return hash.ToString("X8");
        }
    }
}
