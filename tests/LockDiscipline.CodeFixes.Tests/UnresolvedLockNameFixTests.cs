using LockDiscipline.CodeFixes.Fixes;
using Verify = LockDiscipline.CodeFixes.Tests.Infrastructure.CodeFixTest<LockDiscipline.CodeFixes.Fixes.UnresolvedLockNameFix>;

namespace LockDiscipline.CodeFixes.Tests;

/// <summary>LD0012's fix: an unknown lock name replaced by the one nearest name that resolves.</summary>
public sealed class UnresolvedLockNameFixTests
{
    [Fact]
    public Task Typo_of_a_member_is_replaced_by_the_member()
    {
        const string source = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _lock = new();

                [GuardedBy({|LD0012:"_lokc"|})]
                int _count;

                public void Increment() { lock (_lock) { _count++; } }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _lock = new();

                [GuardedBy("_lock")]
                int _count;

                public void Increment() { lock (_lock) { _count++; } }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Misspelt_parameter_of_a_path_is_replaced_through_the_parameter()
    {
        const string source = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                public readonly KMutex Mutex = new();
            }

            static class Groups
            {
                [RequiresLock({|LD0012:"grp.Mutex"|})]
                public static void Attach(IommuGroup group) { }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                public readonly KMutex Mutex = new();
            }

            static class Groups
            {
                [RequiresLock("group.Mutex")]
                public static void Attach(IommuGroup group) { }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Lock_class_name_is_a_candidate()
    {
        const string source = """
            using LockDiscipline;

            sealed class Device
            {
                [LockClass("dev_config_mutex")] readonly KMutex _config = new();

                [RequiresLock({|LD0012:"dev_confg_mutex"|})]
                void Apply() { }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Device
            {
                [LockClass("dev_config_mutex")] readonly KMutex _config = new();

                [RequiresLock("dev_config_mutex")]
                void Apply() { }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_all_replaces_every_typo_in_the_document()
    {
        const string source = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _lock = new();

                [GuardedBy({|LD0012:"_lokc"|})]
                int _count;

                [GuardedBy({|LD0012:"lock"|})]
                int _total;

                public void Increment() { lock (_lock) { _count++; _total++; } }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _lock = new();

                [GuardedBy("_lock")]
                int _count;

                [GuardedBy("_lock")]
                int _total;

                public void Increment() { lock (_lock) { _count++; _total++; } }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Not_offered_when_no_name_is_close()
    {
        const string source = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _lock = new();

                [GuardedBy({|LD0012:"_statistics"|})]
                int _count;

                public void Increment() { lock (_lock) { _count++; } }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Fact]
    public Task Not_offered_when_two_names_are_as_close()
    {
        const string source = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _lockA = new(), _lockB = new();

                [GuardedBy({|LD0012:"_lockC"|})]
                int _count;

                public void Increment() { lock (_lockA) { _count++; } }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Fact]
    public Task Not_offered_for_a_close_member_that_cannot_be_locked()
    {
        // _count is one edit away from "_counr", but an int is no lock: the resolver refuses it.
        const string source = """
            using LockDiscipline;

            sealed class Counter
            {
                readonly object _gate = new();

                [GuardedBy({|LD0012:"_counr"|})]
                int _count;

                public void Increment() { lock (_gate) { _count++; } }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Theory]
    [InlineData("_lokc", "_lock", 1)]
    [InlineData("_lcok", "_lock", 1)]
    [InlineData("_lokc", "_lack", 2)]
    [InlineData("grp.Mutex", "group.Mutex", 2)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void Edit_distance_counts_insertions_deletions_substitutions_and_swaps(string from, string to, int expected)
    {
        Assert.Equal(expected, UnresolvedLockNameFix.EditDistance(from, to));
        Assert.Equal(expected, UnresolvedLockNameFix.EditDistance(to, from));
    }
}
