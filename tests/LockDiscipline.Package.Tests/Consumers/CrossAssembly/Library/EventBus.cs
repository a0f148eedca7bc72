using System;
using System.Collections.Generic;

namespace Lib
{
    /// <summary>Keeps its subscribers' callbacks, and runs them holding its lock when something is published.</summary>
    public sealed class EventBus
    {
        private readonly object _sync = new object();
        private readonly List<Action> _subscribers = new List<Action>();

        public void Subscribe(Action callback)
        {
            lock (_sync) { _subscribers.Add(callback); }
        }

        public void Publish()
        {
            lock (_sync)
            {
                foreach (Action subscriber in _subscribers)
                {
                    subscriber();
                }
            }
        }
    }
}
