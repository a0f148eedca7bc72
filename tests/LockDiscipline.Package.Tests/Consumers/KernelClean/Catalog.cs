// Consumers/Kernel/Catalog.cs fixed: the task is waited for before the lock is taken.
using System.Threading.Tasks;

namespace KernelClean
{
    public sealed class Catalog
    {
        private readonly object _sync = new object();
        private int _count;
        private int _loaded;

        public int Reload()
        {
            Task<int> load = Task.Run(Load);
            int loaded = load.Result;
            lock (_sync)
            {
                _loaded = loaded;
                return _loaded;
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
