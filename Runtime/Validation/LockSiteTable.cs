using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// The lock operations and annotated calls of one assembly that the LockDiscipline weaver rewrote: for
    /// each, its lock class and call site. The generator writes the table into the assembly; woven code
    /// passes it with a site index to <see cref="WovenLocks"/> or to the generated checked calls. Not meant
    /// to be used by hand.
    /// </summary>
    /// <remarks>
    /// The text has one line per site, fields separated by tabs: the API, the index of the class in the
    /// class ids (empty for a call that names no class of its own), the file, the 1-based line and column,
    /// the member, and the generated method the call is redirected to (empty when a
    /// <see cref="WovenLocks"/> hook does the work; see docs/runtime-checks.md). Only the class, file, line
    /// and member matter at run time; the weaver reads the rest.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class LockSiteTable
    {
        /// <summary>The class id of a site that names no class of its own (a call of an annotated method).</summary>
        public const int NoClass = -1;

        private const int FieldCount = 7;

        private readonly int[] _classIds;
        private readonly LockSite[] _sites;

        /// <summary>Decodes the table the generator wrote.</summary>
        /// <param name="table">The encoded sites.</param>
        /// <param name="classIds">The ids (from <see cref="LockdepHooks.RegisterClass"/>) of the classes the sites refer to by index.</param>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="FormatException">The table is not one the generator writes.</exception>
        public LockSiteTable(string table, int[] classIds)
        {
            if (table is null)
            {
                throw new ArgumentNullException(nameof(table));
            }

            if (classIds is null)
            {
                throw new ArgumentNullException(nameof(classIds));
            }

            var lines = table.Length == 0 ? Array.Empty<string>() : table.Split('\n');
            _classIds = new int[lines.Length];
            _sites = new LockSite[lines.Length];

            // One string object per distinct file and member, so sites compare by reference as generated literals do.
            var strings = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < lines.Length; i++)
            {
                var fields = lines[i].Split('\t');
                if (fields.Length != FieldCount)
                {
                    throw new FormatException("Lock site " + i + " has " + fields.Length + " fields: " + lines[i]);
                }

                _classIds[i] = fields[1].Length == 0 ? NoClass : classIds[int.Parse(fields[1], CultureInfo.InvariantCulture)];
                _sites[i] = new LockSite(Shared(fields[2]), int.Parse(fields[3], CultureInfo.InvariantCulture), Shared(fields[5]));
            }

            string Shared(string value)
            {
                if (!strings.TryGetValue(value, out var shared))
                {
                    strings.Add(value, value);
                    shared = value;
                }

                return shared;
            }
        }

        /// <summary>The number of sites.</summary>
        public int Count => _sites.Length;

        /// <summary>The id of the lock class a site works on, or <see cref="NoClass"/>.</summary>
        /// <param name="site">The site's index.</param>
        /// <returns>The id <see cref="LockdepHooks.RegisterClass"/> returned for the class.</returns>
        public int ClassId(int site) => _classIds[site];

        /// <summary>Where the site is, as reports print it.</summary>
        /// <param name="site">The site's index.</param>
        /// <returns>The site, kept in the table (nothing is copied or allocated).</returns>
        public ref readonly LockSite Site(int site) => ref _sites[site];
    }
}
