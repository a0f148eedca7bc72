using System.Collections.Generic;

namespace LockDiscipline.Validation
{
    /// <summary>
    /// A lock class as the validator tracks it (lockdep's <c>struct lock_class</c>): a registered class,
    /// or one of its nesting subclasses, which lockdep keeps as separate classes.
    /// </summary>
    internal sealed class LockClass
    {
        // lockdep's MAX_LOCKDEP_SUBCLASSES.
        public const int SubclassCount = 8;

        public LockClass(int index, string key, string name, int nameVersion, LockClassKind kind, LockClass? parent, int subclass)
        {
            Index = index;
            Key = key;
            Name = name;
            NameVersion = nameVersion;
            Kind = kind;
            Subclass = subclass;
            Registered = parent ?? this;
            Subclasses = parent is null ? new LockClass?[SubclassCount] : null;
            if (Subclasses is not null)
            {
                Subclasses[0] = this;
            }

            Sleeps = kind != LockClassKind.SpinLock && kind != LockClassKind.LockMap;
            Spins = kind == LockClassKind.SpinLock;
            Reentrant = kind == LockClassKind.Monitor || kind == LockClassKind.ThreadingLock;
            FollowsFlow = kind == LockClassKind.SemaphoreSlim;
            RecursiveRead = kind == LockClassKind.LockMap;
            WaitType = kind switch
            {
                LockClassKind.SpinLock => 2,
                LockClassKind.LockMap or LockClassKind.PerCpuRwSemaphore => 0,
                _ => 3,
            };
        }

        /// <summary>The dense index, which for a registered class is the id <see cref="LockdepHooks.RegisterClass"/> returned.</summary>
        public int Index { get; }

        /// <summary>The identity given at registration: two classes are one exactly when their keys are equal.</summary>
        public string Key { get; }

        /// <summary>The name given at registration; reports add <c>#version</c> and <c>/subclass</c>.</summary>
        public string Name { get; }

        /// <summary>
        /// lockdep's <c>name_version</c>: 1 for the first class registered under <see cref="Name"/>, 2 for the
        /// second key with the same name, and so on, so that reports tell same-named classes apart.
        /// </summary>
        public int NameVersion { get; }

        public LockClassKind Kind { get; }

        /// <summary>Declared orders: classes this one must be acquired before, with where each was declared. Written under the graph lock.</summary>
        public List<(LockClass Second, string DeclaredAt)>? DeclaredBefore;

        /// <summary>The nesting subclass, 0 for the registered class itself.</summary>
        public int Subclass { get; }

        /// <summary>The registered class this is a subclass of, or this class.</summary>
        public LockClass Registered { get; }

        /// <summary>On a registered class, its subclasses by number, created on first use (index 0 is the class itself).</summary>
        public LockClass?[]? Subclasses { get; }

        /// <summary>Acquiring it may sleep, so it is invalid in atomic context.</summary>
        public bool Sleeps { get; }

        /// <summary>Holding it is atomic context (it counts in the preempt count).</summary>
        public bool Spins { get; }

        /// <summary>The owner may acquire the same instance again without blocking.</summary>
        public bool Reentrant { get; }

        /// <summary>Holds follow the logical flow (<see cref="System.Threading.AsyncLocal{T}"/>) rather than the thread.</summary>
        public bool FollowsFlow { get; }

        /// <summary>Read acquisitions are recursive (lockdep's <c>read == 2</c>), as a lock map's are.</summary>
        public bool RecursiveRead { get; }

        /// <summary>lockdep's wait type, printed as <c>-{n:n}</c>: 3 sleeps, 2 spins, 0 never waits.</summary>
        public int WaitType { get; }

        /// <summary>The usage bits; read on every acquisition, set only under the graph lock.</summary>
        public volatile int UsageMask;

        /// <summary>Where each IRQ usage bit was first set, and the stack then.</summary>
        public readonly LockSite[] UsageSites = new LockSite[Usage.TraceStates];

        public readonly Trace?[] UsageTraces = new Trace?[Usage.TraceStates];

        /// <summary>Dependencies on classes acquired while this one is held (<c>locks_after</c>).</summary>
        public readonly List<Dependency> After = new List<Dependency>();

        /// <summary>Dependencies of this class on classes held when it was acquired (<c>locks_before</c>).</summary>
        public readonly List<Dependency> Before = new List<Dependency>();

        // Breadth-first search scratch, used only under the graph lock.
        public int VisitedGeneration;
        public Dependency? BfsParent;
        public bool BfsOnlyRecursiveRead;

        /// <summary>The name as reports print it: <c>name</c>, <c>name#2</c> for a second class of that name, then <c>/subclass</c> (lockdep's <c>print_lock_name</c>).</summary>
        public string DisplayName => (NameVersion > 1 ? Name + "#" + NameVersion : Name) + (Subclass == 0 ? string.Empty : "/" + Subclass);
    }
}
