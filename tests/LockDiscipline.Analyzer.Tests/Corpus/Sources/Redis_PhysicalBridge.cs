// cause: 4
// A Redis client's connection plumbing. The bridge holds its own lock while the write buffer it
// owns calls back into it (_buffer._owner.Break()); the connection locks itself and calls helpers
// that lock itself again; a completed write runs the bridge's stored continuation. Monitor is
// reentrant and each of these re-takes the lock of the very instance already held.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Redis.Bridge
{
    public sealed class WriteBuffer
    {
        internal readonly PhysicalBridge _owner;
        private readonly MemoryStream _pending = new MemoryStream();

        public WriteBuffer(PhysicalBridge owner) { _owner = owner; }

        public void Append(byte[] payload)
        {
            if (_pending.Length + payload.Length > 1 << 20)
            {
                // Too much unflushed data: the connection is considered dead.
                _owner.Break("write buffer overflow");
                return;
            }
            _pending.Write(payload, 0, payload.Length);
        }

        public byte[] Drain()
        {
            var bytes = _pending.ToArray();
            _pending.SetLength(0);
            return bytes;
        }
    }

    public sealed class PhysicalBridge : IDisposable
    {
        private readonly object _writeLock = new object();
        private readonly WriteBuffer _buffer;
        private readonly Queue<string> _backlog = new Queue<string>();
        private Action? _onWriteCompleted;
        private bool _broken;

        public PhysicalBridge(string endpoint)
        {
            Endpoint = endpoint;
            _buffer = new WriteBuffer(this);
            _onWriteCompleted = ProcessBacklog;
        }

        public string Endpoint { get; }

        public bool TryWrite(string command)
        {
            lock (_writeLock)
            {
                if (_broken) { _backlog.Enqueue(command); return false; }
                _buffer.Append(System.Text.Encoding.UTF8.GetBytes(command + "\r\n"));
                if (_broken) return false;
                _onWriteCompleted?.Invoke();
                return true;
            }
        }

        /// <summary>Marks the bridge broken; called from outside and, under the write lock, by the buffer it owns.</summary>
        public void Break(string reason)
        {
            lock (_writeLock)
            {
                if (_broken) return;
                _broken = true;
                Console.Error.WriteLine($"{Endpoint}: connection broken: {reason}");
            }
        }

        private void ProcessBacklog()
        {
            lock (_writeLock)
            {
                while (!_broken && _backlog.Count > 0)
                {
                    _buffer.Append(System.Text.Encoding.UTF8.GetBytes(_backlog.Dequeue() + "\r\n"));
                }
            }
        }

        public void Reconnect()
        {
            lock (_writeLock)
            {
                _broken = false;
                ProcessBacklog();
            }
        }

        public void Dispose()
        {
            lock (_writeLock)
            {
                _onWriteCompleted = null;
                _backlog.Clear();
            }
        }
    }

    /// <summary>An older connection type that locks itself, as many libraries did before private gates.</summary>
    public sealed class PhysicalConnection : IDisposable
    {
        private Stream? _stream;
        private long _bytesSent;
        private int _commandsInFlight;

        public PhysicalConnection(Stream stream) { _stream = stream; }

        public void WriteCommand(byte[] command)
        {
            lock (this)
            {
                _stream?.Write(command, 0, command.Length);
                _commandsInFlight++;
                RecordSent(command.Length);
                if (_commandsInFlight > 1000) Flush();
            }
        }

        private void RecordSent(int bytes)
        {
            lock (this) { _bytesSent += bytes; }
        }

        public void Flush()
        {
            lock (this)
            {
                _stream?.Flush();
                _commandsInFlight = 0;
            }
        }

        public long BytesSent { get { lock (this) return _bytesSent; } }

        public void Dispose()
        {
            lock (this)
            {
                Flush();
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    public sealed class ConnectionMultiplexer : IDisposable
    {
        private readonly object _bridgesLock = new object();
        private readonly Dictionary<string, PhysicalBridge> _bridges = new Dictionary<string, PhysicalBridge>();

        public PhysicalBridge GetBridge(string endpoint)
        {
            lock (_bridgesLock)
            {
                if (!_bridges.TryGetValue(endpoint, out var bridge))
                {
                    bridge = new PhysicalBridge(endpoint);
                    _bridges.Add(endpoint, bridge);
                }
                return bridge;
            }
        }

        public Task<bool> WriteAsync(string endpoint, string command)
            => Task.FromResult(GetBridge(endpoint).TryWrite(command));

        public void Dispose()
        {
            lock (_bridgesLock)
            {
                foreach (var bridge in _bridges.Values) bridge.Dispose();
                _bridges.Clear();
            }
        }
    }
}
