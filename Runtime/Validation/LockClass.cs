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

        public LockClass(int index, string displayName, LockClassKind kind, LockClass? parent)
        {
            Index = index;
            DisplayName = displayName;
            Kind = kind;
            Registered = parent ?? this;
            Subclasses = parent is null ? new LockClass?[SubclassCount] : null;
            if (Subclasses is not null)
            {
                Subclasses[0] = this;
            }

            Spins = kind == LockClassKind.SpinLock || kind == LockClassKind.RwLock;
            Sleeps = !Spins && kind != LockClassKind.LockMap;
            Reentrant = kind == LockClassKind.Monitor || kind == LockClassKind.ThreadingLock;
            FollowsFlow = kind == LockClassKind.SemaphoreSlim;
            RegisteredThreadLock = parent is null && !FollowsFlow;
            RecursiveRead = kind == LockClassKind.LockMap || kind == LockClassKind.RwLock;
            WaitType = kind switch
            {
                LockClassKind.SpinLock or LockClassKind.RwLock => 2,
                LockClassKind.LockMap or LockClassKind.PerCpuRwSemaphore => 0,
                _ => 3,
            };
        }

        /// <summary>The dense index, which for a registered class is the id <see cref="LockdepHooks.RegisterClass"/> returned.</summary>
        public int Index { get; }

        public LockClassKind Kind { get; }

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

        /// <summary>A registered class (not a subclass) whose holds follow the thread: what an id the common acquisition path accepts names.</summary>
        public bool RegisteredThreadLock { get; }

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

        /// <summary>On a registered class, the key it was registered with (the lock model's class key); null on a subclass.</summary>
        public string? Key;

        /// <summary>On a registered class, the assemblies whose generated registry registered it, in order; null on a subclass.</summary>
        public List<System.Reflection.Assembly>? RegisteredBy;

        /// <summary>On a registered class, the declared orders that put it before another class; null when none.</summary>
        public List<DeclaredOrder>? DeclaredBefore;

        // Breadth-first search scratch, used only under the graph lock.
        public int VisitedGeneration;
        public Dependency? BfsParent;
        public bool BfsOnlyRecursiveRead;
        public DeclaredOrder? DeclaredParent;

        /// <summary>
        /// The name as reports print it (lockdep's <c>print_lock_name</c>): the name given at registration,
        /// then <c>#n</c> when it is the n-th class registered under that name (n &gt; 1, lockdep's
        /// <c>name_version</c>), then <c>/subclass</c> for a subclass. Unique among the classes.
        /// </summary>
        public string DisplayName { get; }
    }
}
