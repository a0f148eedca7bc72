// cause: 8
// A messaging library's consumer. Synchronous entry points hold a Monitor lock while they start an
// async helper; the helper's code after its first await runs as a continuation on the thread pool,
// after the caller has left its lock block, so the locks it takes there are not nested in the
// caller's. Where the caller holds a SemaphoreSlim across the await instead, the nesting is real,
// and the code keeps one order: flush semaphore, then buffer lock.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Messaging.Consumers
{
    public sealed class Message
    {
        public Message(string topic, byte[] body) { Topic = topic; Body = body; }
        public string Topic { get; }
        public byte[] Body { get; }
    }

    public interface ITransport
    {
        Task SendAsync(IReadOnlyList<Message> batch, CancellationToken cancellationToken);
        Task AcknowledgeAsync(long deliveryTag, CancellationToken cancellationToken);
    }

    public sealed class Consumer : IAsyncDisposable
    {
        private readonly object _stateLock = new object();
        private readonly object _bufferLock = new object();
        private readonly SemaphoreSlim _flushSemaphore = new SemaphoreSlim(1, 1);
        private readonly List<Message> _buffer = new List<Message>();
        private readonly List<long> _unacknowledged = new List<long>();
        private readonly ITransport _transport;
        private bool _running;
        private Task _acknowledging = Task.CompletedTask;

        public Consumer(ITransport transport) { _transport = transport; }

        public void Start()
        {
            lock (_stateLock)
            {
                if (_running) return;
                _running = true;
                _ = RunHeartbeatAsync(CancellationToken.None);
            }
        }

        public void OnDelivered(long deliveryTag)
        {
            lock (_stateLock)
            {
                _unacknowledged.Add(deliveryTag);
                if (_unacknowledged.Count >= 50) _acknowledging = AcknowledgeBatchAsync();
            }
        }

        /// <summary>Buffers a message; called by producers while they hold the buffer lock for their own batching.</summary>
        public void Publish(Message message)
        {
            lock (_bufferLock)
            {
                _buffer.Add(message);
                if (_buffer.Count < 100) return;
                lock (_stateLock)
                {
                    if (!_running) return;
                }
            }
            _ = FlushAsync(CancellationToken.None);
        }

        private async Task RunHeartbeatAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                // A continuation: the Start() that began this loop has long left its lock.
                lock (_bufferLock)
                {
                    if (_buffer.Count == 0) continue;
                }
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task AcknowledgeBatchAsync()
        {
            await Task.Yield();
            long[] tags;
            lock (_stateLock)
            {
                tags = _unacknowledged.ToArray();
                _unacknowledged.Clear();
            }
            lock (_bufferLock)
            {
                _buffer.RemoveAll(m => m.Body.Length == 0);
            }
            foreach (var tag in tags) await _transport.AcknowledgeAsync(tag, CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>The flush semaphore is held across the await: flush, then buffer, in that order only.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _flushSemaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Message[] batch;
                lock (_bufferLock)
                {
                    batch = _buffer.ToArray();
                    _buffer.Clear();
                }
                if (batch.Length > 0) await _transport.SendAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _flushSemaphore.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            lock (_stateLock) _running = false;
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await _acknowledging.ConfigureAwait(false);
            _flushSemaphore.Dispose();
        }
    }
}
