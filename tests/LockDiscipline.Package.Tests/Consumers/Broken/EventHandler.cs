// An ABBA through an event handler: Dashboard subscribes OnChanged (+=), Sensor.Publish raises the
// event while holding Sensor._readingLock, and OnChanged takes Dashboard._viewLock; Dashboard.Refresh
// holds Dashboard._viewLock and calls Sensor.Calibrate, which takes Sensor._readingLock.
using System;

namespace Broken
{
    public sealed class Sensor
    {
        private readonly object _readingLock = new object();
        private double _reading;
        private double _offset;

        public event EventHandler? Changed;

        public void Publish(double reading)
        {
            lock (_readingLock)
            {
                _reading = reading + _offset;
                Changed?.Invoke(this, EventArgs.Empty);
            }
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
            lock (_viewLock) // expect LD0001 'Sensor._readingLock' 'Dashboard._viewLock'
            {
                _redraws++;
            }
        }
    }
}
