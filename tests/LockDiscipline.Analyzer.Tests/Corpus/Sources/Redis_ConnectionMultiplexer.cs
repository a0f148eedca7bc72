// cause: 7
// A Redis client's multiplexer: a write path that tries the endpoint's lock with a timeout and
// reports a timeout instead of blocking (the result through a local and a ternary), server
// endpoints that forward to their replica through an interface, and a shared lazily created
// multiplexer whose losing creator closes the connection it just opened.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Redis.Multiplexing
{
    public interface IServer
    {
        string EndPoint { get; }
        bool TryWrite(string command, TimeSpan timeout);
    }

    public sealed class ServerEndPoint : IServer
    {
        private readonly object _writeLock = new object();
        private readonly SemaphoreSlim _connectGate = new SemaphoreSlim(1, 1);
        private readonly List<string> _written = new List<string>();
        private bool _connected;

        public ServerEndPoint(string endPoint) { EndPoint = endPoint; }

        public string EndPoint { get; }

        /// <summary>The replica this primary forwards writes to when it is read-only; never the endpoint itself.</summary>
        public IServer? Replica { get; set; }

        public bool TryWrite(string command, TimeSpan timeout)
        {
            var lockTaken = false;
            try
            {
                Monitor.TryEnter(_writeLock, timeout, ref lockTaken);
                if (!lockTaken) return false;
                _written.Add(command);
                return true;
            }
            finally
            {
                if (lockTaken) Monitor.Exit(_writeLock);
            }
        }

// cause: 6
        /// <summary>Under the write lock, so that ordering is kept across the hand-over to the replica.</summary>
        public bool WriteOrForward(string command, bool readOnly, TimeSpan timeout)
        {
            lock (_writeLock)
            {
                if (readOnly && Replica is { } replica && !ReferenceEquals(replica, this))
                {
                    return replica.TryWrite(command, timeout);
                }
                _written.Add(command);
                return true;
            }
        }

// cause: 7
        public async Task<bool> EnsureConnectedAsync(bool synchronous, TimeSpan timeout)
        {
            var entered = synchronous ? _connectGate.Wait(timeout) : await _connectGate.WaitAsync(timeout).ConfigureAwait(false);
            if (!entered) return false;
            try
            {
                if (!_connected) await Task.Delay(1).ConfigureAwait(false);
                _connected = true;
                return true;
            }
            finally
            {
                _connectGate.Release();
            }
        }

        public void Close()
        {
            lock (_writeLock)
            {
                _connected = false;
                _written.Clear();
            }
        }
    }

// cause: 1
    public sealed class ConnectionMultiplexer : IDisposable
    {
        private static ConnectionMultiplexer? s_shared;
        private readonly object _serversLock = new object();
        private readonly Dictionary<string, ServerEndPoint> _servers = new Dictionary<string, ServerEndPoint>();

        /// <summary>Created on first use; a creator that loses the race closes what it opened, which nobody else has seen.</summary>
        public static ConnectionMultiplexer Shared
        {
            get
            {
                if (Volatile.Read(ref s_shared) is { } existing) return existing;
                var created = new ConnectionMultiplexer();
                if (Interlocked.CompareExchange(ref s_shared, created, null) is { } winner)
                {
                    created.Dispose();
                    return winner;
                }
                return created;
            }
        }

        public ServerEndPoint GetServer(string endPoint)
        {
            lock (_serversLock)
            {
                if (!_servers.TryGetValue(endPoint, out var server)) _servers[endPoint] = server = new ServerEndPoint(endPoint);
                return server;
            }
        }

        public void Dispose()
        {
            lock (_serversLock)
            {
                foreach (var server in _servers.Values) server.Close();
                _servers.Clear();
            }
        }
    }

    /// <summary>Per-endpoint command statistics; the statistics lock is held while the shared multiplexer is resolved.</summary>
    public sealed class CommandStatistics
    {
        private readonly object _statsLock = new object();
        private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
        private ServerEndPoint? _primary;

        public void Record(string command)
        {
            lock (_statsLock)
            {
                _counts[command] = _counts.TryGetValue(command, out var count) ? count + 1 : 1;
                _primary ??= ConnectionMultiplexer.Shared.GetServer("primary:6379");
            }
        }

        public int this[string command] { get { lock (_statsLock) return _counts.TryGetValue(command, out var c) ? c : 0; } }
    }
}
