using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Baseline
{
    /// <summary>
    /// What identifies a finding across edits: its rule, the member it is reported in (documentation ID),
    /// and the keys of the lock classes involved (the lock model's, <see cref="LockClass.Key"/>). No line,
    /// no column, no message: moving, reordering or rewording code keeps the key.
    /// One line of the baseline: <c>LD0001 M:Shop.Cache.Dump member:F:Shop.Cache._items member:F:Shop.Cache._stats</c>,
    /// fields separated by one space, with '%', spaces and control characters escaped as %XX.
    /// </summary>
    internal sealed class BaselineKey
    {
        /// <summary>The diagnostic property the rules put the involved classes' keys in, one per line.</summary>
        public const string ClassesProperty = "LockClasses";

        /// <summary>The member field when a finding has no member (an assembly attribute).</summary>
        public const string NoMember = "-";

        /// <summary>
        /// The member field of a finding about the whole program (a lock-order cycle), set by the rule through
        /// <see cref="MemberProperty"/>: which of its witnesses carries the report depends on where methods sit,
        /// while the cycle itself is its classes.
        /// </summary>
        public const string WholeProgram = "*";

        /// <summary>The diagnostic property that overrides the member field.</summary>
        public const string MemberProperty = "BaselineMember";

        private BaselineKey(string rule, string member, ImmutableArray<string> classes)
        {
            Rule = rule;
            Member = member;
            Classes = classes;
            var text = new StringBuilder(rule).Append(' ').Append(Escape(member));
            foreach (var lockClass in classes)
            {
                text.Append(' ').Append(Escape(lockClass));
            }

            Text = text.ToString();
        }

        public string Rule { get; }

        public string Member { get; }

        /// <summary>Distinct, in ordinal order.</summary>
        public ImmutableArray<string> Classes { get; }

        /// <summary>The canonical line: equal keys have equal text.</summary>
        public string Text { get; }

        public static BaselineKey Create(string rule, string member, IEnumerable<string> classes)
        {
            var sorted = new SortedSet<string>(classes, System.StringComparer.Ordinal);
            return new BaselineKey(rule, member.Length == 0 ? NoMember : member, ImmutableArray.CreateRange(sorted));
        }

        /// <summary>The properties a rule attaches to a finding so that its key names these classes.</summary>
        public static ImmutableDictionary<string, string?> Properties(params LockClass?[] classes)
        {
            var keys = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var lockClass in classes)
            {
                if (lockClass is not null)
                {
                    keys.Add(lockClass.Key);
                }
            }

            return ImmutableDictionary<string, string?>.Empty.Add(ClassesProperty, string.Join("\n", keys));
        }

        /// <summary>The properties of a whole-program finding: its key is its classes, whatever member it is reported in.</summary>
        public static ImmutableDictionary<string, string?> WholeProgramProperties(params LockClass[] classes)
            => Properties(classes).Add(MemberProperty, WholeProgram);

        /// <summary>
        /// The key of a reported finding. The member is the innermost declared member around the finding's
        /// location (a lambda or local function counts as its enclosing member); <paramref name="semanticModelOf"/>
        /// gives the model of the location's tree (the caller caches it).
        /// </summary>
        public static BaselineKey Of(Diagnostic diagnostic, System.Func<SyntaxTree, SemanticModel> semanticModelOf)
        {
            var member = NoMember;
            if (diagnostic.Properties.TryGetValue(MemberProperty, out var declared) && declared is { Length: > 0 })
            {
                member = declared;
            }
            else if (diagnostic.Location.SourceTree is { } tree)
            {
                var symbol = semanticModelOf(tree).GetEnclosingSymbol(diagnostic.Location.SourceSpan.Start);
                for (; symbol is not null; symbol = symbol.ContainingSymbol)
                {
                    if (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                    {
                        continue;
                    }

                    if (symbol.GetDocumentationCommentId() is { Length: > 0 } id)
                    {
                        member = id;
                        break;
                    }
                }
            }

            var classes = diagnostic.Properties.TryGetValue(ClassesProperty, out var joined) && !string.IsNullOrEmpty(joined)
                ? joined!.Split('\n')
                : System.Array.Empty<string>();
            return Create(diagnostic.Id, member, classes);
        }

        public static bool TryParse(string line, out BaselineKey key, out string error)
        {
            key = null!;
            var fields = line.Split(' ');
            if (fields.Length < 2)
            {
                error = $"'{line}' is not 'RULE MEMBER [LOCK-CLASS ...]'";
                return false;
            }

            if (!IsRuleId(fields[0]))
            {
                error = $"'{fields[0]}' is not a LockDiscipline rule ID (LD and four digits)";
                return false;
            }

            var values = new string[fields.Length - 1];
            for (var i = 1; i < fields.Length; i++)
            {
                if (fields[i].Length == 0 || Unescape(fields[i]) is not { } value)
                {
                    error = fields[i].Length == 0
                        ? "two spaces in a row: fields are separated by one space"
                        : $"'{fields[i]}' has a '%' that is not followed by two hexadecimal digits";
                    return false;
                }

                values[i - 1] = value;
            }

            if (values[0] != NoMember && values[0] != WholeProgram && (values[0].Length < 3 || values[0][1] != ':'))
            {
                error = $"'{fields[1]}' is not a member's documentation ID (such as M:Shop.Cache.Add), '*' or '-'";
                return false;
            }

            for (var i = 1; i < values.Length; i++)
            {
                if (values[i].IndexOf(':') <= 0)
                {
                    error = $"'{fields[i + 1]}' is not a lock class key (kind:name, such as member:F:Shop.Cache._items)";
                    return false;
                }
            }

            var classes = new string[values.Length - 1];
            System.Array.Copy(values, 1, classes, 0, classes.Length);
            key = Create(fields[0], values[0], classes);
            error = string.Empty;
            return true;
        }

        private static bool IsRuleId(string text)
        {
            if (text.Length != 6 || text[0] != 'L' || text[1] != 'D')
            {
                return false;
            }

            for (var i = 2; i < text.Length; i++)
            {
                if (text[i] < '0' || text[i] > '9')
                {
                    return false;
                }
            }

            return true;
        }

        private static string Escape(string value)
        {
            StringBuilder? escaped = null;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '%' || c == ' ' || char.IsControl(c))
                {
                    escaped ??= new StringBuilder(value, 0, i, value.Length + 8);
                    escaped.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    escaped?.Append(c);
                }
            }

            return escaped?.ToString() ?? value;
        }

        private static string? Unescape(string field)
        {
            if (field.IndexOf('%') < 0)
            {
                return field;
            }

            var text = new StringBuilder(field.Length);
            for (var i = 0; i < field.Length; i++)
            {
                if (field[i] != '%')
                {
                    text.Append(field[i]);
                    continue;
                }

                if (i + 2 >= field.Length || !int.TryParse(field.Substring(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code))
                {
                    return null;
                }

                text.Append((char)code);
                i += 2;
            }

            return text.ToString();
        }
    }
}
