// cause: 2
// Lock wrappers without annotations, as a scheduler's worker pool writes them: Acquire()/Release()
// around Monitor.Enter/Exit, a Lock() that returns an IDisposable releaser, and a wait helper that
// temporarily releases the lock its caller holds. Every acquisition is released on every path.
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Scheduling.Workers
{
    /// <summary>A gate with explicit enter and leave, for code that cannot use a lock block across methods.</summary>
    public sealed class PoolGate
    {
        private readonly object _gate = new object();

        public void Acquire() { Monitor.Enter(_gate); }

        public void Release() { Monitor.Exit(_gate); }

        /// <summary>Holds the gate until the returned releaser is disposed.</summary>
        public Releaser Lock()
        {
            Monitor.Enter(_gate);
            return new Releaser(this);
        }

        /// <summary>Called with the gate held: gives it up while waiting, and holds it again on return.</summary>
        public void WaitForSignal(TimeSpan timeout)
        {
            Monitor.Wait(_gate, timeout);
        }

        /// <summary>Called with the gate held: releases it around a callback that must not run under it.</summary>
        public void RunOutside(Action callback)
        {
            Monitor.Exit(_gate);
            try
            {
                callback();
            }
            finally
            {
                Monitor.Enter(_gate);
            }
        }

        public void PulseAll() => Monitor.PulseAll(_gate);

        public readonly struct Releaser : IDisposable
        {
            private readonly PoolGate _owner;
            public Releaser(PoolGate owner) { _owner = owner; }
            public void Dispose() => _owner.Release();
        }
    }

    public sealed class WorkerPool : IDisposable
    {
        private readonly PoolGate _gate = new PoolGate();
        private readonly Queue<Action> _work = new Queue<Action>();
        private readonly List<Thread> _workers = new List<Thread>();
        private readonly object _statsLock = new object();
        private int _completed;
        private bool _shutdown;

        public WorkerPool(int threadCount)
        {
            for (var i = 0; i < threadCount; i++)
            {
                var worker = new Thread(Run) { IsBackground = true, Name = "worker-" + i };
                _workers.Add(worker);
                worker.Start();
            }
        }

        public event Action<int>? Completed;

        public void Enqueue(Action work)
        {
            _gate.Acquire();
            try
            {
                if (_shutdown) throw new ObjectDisposedException(nameof(WorkerPool));
                _work.Enqueue(work);
                _gate.PulseAll();
            }
            finally
            {
                _gate.Release();
            }
        }

        public int Pending
        {
            get
            {
                using (_gate.Lock())
                {
                    return _work.Count;
                }
            }
        }

        private void Run()
        {
            while (true)
            {
                Action next;
                _gate.Acquire();
                try
                {
                    while (_work.Count == 0 && !_shutdown) _gate.WaitForSignal(TimeSpan.FromSeconds(1));
                    if (_shutdown && _work.Count == 0) return;
                    next = _work.Dequeue();
                    int completed;
                    lock (_statsLock) completed = ++_completed;

                    // Subscribers may enqueue more work: they must not run under the gate.
                    _gate.RunOutside(() => Completed?.Invoke(completed));
                }
                finally
                {
                    _gate.Release();
                }

                next();
            }
        }

        public int CompletedCount
        {
            get { lock (_statsLock) return _completed; }
        }

        public void Dispose()
        {
            using (_gate.Lock())
            {
                _shutdown = true;
                _gate.PulseAll();
            }
            foreach (var worker in _workers) worker.Join();
        }
    }
}
