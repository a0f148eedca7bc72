// cause: 8
// A logging framework's async wrapper: Write() enqueues under the queue lock and kicks a background
// flush; the flush's work runs after an await, on the thread pool, when Write() has long left its
// lock. The lazy writer is shared through a flush semaphore that is held across awaits, always
// before the queue lock.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Logging.Async
{
    public sealed class AsyncTargetWrapper : IAsyncDisposable
    {
        private readonly object _queueLock = new object();
        private readonly object _writerLock = new object();
        private readonly SemaphoreSlim _flushSemaphore = new SemaphoreSlim(1, 1);
        private readonly Queue<string> _queue = new Queue<string>();
        private readonly TextWriter _writer;
        private Task _pendingFlush = Task.CompletedTask;
        private int _overflowCount;

        public AsyncTargetWrapper(TextWriter writer) { _writer = writer; }

        public void Write(string line)
        {
            lock (_queueLock)
            {
                if (_queue.Count > 10_000) { _overflowCount++; return; }
                _queue.Enqueue(line);
                if (_pendingFlush.IsCompleted) _pendingFlush = FlushLaterAsync();
            }
        }

        /// <summary>Everything after the first await runs on the thread pool, not under Write()'s queue lock.</summary>
        private async Task FlushLaterAsync()
        {
            await Task.Delay(50).ConfigureAwait(false);
            lock (_writerLock)
            {
                lock (_queueLock)
                {
                    while (_queue.Count > 0) _writer.WriteLine(_queue.Dequeue());
                }
                _writer.Flush();
            }
        }

        /// <summary>Writer lock, then queue lock: the order FlushLaterAsync uses too.</summary>
        public void WriteDirect(string line)
        {
            lock (_writerLock)
            {
                lock (_queueLock)
                {
                    while (_queue.Count > 0) _writer.WriteLine(_queue.Dequeue());
                }
                _writer.WriteLine(line);
            }
        }

        public int OverflowCount { get { lock (_queueLock) return _overflowCount; } }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _flushSemaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                string[] lines;
                lock (_queueLock)
                {
                    lines = _queue.ToArray();
                    _queue.Clear();
                }
                foreach (var line in lines) await _writer.WriteLineAsync(line).ConfigureAwait(false);
                await _writer.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                _flushSemaphore.Release();
            }
        }

        /// <summary>Under the queue lock, starts a flush whose semaphore wait comes after a yield.</summary>
        public void RequestFlush()
        {
            lock (_queueLock)
            {
                if (_queue.Count == 0) return;
                _pendingFlush = FlushSoonAsync();
            }
        }

        private async Task FlushSoonAsync()
        {
            await Task.Yield();
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
            _flushSemaphore.Dispose();
        }
    }
}
