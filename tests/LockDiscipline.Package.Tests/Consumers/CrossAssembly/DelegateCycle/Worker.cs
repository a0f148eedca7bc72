namespace App
{
    /// <summary>The library runs Update's lambda holding its lock; Flush calls the library holding Sync.</summary>
    public sealed class Worker
    {
        private static readonly object Sync = new object();
        private readonly Lib.Registry _registry = new Lib.Registry();

        public void Update()
        {
            _registry.Run(() => { lock (Sync) { } }); // expect LD0001 'Worker.Sync' 'Registry._gate'
        }

        public void Flush()
        {
            lock (Sync)
            {
                _registry.Publish();
            }
        }
    }
}
