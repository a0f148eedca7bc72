// cause: 1
// A job scheduler's lazy singletons. SchedulerRepository.Instance is reached from everywhere; when
// two threads race to create it, the loser disposes the instance it just created. That instance is
// a fresh local nobody else has seen, yet its Dispose reaches the whole shutdown graph, so every
// lock appears to reach every other through the getter.
using System;
using System.Collections.Generic;
using System.Threading;

namespace Corpus.Scheduling
{
    public sealed class JobStore : IDisposable
    {
        private readonly object _jobsLock = new object();
        private readonly Dictionary<string, string> _jobs = new Dictionary<string, string>();
        private readonly string _schedulerName;

        public JobStore(string schedulerName) { _schedulerName = schedulerName; }

        private SchedulerRepository? _repository;

        public void StoreJob(string key, string definition)
        {
            SchedulerRepository repository;
            lock (_jobsLock)
            {
                _jobs[key] = definition;
                // Resolved once, under the lock that guards the field. Only the getter runs here: the
                // announcement itself is made after the store lock is released.
                repository = _repository ??= SchedulerRepository.Instance;
            }
            repository.NotifyJobStored(_schedulerName, key);
        }

        public string? Retrieve(string key)
        {
            lock (_jobsLock) return _jobs.TryGetValue(key, out var job) ? job : null;
        }

        public void Dispose()
        {
            lock (_jobsLock) _jobs.Clear();
        }
    }

    public sealed class Scheduler : IDisposable
    {
        private readonly object _stateLock = new object();
        private bool _shutdown;

        public Scheduler(string name) { Name = name; Store = new JobStore(name); }

        public string Name { get; }
        public JobStore Store { get; }

        public void Schedule(string key, string definition)
        {
            lock (_stateLock)
            {
                if (_shutdown) throw new InvalidOperationException("The scheduler is shut down.");
            }
            Store.StoreJob(key, definition);
        }

        public void Shutdown()
        {
            lock (_stateLock)
            {
                if (_shutdown) return;
                _shutdown = true;
                Store.Dispose();
            }
        }

        public void Dispose() => Shutdown();
    }

    public sealed class SchedulerRepository : IDisposable
    {
        private static SchedulerRepository? s_instance;
        private readonly object _repositoryLock = new object();
        private readonly Dictionary<string, Scheduler> _schedulers = new Dictionary<string, Scheduler>();
        private readonly List<string> _announcements = new List<string>();

        /// <summary>The hub: created on first use; the thread that loses the race disposes its fresh instance.</summary>
        public static SchedulerRepository Instance
        {
            get
            {
                var existing = Volatile.Read(ref s_instance);
                if (existing is not null) return existing;
                var created = new SchedulerRepository();
                var winner = Interlocked.CompareExchange(ref s_instance, created, null);
                if (winner is null) return created;
                created.Dispose();
                return winner;
            }
        }

        public void Bind(Scheduler scheduler)
        {
            lock (_repositoryLock) _schedulers[scheduler.Name] = scheduler;
        }

        public Scheduler? Lookup(string name)
        {
            lock (_repositoryLock) return _schedulers.TryGetValue(name, out var scheduler) ? scheduler : null;
        }

        public void NotifyJobStored(string schedulerName, string key)
        {
            lock (_repositoryLock) _announcements.Add(schedulerName + "/" + key);
        }

        /// <summary>Shuts down every bound scheduler: repository lock, then each scheduler's and its store's.</summary>
        public void Dispose()
        {
            lock (_repositoryLock)
            {
                foreach (var scheduler in _schedulers.Values) scheduler.Shutdown();
                _schedulers.Clear();
            }
        }
    }

    public static class SchedulerFactory
    {
        private static readonly object s_factoryLock = new object();

        public static Scheduler GetScheduler(string name)
        {
            lock (s_factoryLock)
            {
                var repository = SchedulerRepository.Instance;
                var scheduler = repository.Lookup(name);
                if (scheduler is not null) return scheduler;
                scheduler = new Scheduler(name);
                repository.Bind(scheduler);
                return scheduler;
            }
        }
    }
}
