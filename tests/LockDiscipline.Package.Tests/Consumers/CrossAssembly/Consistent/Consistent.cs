namespace App
{
    /// <summary>The same callbacks, one kept by the bus, and the library is never called holding Sync: one order, no cycle.</summary>
    public sealed class Subscriber : Lib.IListener
    {
        private static readonly object Sync = new object();
        private readonly Lib.Registry _registry = new Lib.Registry();
        private readonly Lib.EventBus _bus = new Lib.EventBus();

        public Subscriber()
        {
            _registry.Subscribe(this);
            _bus.Subscribe(() => { lock (Sync) { } });
        }

        public void OnChanged()
        {
            lock (Sync) { }
        }

        public void Refresh()
        {
            _registry.Publish();
            _registry.Run(() => { lock (Sync) { } });
            _bus.Publish();
            lock (Sync) { }
        }
    }
}
