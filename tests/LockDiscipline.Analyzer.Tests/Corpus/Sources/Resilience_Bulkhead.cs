// cause: 7
// Try-acquire shapes of a resilience library: a bulkhead that waits synchronously or asynchronously
// for a slot depending on how it was called, with the result through a ternary and a local; a
// rate limiter that tries a slot and gives up; an optional cross-process mutex used through '?.'.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Resilience.Bulkhead
{
    public sealed class BulkheadRejectedException : Exception
    {
        public BulkheadRejectedException(string message) : base(message) { }
    }

    public sealed class BulkheadPolicy : IDisposable
    {
        private readonly SemaphoreSlim _executionSlots;
        private readonly SemaphoreSlim _queueSlots;
        private readonly TimeSpan _queueTimeout;

        public BulkheadPolicy(int maxParallelization, int maxQueuing, TimeSpan queueTimeout)
        {
            _executionSlots = new SemaphoreSlim(maxParallelization, maxParallelization);
            _queueSlots = new SemaphoreSlim(maxParallelization + maxQueuing, maxParallelization + maxQueuing);
            _queueTimeout = queueTimeout;
        }

        /// <summary>The shared core of Execute and ExecuteAsync: the acquisition's result comes through a ternary.</summary>
        private async Task<T> ExecuteCoreAsync<T>(Func<CancellationToken, Task<T>> action, bool continueOnCapturedContext, bool useAsyncWait, CancellationToken cancellationToken)
        {
            if (!_queueSlots.Wait(0))
            {
                throw new BulkheadRejectedException("Bulkhead queue is full.");
            }

            try
            {
                bool taken;
                taken = useAsyncWait
                    ? await _executionSlots.WaitAsync(_queueTimeout, cancellationToken).ConfigureAwait(continueOnCapturedContext)
                    : _executionSlots.Wait(_queueTimeout, cancellationToken);
                if (!taken) throw new BulkheadRejectedException("Timed out waiting for an execution slot.");

                try
                {
                    return await action(cancellationToken).ConfigureAwait(continueOnCapturedContext);
                }
                finally
                {
                    _executionSlots.Release();
                }
            }
            finally
            {
                _queueSlots.Release();
            }
        }

        public T Execute<T>(Func<CancellationToken, T> action, CancellationToken cancellationToken)
            => ExecuteCoreAsync(ct => Task.FromResult(action(ct)), false, useAsyncWait: false, cancellationToken).GetAwaiter().GetResult();

        public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
            => ExecuteCoreAsync(action, false, useAsyncWait: true, cancellationToken);

        public int AvailableExecutionSlots => _executionSlots.CurrentCount;

        public void Dispose()
        {
            _executionSlots.Dispose();
            _queueSlots.Dispose();
        }
    }

    public sealed class FixedWindowRateLimiter
    {
        private readonly SemaphoreSlim _permits;
        private readonly object _windowLock = new object();
        private DateTime _windowStart = DateTime.UtcNow;
        private readonly int _permitLimit;

        public FixedWindowRateLimiter(int permitLimit)
        {
            _permitLimit = permitLimit;
            _permits = new SemaphoreSlim(permitLimit, permitLimit);
        }

        public async ValueTask<bool> TryAcquireAsync(bool wait, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Replenish();
            var acquired = wait ? await _permits.WaitAsync(timeout, cancellationToken) : _permits.Wait(0, cancellationToken);
            if (!acquired) return false;
            return true;
        }

        private void Replenish()
        {
            lock (_windowLock)
            {
                if (DateTime.UtcNow - _windowStart < TimeSpan.FromSeconds(1)) return;
                _windowStart = DateTime.UtcNow;
                var missing = _permitLimit - _permits.CurrentCount;
                if (missing > 0) _permits.Release(missing);
            }
        }
    }

    /// <summary>A circuit state store that can be shared between processes through a named mutex, or not shared at all.</summary>
    public sealed class CircuitStateStore : IDisposable
    {
        private readonly Mutex? _crossProcess;
        private readonly object _localLock = new object();
        private string _state = "Closed";

        public CircuitStateStore(string? sharedName)
        {
            _crossProcess = sharedName is null ? null : new Mutex(false, sharedName);
        }

        public string Read()
        {
            lock (_localLock)
            {
                _crossProcess?.WaitOne();
                try
                {
                    return _state;
                }
                finally
                {
                    _crossProcess?.ReleaseMutex();
                }
            }
        }

        public void Write(string state)
        {
            lock (_localLock)
            {
                _crossProcess?.WaitOne();
                try
                {
                    _state = state;
                }
                finally
                {
                    _crossProcess?.ReleaseMutex();
                }
            }
        }

        public bool TryWrite(string state, TimeSpan timeout)
        {
            var taken = false;
            try
            {
                taken = Monitor.TryEnter(_localLock, timeout);
                if (!taken) return false;
                _state = state;
                return true;
            }
            finally
            {
                if (taken) Monitor.Exit(_localLock);
            }
        }

        public void Dispose() => _crossProcess?.Dispose();
    }
}
