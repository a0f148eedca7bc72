// cause: 6
// An actor runtime's cells and mailboxes. A cell holds its mailbox lock while it routes a message
// to another cell through the IActorRef interface; the guard excludes the cell itself, and
// routing only goes from parent to children, so no two cells wait for each other.
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Actors
{
    public interface IActorRef
    {
        string Path { get; }
        void Send(object message, IActorRef? sender);
    }

    public sealed class DeadLetters : IActorRef
    {
        private readonly object _sync = new object();
        private readonly List<object> _letters = new List<object>();
        public string Path => "/deadLetters";
        public void Send(object message, IActorRef? sender)
        {
            lock (_sync) _letters.Add(message);
        }
    }

    public sealed class Mailbox
    {
        private readonly object _queueLock = new object();
        private readonly Queue<(object Message, IActorRef? Sender)> _queue = new Queue<(object, IActorRef?)>();
        private int _scheduled;

        public bool Enqueue(object message, IActorRef? sender)
        {
            lock (_queueLock)
            {
                _queue.Enqueue((message, sender));
                return Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0;
            }
        }

        public bool TryDequeue(out (object Message, IActorRef? Sender) envelope)
        {
            lock (_queueLock)
            {
                if (_queue.Count > 0) { envelope = _queue.Dequeue(); return true; }
                Volatile.Write(ref _scheduled, 0);
                envelope = default;
                return false;
            }
        }
    }

    /// <summary>A reference to an actor in another process: sends go through its own connection lock.</summary>
    public sealed class RemoteActorRef : IActorRef
    {
        private readonly object _connectionLock = new object();
        private readonly Queue<object> _outbound = new Queue<object>();
        public RemoteActorRef(string path) { Path = path; }
        public string Path { get; }
        public void Send(object message, IActorRef? sender)
        {
            lock (_connectionLock) _outbound.Enqueue(message);
        }
    }

    public sealed class Terminated
    {
        public Terminated(string path) { Path = path; }
        public string Path { get; }
    }

    public sealed class ActorCell : IActorRef
    {
        private readonly object _stateLock = new object();
        private readonly List<IActorRef> _watchers = new List<IActorRef>();
        private bool _terminated;
        private readonly object _childrenLock = new object();
        private readonly Dictionary<string, IActorRef> _children = new Dictionary<string, IActorRef>();
        private readonly Mailbox _mailbox = new Mailbox();
        private readonly Action<ActorCell, object, IActorRef?> _receive;

        public ActorCell(string path, ActorCell? parent, Action<ActorCell, object, IActorRef?> receive)
        {
            Path = path;
            Parent = parent;
            _receive = receive;
        }

        public string Path { get; }
        public ActorCell? Parent { get; }

        public void Send(object message, IActorRef? sender)
        {
            bool schedule;
            lock (_stateLock)
            {
                if (_terminated) return;
                schedule = _mailbox.Enqueue(message, sender);
            }
            if (schedule) ThreadPool.UnsafeQueueUserWorkItem(_ => ProcessMailbox(), null);
        }

        /// <summary>
        /// Watchers of this cell are remote references, and the cell itself when it watches its own
        /// termination; local cells learn of it through supervision, never through this list.
        /// </summary>
        public void Watch(IActorRef watcher)
        {
            if (watcher is ActorCell cell && !ReferenceEquals(cell, this)) throw new ArgumentException("Local cells are notified by supervision.");
            lock (_stateLock) _watchers.Add(watcher);
        }

        /// <summary>Notifies the watchers under the state lock, so that none is added after the notification.</summary>
        public void Terminate()
        {
            lock (_stateLock)
            {
                if (_terminated) return;
                foreach (var watcher in _watchers)
                {
                    if (!ReferenceEquals(watcher, this)) watcher.Send(new Terminated(Path), this);
                }
                _terminated = true;
            }
        }

        public ActorCell SpawnChild(string name, Action<ActorCell, object, IActorRef?> receive)
        {
            var child = new ActorCell(Path + "/" + name, this, receive);
            lock (_childrenLock) _children.Add(name, child);
            return child;
        }

        /// <summary>Broadcast to the children, under the children lock so that none is added or stopped meanwhile.</summary>
        public void Broadcast(object message)
        {
            lock (_childrenLock)
            {
                foreach (var cell in _children.Values)
                {
                    if (!ReferenceEquals(cell, this)) cell.Send(message, this);
                }
            }
        }

        /// <summary>Forwards a message addressed to a child path; a message addressed to this cell is handled here.</summary>
        public void Route(string childName, object message, IActorRef? sender)
        {
            lock (_childrenLock)
            {
                if (!_children.TryGetValue(childName, out var cell)) return;
                if (!ReferenceEquals(cell, this))
                {
                    cell.Send(message, sender);
                }
            }
        }

// cause: 3
        /// <summary>Stopping goes down the tree: a parent's lock is held while each child takes its own, never upwards.</summary>
        public void Stop(string childName)
        {
            lock (_childrenLock)
            {
                if (_children.Remove(childName, out var child) && child is ActorCell cell)
                {
                    cell.StopChildren();
                }
            }
        }

        private void StopChildren()
        {
            lock (_childrenLock)
            {
                foreach (var name in new List<string>(_children.Keys))
                {
                    if (_children[name] is ActorCell cell && !ReferenceEquals(cell, this)) cell.StopChildren();
                }
                _children.Clear();
            }
        }

        private void ProcessMailbox()
        {
            while (_mailbox.TryDequeue(out var envelope))
            {
                _receive(this, envelope.Message, envelope.Sender);
            }
        }
    }
}
