// cause: plain
// Ordinary locking in a database driver: a prepared-statement cache behind a ReaderWriterLockSlim
// with upgradeable reads, type-handler registration under a System.Threading.Lock, and a
// connection's state guarded by a lock scope. No nesting in two orders anywhere.
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Data.Statements
{
    public sealed class PreparedStatement
    {
        public PreparedStatement(string sql, string name) { Sql = sql; Name = name; }
        public string Sql { get; }
        public string Name { get; }
        public int UseCount;
    }

    public sealed class StatementCache : IDisposable
    {
        private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        private readonly Dictionary<string, PreparedStatement> _statements = new Dictionary<string, PreparedStatement>();
        private readonly int _capacity;
        private int _generated;

        public StatementCache(int capacity) { _capacity = capacity; }

        public PreparedStatement? TryGet(string sql)
        {
            _lock.EnterReadLock();
            try
            {
                return _statements.TryGetValue(sql, out var statement) ? statement : null;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        public PreparedStatement GetOrPrepare(string sql)
        {
            _lock.EnterUpgradeableReadLock();
            try
            {
                if (_statements.TryGetValue(sql, out var existing))
                {
                    Interlocked.Increment(ref existing.UseCount);
                    return existing;
                }

                _lock.EnterWriteLock();
                try
                {
                    if (_statements.Count >= _capacity) EvictLeastUsed();
                    var prepared = new PreparedStatement(sql, "_p" + (++_generated));
                    _statements.Add(sql, prepared);
                    return prepared;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }
            finally
            {
                _lock.ExitUpgradeableReadLock();
            }
        }

        /// <summary>Called with the write lock held.</summary>
        private void EvictLeastUsed()
        {
            string? victim = null;
            var least = int.MaxValue;
            foreach (var pair in _statements)
            {
                if (pair.Value.UseCount < least) { least = pair.Value.UseCount; victim = pair.Key; }
            }
            if (victim is not null) _statements.Remove(victim);
        }

        public bool TryClear(TimeSpan timeout)
        {
            if (!_lock.TryEnterWriteLock(timeout)) return false;
            try
            {
                _statements.Clear();
                return true;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        public void Dispose() => _lock.Dispose();
    }

    public static class TypeHandlerRegistry
    {
        private static readonly Lock s_lock = new Lock();
        private static readonly Dictionary<Type, string> s_handlers = new Dictionary<Type, string>();

        public static void Register(Type clrType, string databaseType)
        {
            lock (s_lock) s_handlers[clrType] = databaseType;
        }

        public static string Resolve(Type clrType)
        {
            using (s_lock.EnterScope())
            {
                return s_handlers.TryGetValue(clrType, out var databaseType) ? databaseType : "text";
            }
        }
    }

    public sealed class DbConnectionState
    {
        private readonly Lock _stateLock = new Lock();
        private readonly StatementCache _statements = new StatementCache(256);
        private string _state = "Closed";
        private int _transactionDepth;

        public string State { get { lock (_stateLock) return _state; } }

        public void Open()
        {
            _stateLock.Enter();
            try
            {
                if (_state != "Closed") throw new InvalidOperationException("Already open.");
                _state = "Open";
            }
            finally
            {
                _stateLock.Exit();
            }
        }

        public void BeginTransaction()
        {
            lock (_stateLock)
            {
                if (_state != "Open") throw new InvalidOperationException("Not open.");
                _transactionDepth++;
            }
        }

        public PreparedStatement Prepare(string sql)
        {
            // The cache has its own lock: state lock, then cache lock, the only order used.
            lock (_stateLock)
            {
                if (_state != "Open") throw new InvalidOperationException("Not open.");
                return _statements.GetOrPrepare(sql);
            }
        }

        public void Close()
        {
            lock (_stateLock)
            {
                _state = "Closed";
                _transactionDepth = 0;
                _statements.TryClear(TimeSpan.FromSeconds(1));
            }
        }
    }
}
