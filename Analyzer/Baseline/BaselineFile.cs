using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzer.Baseline
{
    /// <summary>
    /// The baseline file: accepted findings, one per line, after a version header. Each line is a
    /// <see cref="BaselineKey"/> (rule, member, lock classes) and never a line number, so the file survives
    /// edits and reordering; written sorted and without duplicates, so its diffs show exactly what changed.
    /// </summary>
    internal sealed class BaselineFile
    {
        public const string Header = "# lockdiscipline-baseline v1";

        /// <summary>An additional file is a baseline when its name ends so: <c>lockdiscipline.baseline</c>, <c>App.lockdiscipline.baseline</c>.</summary>
        public const string FileNameSuffix = "lockdiscipline.baseline";

        private const string Comment = "# Accepted LockDiscipline findings, one per line: rule, member (documentation ID), lock classes.\n"
            + "# Written by `lockdiscipline baseline`; a finding listed here is not reported as an error.\n";

        private BaselineFile(ImmutableHashSet<string> keys, Problem? firstProblem, int problemCount)
        {
            Keys = keys;
            FirstProblem = firstProblem;
            ProblemCount = problemCount;
        }

        public static BaselineFile Empty { get; } = new BaselineFile(ImmutableHashSet<string>.Empty, null, 0);

        /// <summary>The accepted findings, each as its canonical line (<see cref="BaselineKey.Text"/>).</summary>
        public ImmutableHashSet<string> Keys { get; }

        /// <summary>The first line that could not be read, with why; null when the file is well formed.</summary>
        public Problem? FirstProblem { get; }

        public int ProblemCount { get; }

        public static bool IsBaseline(AdditionalText file)
            => file.Path.EndsWith(FileNameSuffix, System.StringComparison.OrdinalIgnoreCase);

        /// <summary>Every baseline among the additional files, read into one; empty when there is none.</summary>
        public static BaselineFile Read(ImmutableArray<AdditionalText> additionalFiles, System.Threading.CancellationToken cancellation)
        {
            var keys = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
            Problem? first = null;
            var problems = 0;
            foreach (var file in additionalFiles)
            {
                if (IsBaseline(file) && file.GetText(cancellation) is { } text)
                {
                    Parse(file.Path, text, keys, ref first, ref problems);
                }
            }

            return keys.Count == 0 && problems == 0 ? Empty : new BaselineFile(keys.ToImmutable(), first, problems);
        }

        public static BaselineFile Parse(string path, SourceText text)
        {
            var keys = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
            Problem? first = null;
            var problems = 0;
            Parse(path, text, keys, ref first, ref problems);
            return new BaselineFile(keys.ToImmutable(), first, problems);
        }

        /// <summary>The file's text for these keys: header, comment, then the keys in ordinal order, one each.</summary>
        public static string Write(IEnumerable<BaselineKey> keys)
        {
            var lines = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var key in keys)
            {
                lines.Add(key.Text);
            }

            var text = new StringBuilder(Header).Append('\n').Append(Comment);
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }

        /// <summary>
        /// Reads the lines that are well formed and notes the others: a bad line is skipped, not the file.
        /// Without the header (or with another version) no line can be trusted, and the file is skipped whole.
        /// </summary>
        private static void Parse(string path, SourceText text, ImmutableHashSet<string>.Builder keys, ref Problem? first, ref int problems)
        {
            var sawHeader = false;
            foreach (var line in text.Lines)
            {
                var content = line.ToString().Trim();
                if (!sawHeader)
                {
                    if (content.Length == 0)
                    {
                        continue;
                    }

                    if (content == Header)
                    {
                        sawHeader = true;
                        continue;
                    }

                    Note(ref first, ref problems, new Problem(path, text, line.Span, content.StartsWith("# lockdiscipline-baseline", System.StringComparison.Ordinal)
                        ? $"this version of LockDiscipline reads '{Header}', not '{content}'; the whole file is ignored: write it again with `lockdiscipline baseline`"
                        : $"the first line must be '{Header}'; the whole file is ignored: write it again with `lockdiscipline baseline`"));
                    return;
                }

                if (content.Length == 0 || content[0] == '#')
                {
                    continue;
                }

                if (BaselineKey.TryParse(content, out var key, out var error))
                {
                    keys.Add(key.Text);
                }
                else
                {
                    Note(ref first, ref problems, new Problem(path, text, line.Span, error + "; the line is ignored"));
                }
            }

            if (!sawHeader && text.Length > 0)
            {
                Note(ref first, ref problems, new Problem(path, text, new TextSpan(0, 0), $"the file has no '{Header}' line; it is ignored"));
            }
        }

        private static void Note(ref Problem? first, ref int problems, Problem problem)
        {
            first ??= problem;
            problems++;
        }

        /// <summary>A line that could not be read: where, and why.</summary>
        internal sealed class Problem
        {
            public Problem(string path, SourceText text, TextSpan span, string reason)
            {
                Location = Location.Create(path, span, text.Lines.GetLinePositionSpan(span));
                Reason = reason;
            }

            public Location Location { get; }

            public string Reason { get; }
        }
    }
}
