using System;

namespace LockDiscipline
{
    /// <summary>
    /// Thrown by a validated lock operation when <see cref="Lockdep.Mode"/> is <see cref="LockdepMode.Throw"/>
    /// and the operation found a problem. It is thrown before the lock is acquired or released, so the
    /// program's locks are as they were before the operation.
    /// </summary>
    public sealed class LockdepException : Exception
    {
        /// <summary>Creates the exception for a report.</summary>
        /// <param name="report">The problem found.</param>
        public LockdepException(LockdepReport report)
            : base(report?.Text)
        {
            Report = report ?? throw new ArgumentNullException(nameof(report));
        }

        /// <summary>The problem found.</summary>
        public LockdepReport Report { get; }
    }
}
