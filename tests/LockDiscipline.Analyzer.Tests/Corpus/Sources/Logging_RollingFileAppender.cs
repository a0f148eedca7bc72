// cause: 3
// Appenders in the style of a classic logging library: AppenderSkeleton serialises DoAppend on a
// base-class lock; a forwarding appender passes events on to child appenders, each of which takes
// its own base lock (parent -> child, never back).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Corpus.Logging.Appenders
{
    public sealed class LoggingEvent
    {
        public LoggingEvent(string loggerName, int level, string message) { LoggerName = loggerName; Level = level; Message = message; }
        public string LoggerName { get; }
        public int Level { get; }
        public string Message { get; }
    }

    public interface IAppender
    {
        string Name { get; }
        void DoAppend(LoggingEvent loggingEvent);
        void Close();
    }

    public abstract class AppenderSkeleton : IAppender
    {
        /// <summary>The base lock: held by DoAppend, Close and the threshold and error-handler setters.</summary>
        protected readonly object BaseLock = new object();
        private bool _closed;
        private int _threshold;
        private Action<string>? _errorHandler;

        public string Name { get; set; } = "";

        public int Threshold
        {
            get { lock (BaseLock) return _threshold; }
            set { lock (BaseLock) _threshold = value; }
        }

        public void SetErrorHandler(Action<string> handler)
        {
            lock (BaseLock)
            {
                _errorHandler = handler;
            }
        }

        public void DoAppend(LoggingEvent loggingEvent)
        {
            lock (BaseLock)
            {
                if (_closed || loggingEvent.Level < _threshold) return;
                try { Append(loggingEvent); }
                catch (IOException e) { _errorHandler?.Invoke(e.Message); }
            }
        }

        public virtual void Close()
        {
            lock (BaseLock)
            {
                if (_closed) return;
                _closed = true;
                OnClose();
            }
        }

        protected abstract void Append(LoggingEvent loggingEvent);
        protected virtual void OnClose() { }
    }

// cause: bug
    /// <summary>
    /// The REAL bug of issue 10. Close() holds the base lock and takes the writer lock (through
    /// OnClose); the File setter holds the writer lock and takes the base lock (through
    /// SetErrorHandler). A thread closing the appender while another reconfigures its file deadlocks.
    /// </summary>
    public class RollingFileAppender : AppenderSkeleton
    {
        private readonly object _writerLock = new object();
        private TextWriter? _writer;
        private string _file = "app.log";
        private long _written;

        public long MaxFileSize { get; set; } = 10 * 1024 * 1024;

        public string File
        {
            get { lock (_writerLock) return _file; }
            set
            {
                lock (_writerLock)
                {
                    _writer?.Dispose();
                    _file = value;
                    _writer = new StreamWriter(value, append: true, Encoding.UTF8);
                    SetErrorHandler(message => Console.Error.WriteLine($"{value}: {message}")); // real: LD0001 appender-close-vs-setter
                }
            }
        }

        /// <summary>Runs under the base lock (DoAppend): base -> writer, as Close does, so it deadlocks with the File setter too.</summary>
        protected override void Append(LoggingEvent loggingEvent)
        {
            lock (_writerLock) // real: LD0001 appender-close-vs-setter
            {
                if (_written > MaxFileSize) RollOver();
                var line = $"{loggingEvent.LoggerName} {loggingEvent.Message}";
                _writer?.WriteLine(line);
                _written += line.Length;
            }
        }

        protected override void OnClose()
        {
            lock (_writerLock) // real: LD0001 appender-close-vs-setter
            {
                _writer?.Dispose();
                _writer = null;
            }
        }

        private void RollOver()
        {
            _writer?.Dispose();
            System.IO.File.Move(_file, _file + "." + DateTime.UtcNow.Ticks);
            _writer = new StreamWriter(_file, append: false, Encoding.UTF8);
            _written = 0;
        }
    }

// cause: 3
    /// <summary>Forwards each event to its children; each child takes its own base lock under the parent's.</summary>
    public sealed class ForwardingAppender : AppenderSkeleton
    {
        private readonly List<IAppender> _appenders = new List<IAppender>();

        public void AddAppender(IAppender appender)
        {
            lock (BaseLock) { _appenders.Add(appender); }
        }

        protected override void Append(LoggingEvent loggingEvent)
        {
            foreach (var appender in _appenders) appender.DoAppend(loggingEvent);
        }

        protected override void OnClose()
        {
            foreach (var appender in _appenders) appender.Close();
            _appenders.Clear();
        }
    }

    public sealed class MemoryAppender : AppenderSkeleton
    {
        private readonly object _eventsLock = new object();
        private readonly List<LoggingEvent> _events = new List<LoggingEvent>();

        public LoggingEvent[] PopAllEvents()
        {
            lock (_eventsLock)
            {
                var all = _events.ToArray();
                _events.Clear();
                return all;
            }
        }

        protected override void Append(LoggingEvent loggingEvent)
        {
            lock (_eventsLock) { _events.Add(loggingEvent); }
        }
    }
}
