using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Generator.Emit
{
    /// <summary>Identifiers and literals derived from user names, stable across runs and machines.</summary>
    internal static class Names
    {
        public const string Namespace = "LockDiscipline.Generated";
        public const string RegistryClass = "LockClasses";

        /// <summary>The class of the checked calls the weaver redirects lock calls and annotated calls to.</summary>
        public const string CheckedCallsClass = "CheckedCalls";

        /// <summary>
        /// Marks the generated types as LockDiscipline's: the runtime validator leaves their frames out of
        /// the stack traces in its reports, and tools treat them as generated code.
        /// </summary>
        public const string GeneratedCodeAttribute = "[global::System.CodeDom.Compiler.GeneratedCode(\"LockDiscipline.Generator\", \"1.0\")]";

        /// <summary>
        /// The registry field of a lock class, from its key. The mapping is injective, so distinct keys never
        /// collide and each file's interceptors can name a field without seeing the others: the key's kind
        /// (<c>name:</c>, <c>member:F:</c>, ...) becomes a word, then letters and digits stay, <c>_</c> becomes
        /// <c>__</c>, <c>.</c> becomes <c>_D</c>, anything else <c>_X</c> and four hex digits.
        /// </summary>
        public static string ClassField(string classKey)
        {
            var builder = new StringBuilder(classKey.Length + 8);
            var rest = classKey;
            foreach (var (prefix, word) in KeyPrefixes)
            {
                if (classKey.StartsWith(prefix, System.StringComparison.Ordinal))
                {
                    builder.Append(word);
                    rest = classKey.Substring(prefix.Length);
                    break;
                }
            }

            if (builder.Length == 0)
            {
                builder.Append("Key_");
            }

            foreach (var c in rest)
            {
                if (c == '_')
                {
                    builder.Append("__");
                }
                else if (c == '.')
                {
                    builder.Append("_D");
                }
                else if (c < 128 && char.IsLetterOrDigit(c))
                {
                    builder.Append(c);
                }
                else
                {
                    builder.Append("_X").Append(((int)c).ToString("X4"));
                }
            }

            return builder.ToString();
        }

        // No word is a prefix of another, so fields of keys of different kinds never meet.
        private static readonly (string Prefix, string Word)[] KeyPrefixes =
        {
            ("name:", "Name_"),
            ("member:F:", "Field_"),
            ("member:P:", "Property_"),
            ("element:F:", "Elements_"),
            ("element:P:", "ElementsOf_"),
        };

        /// <summary>A user's identifier as it must be written in code: reserved keywords need <c>@</c>.</summary>
        public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>A C# string literal.</summary>
        public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>Text for an XML doc comment.</summary>
        public static string XmlText(string value) => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
