// cause: 1
// A logging framework's configuration hub. LogManager.Configuration is read from everywhere, target
// code included; the first read loads the configuration, and a thread that loses the race disposes
// the configuration it loaded, whose targets nobody else has seen. Reloading (the one real shutdown
// of a configuration) takes the manager's lock, then each target's. Also here: an event raised in
// the configuration's constructor, and a reload callback that is passed as null.
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Logging.Configuration
{
    public abstract class Target : IDisposable
    {
        protected readonly object SyncRoot = new object();
        private bool _closed;

        public void Write(string message)
        {
            lock (SyncRoot)
            {
                if (_closed) return;
                WriteCore(message);
            }
        }

        public void Dispose()
        {
            lock (SyncRoot)
            {
                _closed = true;
                CloseCore();
            }
        }

        protected abstract void WriteCore(string message);
        protected virtual void CloseCore() { }
    }

    /// <summary>Expands ${var:name} from the active configuration's variables while it writes.</summary>
    public sealed class LayoutTarget : Target
    {
        private readonly List<string> _lines = new List<string>();

        protected override void WriteCore(string message)
        {
            var prefix = LogManager.Configuration.Variable("prefix");
            _lines.Add(prefix + message);
        }
    }

    public sealed class LoggingConfiguration : IDisposable
    {
        private readonly object _configLock = new object();
        private readonly List<Target> _targets = new List<Target>();
        /// <summary>Copy-on-write, so that targets read variables while they write without taking the configuration lock.</summary>
        private volatile Dictionary<string, string> _variables = new Dictionary<string, string>();

        /// <summary>Raised when a target is added; the constructor's defaults are added before anyone can subscribe.</summary>
        public event Action<Target>? TargetAdded;

        public LoggingConfiguration(IEnumerable<Target> defaults)
        {
            foreach (var target in defaults)
            {
                lock (_configLock)
                {
                    _targets.Add(target);
                    TargetAdded?.Invoke(target);
                }
            }
        }

        public void AddTarget(Target target)
        {
            lock (_configLock) _targets.Add(target);
            TargetAdded?.Invoke(target);
        }

        public string Variable(string name) => _variables.TryGetValue(name, out var value) ? value : "";

        public void SetVariable(string name, string value)
        {
            lock (_configLock) _variables = new Dictionary<string, string>(_variables) { [name] = value };
        }

        /// <summary>Closes every target: configuration lock, then each target's.</summary>
        public void Dispose()
        {
            lock (_configLock)
            {
                foreach (var target in _targets) target.Dispose();
                _targets.Clear();
            }
        }
    }

    public static class LogManager
    {
        private static readonly object s_reloadLock = new object();
        private static LoggingConfiguration? s_configuration;

        /// <summary>Loaded on first read; the loser of a loading race disposes what it loaded.</summary>
        public static LoggingConfiguration Configuration
        {
            get
            {
                if (Volatile.Read(ref s_configuration) is { } current) return current;
                var loaded = new LoggingConfiguration(new Target[] { new LayoutTarget() });
                var winner = Interlocked.CompareExchange(ref s_configuration, loaded, null);
                if (winner is null) return loaded;
                loaded.Dispose();
                return winner;
            }
        }

        /// <summary>Replaces the configuration and closes the old one; the callback, when given, sees the new one.</summary>
        public static void Reload(LoggingConfiguration next, Action<LoggingConfiguration>? onReloaded)
        {
            lock (s_reloadLock)
            {
                var previous = Interlocked.Exchange(ref s_configuration, next);
                previous?.Dispose();
                if (onReloaded is null) return;
                onReloaded(next);
            }
        }

        public static void ReloadDefaults() => Reload(new LoggingConfiguration(Array.Empty<Target>()), null);
    }

    /// <summary>Watches targets as they are added and can write a marker line to all of them.</summary>
    public sealed class TargetWatcher
    {
        private readonly object _watchLock = new object();
        private readonly List<Target> _seen = new List<Target>();

        public TargetWatcher(LoggingConfiguration configuration) { configuration.TargetAdded += OnTargetAdded; }

        private void OnTargetAdded(Target target)
        {
            lock (_watchLock) _seen.Add(target);
        }

        /// <summary>Under the watch lock, so that a target added meanwhile is marked next time, not half-way.</summary>
        public void MarkAll(string marker)
        {
            lock (_watchLock)
            {
                foreach (var target in _seen) target.Write(marker);
            }
        }

        public int Count { get { lock (_watchLock) return _seen.Count; } }
    }
}
