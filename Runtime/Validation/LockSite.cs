namespace LockDiscipline.Validation
{
    /// <summary>
    /// The source location of a lock operation: what lockdep prints as <c>function+offset</c>, here the
    /// member, file and line of the call that the generated code intercepted.
    /// </summary>
    /// <remarks>
    /// Generated code builds it from literals, which allocates nothing. Reports print it as
    /// <c>Member (File:Line)</c>.
    /// </remarks>
    public readonly struct LockSite
    {
        private readonly string? _file;
        private readonly string? _member;

        /// <summary>Creates a site.</summary>
        /// <param name="file">The source file of the call.</param>
        /// <param name="line">The 1-based line of the call.</param>
        /// <param name="member">The member that makes the call.</param>
        public LockSite(string file, int line, string member)
        {
            _file = file;
            Line = line;
            _member = member;
        }

        /// <summary>The source file of the call; empty for <c>default(LockSite)</c>.</summary>
        public string File => _file ?? string.Empty;

        /// <summary>The 1-based line of the call; 0 for <c>default(LockSite)</c>.</summary>
        public int Line { get; }

        /// <summary>The member that makes the call; empty for <c>default(LockSite)</c>.</summary>
        public string Member => _member ?? string.Empty;

        /// <summary>Whether both are the same site, comparing the strings by reference (generated sites are literals).</summary>
        internal bool SameAs(in LockSite other) => Line == other.Line && ReferenceEquals(_file, other._file) && ReferenceEquals(_member, other._member);

        /// <summary>The site as reports print it: <c>Member (File:Line)</c>.</summary>
        /// <returns>The text.</returns>
        public override string ToString() => Member + " (" + File + ":" + Line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
    }
}
