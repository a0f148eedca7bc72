// cause: 5
// A sorted linked list of expiry ticks with one lock per node, traversed hand over hand (lock coupling): a thread
// takes the next node's lock before it releases the one behind it, and always moves from the head
// towards the tail, so two threads never wait for each other in opposite orders. Used by a cache's
// expiry index and by a timer wheel's buckets.
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Collections
{
    public sealed class LockCouplingList
    {
        private sealed class Node
        {
            public Node(long value, Node? next) { Value = value; Next = next; }
            public readonly object Gate = new object();
            public long Value;
            public Node? Next;
        }

        /// <summary>A sentinel: every traversal starts by locking it.</summary>
        private readonly Node _head = new Node(long.MinValue, null);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool Add(long value)
        {
            // Allocated before any node is locked, so that nothing under the locks can throw.
            var inserted = new Node(value, null);
            var last = _head;
            Monitor.Enter(last.Gate);
            try
            {
                while (last.Next is { } next)
                {
                    Monitor.Enter(next.Gate);
                    if (next.Value >= value)
                    {
                        var equal = next.Value == value;
                        if (!equal) { inserted.Next = next; last.Next = inserted; }
                        Monitor.Exit(next.Gate);
                        if (!equal) Interlocked.Increment(ref _count);
                        return !equal;
                    }
                    Monitor.Exit(last.Gate);
                    last = next;
                }
                last.Next = inserted;
                Interlocked.Increment(ref _count);
                return true;
            }
            finally
            {
                Monitor.Exit(last.Gate);
            }
        }

        public bool Remove(long value)
        {
            var last = _head;
            Monitor.Enter(last.Gate);
            try
            {
                while (last.Next is { } next)
                {
                    Monitor.Enter(next.Gate);
                    var order = next.Value.CompareTo(value); // long.CompareTo: cannot throw
                    if (order == 0)
                    {
                        last.Next = next.Next;
                        Monitor.Exit(next.Gate);
                        Interlocked.Decrement(ref _count);
                        return true;
                    }
                    if (order > 0)
                    {
                        Monitor.Exit(next.Gate);
                        return false;
                    }
                    Monitor.Exit(last.Gate);
                    last = next;
                }
                return false;
            }
            finally
            {
                Monitor.Exit(last.Gate);
            }
        }

        public List<long> Snapshot()
        {
            var result = new List<long>();
            var last = _head;
            Monitor.Enter(last.Gate);
            try
            {
                while (last.Next is { } next)
                {
                    Monitor.Enter(next.Gate);
                    Monitor.Exit(last.Gate);
                    last = next;
                    result.Add(next.Value);
                }
            }
            finally
            {
                Monitor.Exit(last.Gate);
            }
            return result;
        }
    }

    /// <summary>Timer wheel buckets chained in one direction; advancing locks bucket after bucket.</summary>
    public sealed class TimerWheel
    {
        private sealed class Bucket
        {
            public readonly object Sync = new object();
            public readonly List<Action> Callbacks = new List<Action>();
            public Bucket? Following;
        }

        private readonly Bucket _first;

        public TimerWheel(int buckets)
        {
            _first = new Bucket();
            var current = _first;
            for (var i = 1; i < buckets; i++) { current.Following = new Bucket(); current = current.Following; }
        }

        public void Schedule(int ticksAhead, Action callback)
        {
            var bucket = _first;
            Monitor.Enter(bucket.Sync);
            try
            {
                for (var i = 0; i < ticksAhead && bucket.Following is { } following; i++)
                {
                    Monitor.Enter(following.Sync);
                    Monitor.Exit(bucket.Sync);
                    bucket = following;
                }
                bucket.Callbacks.Add(callback);
            }
            finally
            {
                Monitor.Exit(bucket.Sync);
            }
        }

        /// <summary>Moves every callback one bucket towards the front, holding each pair front to back.</summary>
        public List<Action> Advance()
        {
            List<Action> due;
            var bucket = _first;
            lock (bucket.Sync)
            {
                due = new List<Action>(bucket.Callbacks);
                bucket.Callbacks.Clear();
            }
            Monitor.Enter(bucket.Sync);
            try
            {
                while (bucket.Following is { } following)
                {
                    Monitor.Enter(following.Sync);
                    try
                    {
                        bucket.Callbacks.AddRange(following.Callbacks);
                        following.Callbacks.Clear();
                    }
                    finally
                    {
                        // Hand over even when the move throws, so that the outer finally releases the one still held.
                        Monitor.Exit(bucket.Sync);
                        bucket = following;
                    }
                }
            }
            finally
            {
                Monitor.Exit(bucket.Sync);
            }
            return due;
        }
    }
}
