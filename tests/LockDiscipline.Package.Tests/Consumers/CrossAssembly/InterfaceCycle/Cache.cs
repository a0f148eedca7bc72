namespace App
{
    /// <summary>The library calls OnChanged holding its lock; Refresh calls the library holding Sync.</summary>
    public sealed class Cache : Lib.IListener
    {
        private static readonly object Sync = new object();
        private readonly Lib.Registry _registry = new Lib.Registry();

        public Cache() { _registry.Subscribe(this); }

        public void OnChanged()
        {
            lock (Sync) { } // expect LD0001 'Cache.Sync' 'Registry._gate'
        }

        public void Refresh()
        {
            lock (Sync)
            {
                _registry.Publish();
            }
        }
    }
}
