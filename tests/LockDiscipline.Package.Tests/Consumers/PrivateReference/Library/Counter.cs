using System.Threading;
using LockDiscipline;

namespace PrivateReference.Library
{
    /// <summary>Plain C#: a Monitor on a field, the shape the runtime checks intercept.</summary>
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
