// Work handed to another thread while a lock is held does not run under that lock, so the locks the
// work takes add no dependency. Each class also nests the locks the other way round (Collect), so
// counting the hand-off as a dependency would close a cycle.
using System.Threading;
using System.Threading.Tasks;

namespace Clean
{
    public sealed class TaskRunHandoff
    {
        private readonly object _jobsLock = new object();
        private readonly object _resultsLock = new object();
        private int _results;

        public Task Schedule()
        {
            lock (_jobsLock)
            {
                return Task.Run(() =>
                {
                    lock (_resultsLock)
                    {
                        _results++;
                    }
                });
            }
        }

        public void Collect()
        {
            lock (_resultsLock)
            {
                lock (_jobsLock)
                {
                    _results = 0;
                }
            }
        }
    }

    public sealed class ThreadHandoff
    {
        private readonly object _jobsLock = new object();
        private readonly object _resultsLock = new object();
        private int _results;

        public Thread Schedule()
        {
            lock (_jobsLock)
            {
                var thread = new Thread(() =>
                {
                    lock (_resultsLock)
                    {
                        _results++;
                    }
                });
                thread.Start();
                return thread;
            }
        }

        public void Collect()
        {
            lock (_resultsLock)
            {
                lock (_jobsLock)
                {
                    _results = 0;
                }
            }
        }
    }

    public sealed class ThreadPoolHandoff
    {
        private readonly object _jobsLock = new object();
        private readonly object _resultsLock = new object();
        private int _results;

        public void Schedule()
        {
            lock (_jobsLock)
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    lock (_resultsLock)
                    {
                        _results++;
                    }
                });
            }
        }

        public void Collect()
        {
            lock (_resultsLock)
            {
                lock (_jobsLock)
                {
                    _results = 0;
                }
            }
        }
    }

    public sealed class TimerHandoff
    {
        private readonly object _jobsLock = new object();
        private readonly object _resultsLock = new object();
        private Timer? _timer;
        private int _results;

        public void Schedule()
        {
            lock (_jobsLock)
            {
                _timer = new Timer(_ =>
                {
                    lock (_resultsLock)
                    {
                        _results++;
                    }
                }, null, 10, Timeout.Infinite);
            }
        }

        public void Collect()
        {
            lock (_resultsLock)
            {
                lock (_jobsLock)
                {
                    _timer?.Dispose();
                    _results = 0;
                }
            }
        }
    }

    public sealed class ContinuationHandoff
    {
        private readonly object _jobsLock = new object();
        private readonly object _resultsLock = new object();
        private Task _pending = Task.CompletedTask;
        private int _results;

        public void Schedule()
        {
            lock (_jobsLock)
            {
                _pending = _pending.ContinueWith(_ =>
                {
                    lock (_resultsLock)
                    {
                        _results++;
                    }
                }, TaskScheduler.Default);
            }
        }

        public void Collect()
        {
            lock (_resultsLock)
            {
                lock (_jobsLock)
                {
                    _results = 0;
                }
            }
        }
    }
}
