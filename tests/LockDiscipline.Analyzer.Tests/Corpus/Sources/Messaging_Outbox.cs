// cause: 2
// A messaging library's outbox with an async lock: LockAsync() returns a releaser that a using
// statement disposes, and a synchronous Lock() does the same for the non-async paths. The wrapper
// methods acquire without releasing by design; every caller releases through the releaser.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Messaging.Outbox
{
    public sealed class AsyncLock
    {
        private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);

        public async Task<Releaser> LockAsync(CancellationToken cancellationToken = default)
        {
            await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Releaser(_semaphore);
        }

        public Releaser Lock()
        {
            _semaphore.Wait();
            return new Releaser(_semaphore);
        }

        public readonly struct Releaser : IDisposable
        {
            private readonly SemaphoreSlim _toRelease;
            internal Releaser(SemaphoreSlim toRelease) { _toRelease = toRelease; }
            public void Dispose() => _toRelease.Release();
        }
    }

    public sealed class OutboxMessage
    {
        public OutboxMessage(Guid id, string destination, string payload) { Id = id; Destination = destination; Payload = payload; }
        public Guid Id { get; }
        public string Destination { get; }
        public string Payload { get; }
        public DateTime? DispatchedAt { get; set; }
    }

    public interface IDispatcher
    {
        Task DispatchAsync(OutboxMessage message, CancellationToken cancellationToken);
    }

    public sealed class Outbox
    {
        private readonly AsyncLock _storeLock = new AsyncLock();
        private readonly AsyncLock _dispatchLock = new AsyncLock();
        private readonly List<OutboxMessage> _messages = new List<OutboxMessage>();
        private readonly object _metricsLock = new object();
        private int _dispatched;

        public async Task AddAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            using (await _storeLock.LockAsync(cancellationToken).ConfigureAwait(false))
            {
                _messages.Add(message);
            }
        }

        public void Add(OutboxMessage message)
        {
            using (_storeLock.Lock())
            {
                _messages.Add(message);
            }
        }

        /// <summary>Dispatch lock, then store lock: the only order in which both are held.</summary>
        public async Task<int> DispatchPendingAsync(IDispatcher dispatcher, CancellationToken cancellationToken)
        {
            using (await _dispatchLock.LockAsync(cancellationToken).ConfigureAwait(false))
            {
                List<OutboxMessage> pending;
                using (await _storeLock.LockAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending = _messages.FindAll(m => m.DispatchedAt is null);
                }

                foreach (var message in pending)
                {
                    await dispatcher.DispatchAsync(message, cancellationToken).ConfigureAwait(false);
                    message.DispatchedAt = DateTime.UtcNow;
                    lock (_metricsLock) _dispatched++;
                }
                return pending.Count;
            }
        }

        public int Cleanup(TimeSpan retention)
        {
            using (_dispatchLock.Lock())
            using (_storeLock.Lock())
            {
                return _messages.RemoveAll(m => m.DispatchedAt is { } at && DateTime.UtcNow - at > retention);
            }
        }

        public int Dispatched { get { lock (_metricsLock) return _dispatched; } }
    }
}
