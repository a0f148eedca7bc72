using System.Collections.Generic;
using System.Threading;

namespace CodeFixConsumer
{
    public sealed class WorkQueue
    {
        private readonly Queue<string> _queue = new();

        public bool TryTake(out string? item)
        {
            Monitor.Enter(_queue);
            if (_queue.Count == 0)
            {
                item = null;
                return false;
            }

            item = _queue.Dequeue();
            Monitor.Exit(_queue);
            return true;
        }

        public void Add(string item)
        {
            Monitor.Enter(_queue);
            _queue.Enqueue(item);
            Monitor.Exit(_queue);
        }
    }
}
