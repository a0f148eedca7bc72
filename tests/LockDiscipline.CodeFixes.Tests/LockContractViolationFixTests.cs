using Verify = LockDiscipline.CodeFixes.Tests.Infrastructure.CodeFixTest<LockDiscipline.CodeFixes.Fixes.LockContractViolationFix>;

namespace LockDiscipline.CodeFixes.Tests;

/// <summary>LD0009's fix: the required lock, in the call's terms, taken around the call.</summary>
public sealed class LockContractViolationFixTests
{
    [Fact]
    public Task Own_member_lock_is_taken_around_the_call()
    {
        const string source = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                readonly KMutex _mutex = new();
                int _owners;

                [RequiresLock(nameof(_mutex))] void Claim() => _owners++;

                public void Probe()
                {
                    {|LD0009:Claim()|};
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                readonly KMutex _mutex = new();
                int _owners;

                [RequiresLock(nameof(_mutex))] void Claim() => _owners++;

                public void Probe()
                {
                    using (_mutex.Guard())
                    {
                        Claim();
                    }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Receiver_and_parameter_paths_are_translated_to_the_call()
    {
        const string source = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                public readonly object Mutex = new();
                int _owners;

                [RequiresLock(nameof(Mutex))] public void Claim() => _owners++;

                [RequiresLock("group.Mutex")] public static void Attach(IommuGroup group) => group.Claim();

                public static void Probe(IommuGroup child)
                {
                    {|LD0009:child.Claim()|};
                    {|LD0009:Attach(child)|};
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                public readonly object Mutex = new();
                int _owners;

                [RequiresLock(nameof(Mutex))] public void Claim() => _owners++;

                [RequiresLock("group.Mutex")] public static void Attach(IommuGroup group) => group.Claim();

                public static void Probe(IommuGroup child)
                {
                    lock (child.Mutex)
                    {
                        child.Claim();
                    }
                    lock (child.Mutex)
                    {
                        Attach(child);
                    }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Not_offered_for_a_computed_argument_an_expression_body_or_two_required_locks()
    {
        const string source = """
            using LockDiscipline;

            sealed class IommuGroup
            {
                public readonly object Mutex = new();
                readonly object _other = new();
                int _owners;

                [RequiresLock("group.Mutex")] static void Attach(IommuGroup group) => group._owners++;

                [RequiresLock(nameof(Mutex), nameof(_other))] void Both() => _owners++;

                static IommuGroup Make() => new IommuGroup();

                public void Probe()
                {
                    {|LD0009:Attach(Make())|};
                    {|LD0009:Both()|};
                }

                public void Quick() => {|LD0009:Attach(this)|};
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }
}
