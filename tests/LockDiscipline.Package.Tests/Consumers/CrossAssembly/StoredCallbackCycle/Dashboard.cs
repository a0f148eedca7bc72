namespace App
{
    /// <summary>The bus keeps Redraw and later runs it holding its lock; Refresh publishes holding Sync.</summary>
    public sealed class Dashboard
    {
        private static readonly object Sync = new object();
        private readonly Lib.EventBus _bus = new Lib.EventBus();

        public Dashboard() { _bus.Subscribe(Redraw); }

        private void Redraw()
        {
            lock (Sync) { } // expect LD0001 'Dashboard.Sync' 'EventBus._sync'
        }

        public void Refresh()
        {
            lock (Sync)
            {
                _bus.Publish();
            }
        }
    }
}
