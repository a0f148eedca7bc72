using System.Collections.Generic;

namespace LockDiscipline.Validation
{
    /// <summary>The reports one operation made, to be emitted once the validator's locks are dropped.</summary>
    internal struct Reports
    {
        private LockdepReport? _first;
        private List<LockdepReport>? _more;

        public readonly bool Any => _first is not null;

        public void Add(LockdepReport? report)
        {
            if (report is null)
            {
                return;
            }

            if (_first is null)
            {
                _first = report;
            }
            else
            {
                (_more ??= new List<LockdepReport>()).Add(report);
            }
        }

        public readonly List<LockdepReport> ToList()
        {
            var all = new List<LockdepReport>();
            if (_first is not null)
            {
                all.Add(_first);
            }

            if (_more is not null)
            {
                all.AddRange(_more);
            }

            return all;
        }
    }
}
