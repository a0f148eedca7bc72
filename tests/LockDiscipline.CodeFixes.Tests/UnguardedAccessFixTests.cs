using LockDiscipline.CodeFixes.Fixes;
using Verify = LockDiscipline.CodeFixes.Tests.Infrastructure.CodeFixTest<LockDiscipline.CodeFixes.Fixes.UnguardedAccessFix>;

namespace LockDiscipline.CodeFixes.Tests;

/// <summary>LD0008's fixes: the guarding lock taken around the access, or [RequiresLock] added to the method.</summary>
public sealed class UnguardedAccessFixTests
{
    [Fact]
    public Task Write_of_an_object_guarded_member_is_wrapped_in_a_lock_statement()
    {
        const string source = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _gate = new();

                [GuardedBy(nameof(_gate))]
                int _count;

                public void Reset(int to)
                {
                    {|LD0008:_count|} = to;
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _gate = new();

                [GuardedBy(nameof(_gate))]
                int _count;

                public void Reset(int to)
                {
                    lock (_gate)
                    {
                        _count = to;
                    }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnguardedAccessFix.TakeLockKey);
    }

    [Fact]
    public Task Kernel_mutex_is_taken_with_its_guard_on_the_object_accessed()
    {
        const string source = """
            using LockDiscipline;

            sealed class Account
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                int _balance;

                public void TakeFrom(Account other)
                {
                    {|LD0008:other._balance|}--;
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Account
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                int _balance;

                public void TakeFrom(Account other)
                {
                    using (other._lock.Guard())
                    {
                        other._balance--;
                    }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnguardedAccessFix.TakeLockKey);
    }

    [Fact]
    public Task RequiresLock_is_added_with_the_guard_as_written()
    {
        const string source = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                object? _iommu;

                public object? GetIommu() => {|LD0008:_iommu|};
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                object? _iommu;

                [RequiresLock(nameof(_lock))]
                public object? GetIommu() => _iommu;
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnguardedAccessFix.RequiresLockKey);
    }

    [Fact]
    public Task Fix_all_adds_one_RequiresLock_to_a_method_with_two_accesses_and_keeps_its_layout()
    {
        const string source = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                int _reads, _writes;

                // Counts one access.
                public void Count() { {|LD0008:_reads|}++; {|LD0008:_writes|}++; }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                int _reads, _writes;

                // Counts one access.
                [RequiresLock(nameof(_lock))]
                public void Count() { _reads++; _writes++; }
            }
            """;
        return new Verify(source, fixedSource) { FixKey = UnguardedAccessFix.RequiresLockKey, NumberOfIncrementalIterations = 1 }.RunAsync();
    }

    [Fact]
    public Task Lock_is_not_wrapped_around_a_declaration_nor_an_expression_body()
    {
        const string source = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                int _state;

                public int Read()
                {
                    var state = {|LD0008:_state|};
                    return state;
                }

                public int Peek() => {|LD0008:_state|};
            }
            """;
        return new Verify(source, source) { FixKey = UnguardedAccessFix.TakeLockKey }.RunAsync();
    }

    [Fact]
    public Task RequiresLock_is_not_added_to_an_interface_implementation_nor_for_another_object()
    {
        const string source = """
            using LockDiscipline;

            interface IReader { int Read(); }

            sealed class Device : IReader
            {
                readonly KMutex _lock = new();

                [GuardedBy(nameof(_lock))]
                int _state;

                public int Read() => {|LD0008:_state|};

                public static int ReadOther(Device other) => {|LD0008:other._state|};
            }
            """;
        return new Verify(source, source) { FixKey = UnguardedAccessFix.RequiresLockKey }.RunAsync();
    }

    [Fact]
    public Task Semaphore_guard_has_no_scoped_form_to_take()
    {
        const string source = """
            using System.Threading;
            using LockDiscipline;

            sealed class Journal
            {
                readonly SemaphoreSlim _gate = new(1, 1);

                [GuardedBy(nameof(_gate))]
                int _entries;

                public void Add()
                {
                    {|LD0008:_entries|}++;
                }
            }
            """;
        return new Verify(source, source) { FixKey = UnguardedAccessFix.TakeLockKey }.RunAsync();
    }

    [Fact]
    public Task Fix_all_takes_the_lock_around_each_access()
    {
        const string source = """
            using System.Threading;
            using LockDiscipline;

            sealed class Settings
            {
                readonly Lock _lock = new();

                [GuardedBy(nameof(_lock))]
                int _version;

                public void Bump()
                {
                    {|LD0008:_version|}++;
                }

                public void Reset()
                {
                    {|LD0008:_version|} = 0;
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using LockDiscipline;

            sealed class Settings
            {
                readonly Lock _lock = new();

                [GuardedBy(nameof(_lock))]
                int _version;

                public void Bump()
                {
                    using (_lock.EnterScope())
                    {
                        _version++;
                    }
                }

                public void Reset()
                {
                    using (_lock.EnterScope())
                    {
                        _version = 0;
                    }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnguardedAccessFix.TakeLockKey);
    }
}
