namespace Lib
{
    public interface IListener
    {
        void OnChanged();
    }

    /// <summary>Holds its lock while it calls its listener and while it runs a caller's callback.</summary>
    public sealed class Registry
    {
        private readonly object _gate = new object();
        private IListener? _listener;

        public void Subscribe(IListener listener)
        {
            lock (_gate) { _listener = listener; }
        }

        public void Publish()
        {
            lock (_gate)
            {
                _listener?.OnChanged();
            }
        }

        public void Run(System.Action callback)
        {
            lock (_gate)
            {
                callback();
            }
        }
    }
}
