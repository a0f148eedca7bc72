// Monitor is reentrant: taking lock(this._gate) again on the same instance, through a call, while it
// is already held is neither a cycle nor recursive locking.
namespace Clean
{
    public sealed class Registry
    {
        private readonly object _gate = new object();
        private int _count;

        public void AddTwice()
        {
            lock (this._gate)
            {
                Add();
                Add();
            }
        }

        public void Add()
        {
            lock (this._gate)
            {
                _count++;
            }
        }
    }
}
