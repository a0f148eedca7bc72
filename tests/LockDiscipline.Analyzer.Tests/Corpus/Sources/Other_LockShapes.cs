// cause: other
// Shapes other static lock checkers test, from a general-purpose utility library: locks reached
// through a getter or a SyncRoot property, type-object locks of different types, a lock passed to a
// helper, two opposite orders each taken under one common gate, and private helpers nobody calls.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Utilities
{
    public sealed class SynchronizedList<T> : ICollection
    {
        private readonly List<T> _items = new List<T>();
        private readonly object _syncRoot = new object();
        private readonly object _versionLock = new object();
        private int _version;

        public object SyncRoot => _syncRoot;
        public bool IsSynchronized => true;
        public int Count { get { lock (SyncRoot) return _items.Count; } }

        private object GetVersionLock() => _versionLock;

        public void Add(T item)
        {
            lock (SyncRoot)
            {
                _items.Add(item);
                lock (GetVersionLock()) _version++;
            }
        }

        public int Version
        {
            get { lock (GetVersionLock()) return _version; }
        }

        public void CopyTo(Array array, int index)
        {
            lock (SyncRoot) ((ICollection)_items).CopyTo(array, index);
        }

        public IEnumerator GetEnumerator()
        {
            lock (SyncRoot) return _items.ToArray().GetEnumerator();
        }
    }

    /// <summary>Per-type registries that lock their own type object; two different types, two different locks.</summary>
    public static class TypeRegistry<TService>
    {
        private static readonly List<Func<TService>> s_factories = new List<Func<TService>>();

        public static void Register(Func<TService> factory)
        {
            lock (typeof(TypeRegistry<TService>)) s_factories.Add(factory);
        }

        public static int Count { get { lock (typeof(TypeRegistry<TService>)) return s_factories.Count; } }
    }

    public static class ConverterCache
    {
        private static readonly Dictionary<Type, Func<object, string>> s_converters = new Dictionary<Type, Func<object, string>>();

        public static void Register(Type type, Func<object, string> converter)
        {
            lock (typeof(ConverterCache))
            {
                s_converters[type] = converter;
                lock (typeof(FormatterCache)) FormatterCache.Invalidate();
            }
        }
    }

    public static class FormatterCache
    {
        private static int s_generation;
        internal static void Invalidate() => s_generation++;
        public static int Generation { get { lock (typeof(FormatterCache)) return s_generation; } }
    }

    /// <summary>Counters each guarded by the lock object handed to the helper.</summary>
    public sealed class Counters
    {
        private readonly object _requestsLock = new object();
        private readonly object _errorsLock = new object();
        private long _requests, _errors;

        private static void Increment(object gate, ref long counter)
        {
            lock (gate) counter++;
        }

        public void Request()
        {
            lock (_requestsLock)
            {
                Increment(_errorsLock, ref _errors);
                _requests++;
            }
        }

        public void Error() => Increment(_errorsLock, ref _errors);

        public (long Requests, long Errors) Read()
        {
            lock (_requestsLock) lock (_errorsLock) return (_requests, _errors);
        }

        /// <summary>Left over from an older reset path, in the other order; nothing calls it any more.</summary>
        private void ResetErrorsFirst()
        {
            lock (_errorsLock)
            {
                lock (_requestsLock) { _errors = 0; _requests = 0; }
            }
        }
    }

    /// <summary>Account transfers: both orders occur, but every one runs under the ledger's gate, so two never interleave.</summary>
    public sealed class Ledger
    {
        private readonly object _ledgerGate = new object();
        private readonly object _savingsLock = new object();
        private readonly object _checkingLock = new object();
        private decimal _savings, _checking;

        public void ToChecking(decimal amount)
        {
            lock (_ledgerGate)
            {
                lock (_savingsLock)
                {
                    lock (_checkingLock) { _savings -= amount; _checking += amount; }
                }
            }
        }

        public void ToSavings(decimal amount)
        {
            lock (_ledgerGate)
            {
                lock (_checkingLock)
                {
                    lock (_savingsLock) { _checking -= amount; _savings += amount; }
                }
            }
        }

        public decimal Total { get { lock (_ledgerGate) return _savings + _checking; } }
    }
}
