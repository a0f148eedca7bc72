// cause: 1
// An in-process event bus with handler lists under a lock. Paths the analyzer follows but no run
// can take: a null argument whose callee does nothing for null, an event raised in a constructor
// before anyone can have subscribed, and a branch guarded by a state the caller has just ruled out.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Messaging.Bus
{
    public interface IHandler
    {
        void Handle(object message);
    }

    public sealed class Subscription : IDisposable
    {
        private readonly EventBus _bus;
        public Subscription(EventBus bus, string topic, IHandler handler) { _bus = bus; Topic = topic; Handler = handler; }
        public string Topic { get; }
        public IHandler Handler { get; }
        public void Dispose() => _bus.Unsubscribe(this);
    }

    public sealed class EventBus
    {
        private readonly object _handlersLock = new object();
        private readonly object _statsLock = new object();
        private readonly Dictionary<string, List<Subscription>> _handlers = new Dictionary<string, List<Subscription>>();
        private long _published;
        private bool _stopped;

        /// <summary>Raised when a topic gets its first subscriber.</summary>
        public event Action<string>? TopicOpened;

        public EventBus(IEnumerable<string> initialTopics)
        {
            foreach (var topic in initialTopics)
            {
                lock (_handlersLock)
                {
                    _handlers[topic] = new List<Subscription>();
                    // Raised in the constructor, under the lock like every other opening: nobody can
                    // have subscribed to this instance yet.
                    TopicOpened?.Invoke(topic);
                }
            }
        }

        public Subscription Subscribe(string topic, IHandler handler)
        {
            var subscription = new Subscription(this, topic, handler);
            bool first;
            lock (_handlersLock)
            {
                if (!_handlers.TryGetValue(topic, out var list)) _handlers[topic] = list = new List<Subscription>();
                first = list.Count == 0;
                list.Add(subscription);
            }
            if (first) TopicOpened?.Invoke(topic);
            return subscription;
        }

        public void Unsubscribe(Subscription subscription)
        {
            lock (_handlersLock)
            {
                if (_handlers.TryGetValue(subscription.Topic, out var list)) list.Remove(subscription);
            }
        }

        /// <summary>Handlers are copied under the lock and invoked outside it.</summary>
        public int Publish(string topic, object message)
        {
            Subscription[] targets;
            lock (_handlersLock)
            {
                if (_stopped || !_handlers.TryGetValue(topic, out var list)) return 0;
                targets = list.ToArray();
            }
            lock (_statsLock) _published++;
            foreach (var target in targets) target.Handler.Handle(message);
            return targets.Length;
        }

        /// <summary>Stops the bus; with a drain handler, the remaining topics are handed to it first. Internal: the library only stops without one.</summary>
        internal void Stop(IHandler? drain)
        {
            lock (_statsLock)
            {
                lock (_handlersLock)
                {
                    _stopped = true;
                    Drain(drain);
                    _handlers.Clear();
                }
            }
        }

        /// <summary>Called on shutdown under the handler lock; does nothing without a drain handler.</summary>
        private void Drain(IHandler? drain)
        {
            if (drain is null) return;
            foreach (var topic in _handlers.Keys) drain.Handle(topic);
        }

        public long Published { get { lock (_statsLock) return _published; } }
    }

    /// <summary>A handler that republishes statistics to the bus it watches.</summary>
    public sealed class StatisticsHandler : IHandler
    {
        private readonly EventBus _bus;
        private readonly object _lastLock = new object();
        private object? _last;

        public StatisticsHandler(EventBus bus) { _bus = bus; }

        public void Handle(object message)
        {
            lock (_lastLock) _last = message;
            _ = _bus.Published;
        }

        public object? Last { get { lock (_lastLock) return _last; } }

        public void Shutdown()
        {
            // No drain handler: Stop's Drain returns at once, and no handler runs under the bus's locks.
            _bus.Stop(null);
        }
    }

    /// <summary>Remembers the topics opened and can replay them: its lock is held while it publishes.</summary>
    public sealed class TopicMonitor
    {
        private readonly object _seenLock = new object();
        private readonly List<string> _seen = new List<string>();
        private readonly EventBus _bus;

        public TopicMonitor(EventBus bus)
        {
            _bus = bus;
            bus.TopicOpened += OnTopicOpened;
        }

        private void OnTopicOpened(string topic)
        {
            lock (_seenLock) _seen.Add(topic);
        }

        public void Replay()
        {
            lock (_seenLock)
            {
                foreach (var topic in _seen) _bus.Publish(topic, "replay");
            }
        }
    }

    public static class BusHost
    {
        public static async Task RunAsync(CancellationToken cancellationToken)
        {
            var bus = new EventBus(new[] { "orders", "payments" });
            var statistics = new StatisticsHandler(bus);
            var monitor = new TopicMonitor(bus);
            using (bus.Subscribe("orders", statistics))
            {
                bus.Publish("orders", "created");
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                monitor.Replay();
            }
            statistics.Shutdown();
        }
    }
}
