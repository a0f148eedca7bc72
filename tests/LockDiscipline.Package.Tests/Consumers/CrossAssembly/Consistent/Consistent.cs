namespace App
{
    /// <summary>The same callbacks, and the library is never called holding Sync: one order, no cycle.</summary>
    public sealed class Subscriber : Lib.IListener
    {
        private static readonly object Sync = new object();
        private readonly Lib.Registry _registry = new Lib.Registry();

        public Subscriber() { _registry.Subscribe(this); }

        public void OnChanged()
        {
            lock (Sync) { }
        }

        public void Refresh()
        {
            _registry.Publish();
            _registry.Run(() => { lock (Sync) { } });
            lock (Sync) { }
        }
    }
}
