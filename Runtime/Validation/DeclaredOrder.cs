namespace LockDiscipline.Validation
{
    /// <summary>
    /// "A lock of <see cref="First"/> is acquired before one of <see cref="Second"/>", as the program
    /// declares it (<see cref="LockOrderAttribute"/>, <see cref="AcquiredBeforeAttribute"/>,
    /// <see cref="AcquiredAfterAttribute"/>) through <see cref="LockdepHooks.DeclareOrder"/>. Unlike a
    /// <see cref="Dependency"/>, which the validator learns by watching, it holds before any lock is taken.
    /// </summary>
    internal sealed class DeclaredOrder
    {
        public DeclaredOrder(LockClass first, LockClass second, string declaredAt)
        {
            First = first;
            Second = second;
            DeclaredAt = declaredAt;
        }

        /// <summary>The registered class acquired first.</summary>
        public LockClass First { get; }

        /// <summary>The registered class acquired second.</summary>
        public LockClass Second { get; }

        /// <summary>Where the program declares it, as the generator describes it, for example <c>Orders.cs:3</c>.</summary>
        public string DeclaredAt { get; }

        /// <summary>
        /// The declarations also put <see cref="Second"/> before <see cref="First"/>: the order contradicts
        /// itself, so it is ignored (the generator reports the contradiction at build time, LDG001).
        /// Computed under the graph lock before the declared orders are searched.
        /// </summary>
        public bool OnCycle;
    }
}
