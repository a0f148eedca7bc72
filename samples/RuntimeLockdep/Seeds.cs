using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RuntimeLockdep
{
    /// <summary>
    /// The splat (or, for the regressions lockdep did not catch, the crash or warning) in each seed mail:
    /// read from the seed file when the shared seeds folder is found (<c>LOCKDEP_SEEDS</c>, else a
    /// <c>shared/seeds</c> folder next to the repository or above it), else the embedded excerpt.
    /// </summary>
    public static class Seeds
    {
        private static readonly Regex Timestamp = new(@"^(?:[> ]*)(?:<\d>)?\s*(?:\[\s*\d+\.\d+\]\s?)?", RegexOptions.CultureInvariant);

        /// <summary>The folder holding the seed mails, or null.</summary>
        public static string? Folder { get; } = FindFolder();

        /// <summary>The excerpt for a seed and where it came from.</summary>
        public static (string Source, IReadOnlyList<string> Lines) Excerpt(string seed, string start, string end, IReadOnlyList<string> embedded)
        {
            string? file = Folder is null ? null : Directory.GetFiles(Folder, seed + "*.txt").FirstOrDefault();
            if (file is not null)
            {
                string[] lines = File.ReadAllLines(file).Select(l => Timestamp.Replace(l, string.Empty).TrimEnd()).ToArray();
                int from = Array.FindIndex(lines, l => l.Contains(start, StringComparison.Ordinal));
                int to = from < 0 ? -1 : Array.FindIndex(lines, from, l => l.Contains(end, StringComparison.Ordinal));
                if (from >= 0 && to >= from)
                {
                    return ("seed file " + Path.GetFileName(file), lines[from..(to + 1)].Where(l => l.Length > 0).ToArray());
                }
            }

            return ("embedded excerpt (seed file not found)", embedded);
        }

        private static string? FindFolder()
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("LOCKDEP_SEEDS");
            if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
            {
                return fromEnvironment;
            }

            foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    string candidate = Path.Combine(dir.FullName, "shared", "seeds");
                    if (Directory.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }
    }
}
