using System.Threading;
using LockDiscipline;

namespace LegacyTargets
{
    /// <summary>Written in C# 7.3: a Monitor on a field, checked at run time like any lock.</summary>
    public sealed class Counter
    {
        private readonly object _gate = new object();

        [GuardedBy(nameof(_gate))]
        private int _count;

        public int Increment()
        {
            Monitor.Enter(_gate);
            try
            {
                return ++_count;
            }
            finally
            {
                Monitor.Exit(_gate);
            }
        }
    }
}
