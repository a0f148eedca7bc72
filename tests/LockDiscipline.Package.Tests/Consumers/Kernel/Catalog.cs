// LD0013: a blocking wait, under a lock, for a task whose body takes that lock.
using System.Threading.Tasks;

namespace Kernel
{
    public sealed class Catalog
    {
        private readonly object _sync = new object();
        private int _count;

        public int Reload()
        {
            Task<int> load = Task.Run(Load);
            lock (_sync)
            {
                return load.Result; // expect LD0013 'Catalog._sync' 'Catalog.Load'
            }
        }

        private int Load()
        {
            lock (_sync)
            {
                return ++_count;
            }
        }
    }
}
