// An ABBA through a delegate stored in a field: Supervisor passes its OnDrained method to Worker's
// constructor, Worker stores it and invokes it while holding Worker._queueLock, and OnDrained takes
// Supervisor._stateLock; Supervisor.Submit holds Supervisor._stateLock and calls Worker.Enqueue, which
// takes Worker._queueLock.
using System;

namespace Broken
{
    public sealed class Worker
    {
        private readonly object _queueLock = new object();
        private readonly Action _onDrained;
        private int _queued;

        public Worker(Action onDrained)
        {
            _onDrained = onDrained;
        }

        public void Enqueue()
        {
            lock (_queueLock)
            {
                _queued++;
            }
        }

        public void Drain()
        {
            lock (_queueLock)
            {
                _queued = 0;
                _onDrained();
            }
        }
    }

    public sealed class Supervisor
    {
        private readonly object _stateLock = new object();
        private readonly Worker _worker;
        private bool _idle;

        public Supervisor()
        {
            _worker = new Worker(OnDrained);
        }

        public bool IsIdle
        {
            get
            {
                lock (_stateLock)
                {
                    return _idle;
                }
            }
        }

        public void Submit()
        {
            lock (_stateLock)
            {
                _idle = false;
                _worker.Enqueue();
            }
        }

        private void OnDrained()
        {
            lock (_stateLock) // expect LD0001 'Worker._queueLock' 'Supervisor._stateLock'
            {
                _idle = true;
            }
        }
    }
}
