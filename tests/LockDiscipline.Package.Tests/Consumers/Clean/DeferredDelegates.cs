// Delegates created (or stored, or handed out) while a lock is held, but invoked after it is
// released: creating a delegate takes no lock, so there is no dependency on the lock held then.
using System;

namespace Clean
{
    public sealed class DeferredNotifier
    {
        private readonly object _listLock = new object();
        private readonly object _sinkLock = new object();
        private int _delivered;

        public void Flush()
        {
            Action notify;
            lock (_listLock)
            {
                notify = () =>
                {
                    lock (_sinkLock)
                    {
                        _delivered++;
                    }
                };
            }

            notify();
        }

        public void Drain()
        {
            lock (_sinkLock)
            {
                lock (_listLock)
                {
                    _delivered = 0;
                }
            }
        }
    }

    // EventHandler.cs, fixed: Publish raises the event after releasing _readingLock.
    public sealed class Sensor
    {
        private readonly object _readingLock = new object();
        private double _reading;
        private double _offset;

        public event EventHandler? Changed;

        public void Publish(double reading)
        {
            EventHandler? handler;
            lock (_readingLock)
            {
                _reading = reading + _offset;
                handler = Changed;
            }

            handler?.Invoke(this, EventArgs.Empty);
        }

        public void Calibrate(double offset)
        {
            lock (_readingLock)
            {
                _offset = offset - _reading;
            }
        }
    }

    public sealed class Dashboard
    {
        private readonly object _viewLock = new object();
        private readonly Sensor _sensor;
        private int _redraws;

        public Dashboard(Sensor sensor)
        {
            _sensor = sensor;
            _sensor.Changed += OnChanged;
        }

        public void Refresh()
        {
            lock (_viewLock)
            {
                _redraws++;
                _sensor.Calibrate(0);
            }
        }

        private void OnChanged(object? sender, EventArgs e)
        {
            lock (_viewLock)
            {
                _redraws++;
            }
        }
    }

    // StoredDelegate.cs, fixed: Drain invokes the stored callback after releasing _queueLock.
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
            }

            _onDrained();
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
            lock (_stateLock)
            {
                _idle = true;
            }
        }
    }
}
