// cause: 3
// A logging framework's targets: every target serialises its writes on its own SyncRoot, and the
// wrapper targets (buffering, retrying, async-flush) are targets too, holding their own SyncRoot
// while they call the target they wrap. Always wrapper -> wrapped, never back: no deadlock.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace Corpus.Logging.Targets
{
    public sealed class LogEvent
    {
        public LogEvent(string level, string message) { Level = level; Message = message; }
        public string Level { get; }
        public string Message { get; }
        public DateTime Timestamp { get; } = DateTime.UtcNow;
    }

    public abstract class Target : IDisposable
    {
        private bool _initialized;
        private bool _closed;

        /// <summary>Serialises writes to one target; wrappers lock their own before calling the wrapped one.</summary>
        protected object SyncRoot { get; } = new object();

        public string Name { get; set; } = "";

        public void Initialize()
        {
            lock (SyncRoot)
            {
                if (_initialized) return;
                InitializeTarget();
                _initialized = true;
            }
        }

        public void WriteAsyncLogEvent(LogEvent logEvent)
        {
            lock (SyncRoot)
            {
                if (_closed) return;
                Write(logEvent);
            }
        }

        public void Flush()
        {
            lock (SyncRoot)
            {
                FlushTarget();
            }
        }

        public void Dispose()
        {
            lock (SyncRoot)
            {
                if (_closed) return;
                _closed = true;
                CloseTarget();
            }
        }

        protected virtual void InitializeTarget() { }
        protected abstract void Write(LogEvent logEvent);
        protected virtual void FlushTarget() { }
        protected virtual void CloseTarget() { }
    }

    public sealed class FileTarget : Target
    {
        private readonly object _fileLock = new object();
        private StreamWriter? _writer;
        public string FileName { get; set; } = "app.log";

        protected override void InitializeTarget()
        {
            lock (_fileLock) { _writer = new StreamWriter(FileName, append: true); }
        }

        protected override void Write(LogEvent logEvent)
        {
            lock (_fileLock) { _writer?.WriteLine($"{logEvent.Timestamp:O} {logEvent.Level} {logEvent.Message}"); }
        }

        protected override void FlushTarget()
        {
            lock (_fileLock) { _writer?.Flush(); }
        }

        protected override void CloseTarget()
        {
            lock (_fileLock) { _writer?.Dispose(); _writer = null; }
        }
    }

    public sealed class ConsoleTarget : Target
    {
        protected override void Write(LogEvent logEvent) => Console.Out.WriteLine(logEvent.Message);
    }

    /// <summary>The base of the wrappers: the wrapped target is of the same base type, with its own SyncRoot.</summary>
    public abstract class WrapperTargetBase : Target
    {
        protected WrapperTargetBase(Target wrappedTarget) { WrappedTarget = wrappedTarget; }
        public Target WrappedTarget { get; }
        protected override void InitializeTarget() => WrappedTarget.Initialize();
        protected override void FlushTarget() => WrappedTarget.Flush();
        protected override void CloseTarget() => WrappedTarget.Dispose();
    }

    public sealed class BufferingTargetWrapper : WrapperTargetBase
    {
        private readonly List<LogEvent> _buffer = new List<LogEvent>();
        public BufferingTargetWrapper(Target wrapped, int bufferSize) : base(wrapped) { BufferSize = bufferSize; }
        public int BufferSize { get; }

        protected override void Write(LogEvent logEvent)
        {
            _buffer.Add(logEvent);
            if (_buffer.Count < BufferSize) return;
            foreach (var buffered in _buffer)
            {
                WrappedTarget.WriteAsyncLogEvent(buffered);
            }
            _buffer.Clear();
        }

        protected override void FlushTarget()
        {
            foreach (var buffered in _buffer) WrappedTarget.WriteAsyncLogEvent(buffered);
            _buffer.Clear();
            base.FlushTarget();
        }
    }

    public sealed class RetryingTargetWrapper : WrapperTargetBase
    {
        public RetryingTargetWrapper(Target wrapped, int retryCount) : base(wrapped) { RetryCount = retryCount; }
        public int RetryCount { get; }

        protected override void Write(LogEvent logEvent)
        {
            for (var attempt = 0; ; attempt++)
            {
                try { WrappedTarget.WriteAsyncLogEvent(logEvent); return; }
                catch (IOException) when (attempt < RetryCount) { Thread.Sleep(10 * (attempt + 1)); }
            }
        }
    }

    /// <summary>Writes to every child: the group's SyncRoot is held while each child takes its own.</summary>
    public sealed class SplitGroupTarget : Target
    {
        private readonly Target[] _children;
        public SplitGroupTarget(params Target[] children) { _children = children; }

        protected override void Write(LogEvent logEvent)
        {
            foreach (var child in _children) child.WriteAsyncLogEvent(logEvent);
        }

        protected override void CloseTarget()
        {
            foreach (var child in _children) child.Dispose();
        }
    }

    public static class LoggingConfiguration
    {
        public static Target Build() =>
            new SplitGroupTarget(
                new BufferingTargetWrapper(new RetryingTargetWrapper(new FileTarget { FileName = "app.log" }, 3), 100),
                new ConsoleTarget());
    }
}
