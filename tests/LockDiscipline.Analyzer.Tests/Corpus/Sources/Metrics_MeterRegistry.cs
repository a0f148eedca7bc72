// cause: 3
// A metrics library's registries: a composite registry holds its lock while each child registry
// takes its own (composite -> child, the children never know their parent), and histograms hold
// their own lock while they record into the parent histogram's buckets (child -> parent, never down).
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Metrics
{
    public abstract class MeterRegistry : IDisposable
    {
        protected readonly object RegistryLock = new object();
        private readonly Dictionary<string, Counter> _counters = new Dictionary<string, Counter>();
        private bool _closed;

        public virtual Counter Counter(string name)
        {
            lock (RegistryLock)
            {
                if (_closed) throw new ObjectDisposedException(GetType().Name);
                if (!_counters.TryGetValue(name, out var counter)) _counters[name] = counter = new Counter(name);
                return counter;
            }
        }

        public virtual void Close()
        {
            lock (RegistryLock)
            {
                _closed = true;
                _counters.Clear();
            }
        }

        public void Dispose() => Close();
    }

    public sealed class SimpleMeterRegistry : MeterRegistry { }

    public sealed class CompositeMeterRegistry : MeterRegistry
    {
        private readonly List<MeterRegistry> _registries = new List<MeterRegistry>();

        public void Add(MeterRegistry registry)
        {
            lock (RegistryLock) _registries.Add(registry);
        }

        /// <summary>Registers the meter in every child, under our lock so that a child added meanwhile gets it too.</summary>
        public override Counter Counter(string name)
        {
            lock (RegistryLock)
            {
                foreach (var registry in _registries) registry.Counter(name);
                return base.Counter(name);
            }
        }

        public override void Close()
        {
            lock (RegistryLock)
            {
                foreach (var registry in _registries) registry.Close();
                base.Close();
            }
        }
    }

    public sealed class Counter
    {
        private long _count;
        public Counter(string name) { Name = name; }
        public string Name { get; }
        public void Increment() => Interlocked.Increment(ref _count);
        public long Count => Interlocked.Read(ref _count);
    }

    /// <summary>A histogram per tag set rolls up into its parent (the untagged histogram): child -> parent only.</summary>
    public sealed class Histogram
    {
        private readonly object _bucketsLock = new object();
        private readonly long[] _buckets;
        private readonly Histogram? _parent;

        public Histogram(int buckets, Histogram? parent) { _buckets = new long[buckets]; _parent = parent; }

        public void Record(int bucket)
        {
            lock (_bucketsLock)
            {
                _buckets[Math.Clamp(bucket, 0, _buckets.Length - 1)]++;
                _parent?.Record(bucket);
            }
        }

        public long[] Snapshot()
        {
            lock (_bucketsLock) return (long[])_buckets.Clone();
        }

        public void Reset()
        {
            lock (_bucketsLock) Array.Clear(_buckets);
        }
    }
}
