// cause: 3
// A database driver's connection pooling: a pool group holds its lock while it prunes each of its
// pools (group -> pool), and a pool holds its lock while it closes idle connectors (pool ->
// connector). Connectors never call back into their pool under their own lock: one direction only.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Data.Pooling
{
    public sealed class Connector : IDisposable
    {
        private readonly object _stateLock = new object();
        private bool _open;
        private DateTime _lastUsed = DateTime.UtcNow;

        public Connector(string connectionString) { ConnectionString = connectionString; }
        public string ConnectionString { get; }

        public bool IsIdleLongerThan(TimeSpan idle)
        {
            lock (_stateLock) return _open && DateTime.UtcNow - _lastUsed > idle;
        }

        public void Open()
        {
            lock (_stateLock) { _open = true; _lastUsed = DateTime.UtcNow; }
        }

        public void Touch()
        {
            lock (_stateLock) _lastUsed = DateTime.UtcNow;
        }

        public void Dispose()
        {
            lock (_stateLock) { _open = false; }
        }
    }

    public sealed class ConnectorPool : IDisposable
    {
        private readonly object _poolLock = new object();
        private readonly Stack<Connector> _idle = new Stack<Connector>();
        private readonly SemaphoreSlim _capacity;
        private int _busy;

        public ConnectorPool(string connectionString, int maxPoolSize)
        {
            ConnectionString = connectionString;
            _capacity = new SemaphoreSlim(maxPoolSize, maxPoolSize);
        }

        public string ConnectionString { get; }

        /// <summary>The pool of a standby host, which has no standby itself: clearing goes primary -> standby only.</summary>
        public ConnectorPool? Standby { get; init; }

        public async ValueTask<Connector> RentAsync(CancellationToken cancellationToken)
        {
            await _capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_poolLock)
            {
                _busy++;
                if (_idle.Count > 0)
                {
                    var connector = _idle.Pop();
                    connector.Touch();
                    return connector;
                }
            }

            var created = new Connector(ConnectionString);
            created.Open();
            return created;
        }

        public void Return(Connector connector)
        {
            lock (_poolLock)
            {
                _busy--;
                _idle.Push(connector);
            }
            _capacity.Release();
        }

        /// <summary>Closes connectors idle for too long; the pool's lock is held while each connector takes its own.</summary>
        public int Prune(TimeSpan idleLifetime)
        {
            lock (_poolLock)
            {
                var kept = new List<Connector>();
                var closed = 0;
                while (_idle.Count > 0)
                {
                    var connector = _idle.Pop();
                    if (connector.IsIdleLongerThan(idleLifetime)) { connector.Dispose(); closed++; }
                    else kept.Add(connector);
                }
                for (var i = kept.Count - 1; i >= 0; i--) _idle.Push(kept[i]);
                return closed;
            }
        }

        public void Clear()
        {
            lock (_poolLock)
            {
                while (_idle.Count > 0) _idle.Pop().Dispose();

                // Under our lock, so that no connector is rented from the standby between the two clears.
                Standby?.Clear();
            }
        }

        public void Dispose()
        {
            Clear();
            _capacity.Dispose();
        }
    }

    /// <summary>
    /// All pools of one process, keyed by connection string. Pruning holds the group's lock while
    /// each pool takes its own: a pool-of-pools, the same class (the pool group is a pool too in
    /// some drivers) nested in one direction.
    /// </summary>
    public sealed class PoolManager : IDisposable
    {
        private readonly object _poolsLock = new object();
        private readonly Dictionary<string, ConnectorPool> _pools = new Dictionary<string, ConnectorPool>();
        private readonly Timer _pruningTimer;

        public PoolManager(TimeSpan pruningInterval)
        {
            _pruningTimer = new Timer(_ => PruneAll(TimeSpan.FromMinutes(5)), null, pruningInterval, pruningInterval);
        }

        public ConnectorPool GetOrAdd(string connectionString, int maxPoolSize)
        {
            lock (_poolsLock)
            {
                if (!_pools.TryGetValue(connectionString, out var pool))
                {
                    var standby = new ConnectorPool(connectionString + ";Host=standby", maxPoolSize);
                    pool = new ConnectorPool(connectionString, maxPoolSize) { Standby = standby };
                    _pools.Add(connectionString, pool);
                }
                return pool;
            }
        }

        public int PruneAll(TimeSpan idleLifetime)
        {
            var closed = 0;
            lock (_poolsLock)
            {
                foreach (var pool in _pools.Values) closed += pool.Prune(idleLifetime);
            }
            return closed;
        }

        public void ClearAll()
        {
            lock (_poolsLock)
            {
                foreach (var pool in _pools.Values) pool.Clear();
            }
        }

        public void Dispose()
        {
            _pruningTimer.Dispose();
            lock (_poolsLock)
            {
                foreach (var pool in _pools.Values) pool.Dispose();
                _pools.Clear();
            }
        }
    }

    /// <summary>Multiplexing: a primary pool that overflows into a secondary pool, always primary -> secondary.</summary>
    public sealed class OverflowPool
    {
        private readonly object _primaryGate = new object();
        private readonly ConnectorPool _primary;
        private readonly ConnectorPool _secondary;
        private int _overflowed;

        public OverflowPool(ConnectorPool primary, ConnectorPool secondary) { _primary = primary; _secondary = secondary; }

        public void PruneBoth(TimeSpan idle)
        {
            lock (_primaryGate)
            {
                _primary.Prune(idle);
                _secondary.Prune(idle);
                _overflowed = 0;
            }
        }

        public int Overflowed { get { lock (_primaryGate) return _overflowed; } }
    }
}
