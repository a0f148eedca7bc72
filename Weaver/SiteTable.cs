using System;
using System.Collections.Generic;
using System.Globalization;

namespace LockDiscipline.Weaving
{
    /// <summary>One row of the site table the generator wrote: where a lock operation is and which lock call it compiles to.</summary>
    /// <param name="Index">The row's index, which woven code passes to the hooks.</param>
    /// <param name="Api">The lock call, <c>System.Threading.Monitor.Enter</c> and the like.</param>
    /// <param name="File">The file as the generator printed it: relative to the project, forward slashes.</param>
    /// <param name="Line">The 1-based line of the <c>lock</c> keyword or the called method's name.</param>
    /// <param name="Column">Its 1-based column.</param>
    /// <param name="CheckedCall">The generated method the call is redirected to, or empty when a runtime hook does the work.</param>
    internal sealed record SiteRow(int Index, string Api, string File, int Line, int Column, string CheckedCall);

    /// <summary>Reads the text of <c>LockClasses.SiteTable</c>; the runtime's <c>LockSiteTable</c> reads the same text.</summary>
    internal static class SiteTable
    {
        public static IReadOnlyList<SiteRow> Parse(string text)
        {
            var rows = new List<SiteRow>();
            if (text.Length == 0)
            {
                return rows;
            }

            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var fields = lines[i].Split('\t');
                if (fields.Length != 7)
                {
                    throw new FormatException("Lock site " + i + " has " + fields.Length + " fields: " + lines[i]);
                }

                rows.Add(new SiteRow(i, fields[0], fields[2], int.Parse(fields[3], CultureInfo.InvariantCulture), int.Parse(fields[4], CultureInfo.InvariantCulture), fields[6]));
            }

            return rows;
        }
    }
}
