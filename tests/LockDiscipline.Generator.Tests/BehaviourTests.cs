using System.Reflection;
using LockDiscipline.Generator.Tests.Harness;

namespace LockDiscipline.Generator.Tests;

/// <summary>
/// Runs intercepted code against the recording hooks and checks which hooks the interceptors call, in
/// which order relative to the real operation, and what they do when the real operation throws or the
/// engine reports a release of a lock this thread does not hold.
/// </summary>
public sealed class BehaviourTests
{
    [Fact]
    public void Acquire_is_reported_before_the_lock_is_taken_and_release_before_it_is_dropped()
    {
        var program = Build("""
            public static void Run()
            {
                s_mutex.Lock();
                s_mutex.Unlock();
            }
            """);

        program.Invoke("Run");

        Assert.Equal(
            new[]
            {
                "RegisterClass member:F:Program.s_mutex Program.s_mutex Mutex",
                "Acquire Program.s_mutex None 0 held=False @ Program.cs:13 Program.Run",
                "Release Program.s_mutex held=True @ Program.cs:14 Program.Run",
            },
            program.Log);
        Assert.False(program.Mutex.IsLocked);
    }

    [Fact]
    public void An_acquisition_that_throws_is_undone_with_AcquireFailed()
    {
        var program = Build("""
            public static void Run()
            {
                s_mutex.Lock();
                try { s_mutex.Lock(); } catch (System.Threading.LockRecursionException) { }
                s_mutex.Unlock();
            }
            """);

        program.Invoke("Run");

        Assert.Equal(new[] { "Acquire", "Acquire", "AcquireFailed", "Release" }, program.Log.Skip(1).Select(FirstWord));
    }

    [Fact]
    public void A_release_the_engine_rejects_is_skipped_when_the_lock_is_not_held()
    {
        var program = Build("""
            public static void Run() => s_mutex.Unlock();
            """);
        program.SetReleaseAnswer(false);

        program.Invoke("Run");

        Assert.Equal("Release Program.s_mutex held=False @ Program.cs:11 Program.Run", program.Log[^1]);
    }

    [Fact]
    public void A_release_the_engine_rejects_still_runs_when_the_lock_is_held_through_a_path_it_did_not_see()
    {
        var program = Build("""
            public static void Run(LockDiscipline.KMutex sameMutex)
            {
                // Through a delegate: a call of Lock no site table lists.
                System.Action take = sameMutex.Lock;
                take();
                s_mutex.Unlock();
            }
            """);
        program.SetReleaseAnswer(false);

        program.Invoke("Run", program.Mutex);

        Assert.False(program.Mutex.IsLocked);
        Assert.Equal(new[] { "Release" }, program.Log.Skip(1).Select(FirstWord));
    }

    [Fact]
    public void Try_acquisitions_report_their_outcome_after_the_real_call()
    {
        var program = Build("""
            public static void Run()
            {
                bool first = s_mutex.TryLock();
                bool second = s_mutex.TryLock();
                s_mutex.Unlock();
                bool taken = false;
                System.Threading.Monitor.TryEnter(s_gate, ref taken);
                System.Threading.Monitor.Exit(s_gate);
            }
            """);

        program.Invoke("Run");

        Assert.Equal(
            new[]
            {
                "TryAcquired Program.s_mutex None 0 True @ Program.cs:13 Program.Run",
                "TryAcquired Program.s_mutex None 0 False @ Program.cs:14 Program.Run",
                "Release Program.s_mutex held=True @ Program.cs:15 Program.Run",
                "TryAcquired Program.s_gate None 0 True @ Program.cs:17 Program.Run",
                "Release Program.s_gate @ Program.cs:18 Program.Run",
            },
            program.Log.Where(line => !line.StartsWith("RegisterClass", StringComparison.Ordinal)));
    }

    [Fact]
    public void Kernel_variants_pass_subclass_irq_flags_read_mode_and_downgrade()
    {
        var program = Build("""
            public static void Run()
            {
                s_mutex.LockNested(3);
                s_mutex.Unlock();
                var flags = s_spin.LockIrqSave();
                s_spin.UnlockIrqRestore(flags);
                s_spin.LockBh();
                s_spin.UnlockBh();
                using (s_spin.GuardIrqSave()) { }
                s_sem.DownWrite();
                s_sem.DowngradeWrite();
                s_sem.UpRead();
                using (s_sem.ReadGuard()) { }
            }
            """);

        program.Invoke("Run");

        Assert.Equal(
            new[]
            {
                "Acquire Program.s_mutex None 3",
                "Release Program.s_mutex",
                "Acquire Program.s_spin DisablesHardIrqs 0",
                "Release Program.s_spin",
                "Acquire Program.s_spin DisablesSoftIrqs 0",
                "Release Program.s_spin",
                "Acquire Program.s_spin DisablesHardIrqs 0",
                "Acquire Program.s_sem None 0",
                "Downgrade Program.s_sem",
                "Release Program.s_sem",
                "Acquire Program.s_sem Read 0",
            },
            program.Log.Where(line => !line.StartsWith("RegisterClass", StringComparison.Ordinal)).Select(line => string.Join(' ', line.Split(' ').TakeWhile(w => !w.StartsWith("held=", StringComparison.Ordinal) && w != "@"))));
        Assert.False(LockDiscipline.Irq.HardIrqsDisabled);
    }

    [Fact]
    public void Irq_context_is_left_even_when_the_handler_throws()
    {
        var program = Build("""
            [LockDiscipline.HardIrqContext]
            private static void Handler() => throw new System.InvalidOperationException();

            public static void Run()
            {
                try { Handler(); } catch (System.InvalidOperationException) { }
            }
            """);

        program.Invoke("Run");

        Assert.Equal(new[] { "EnterIrq HardIrq @ Program.cs:16 Program.Run", "ExitIrq HardIrq" }, program.Log);
    }

    [Fact]
    public void A_private_method_with_a_contract_is_checked_and_still_called()
    {
        var program = Build("""
            public static int Calls;

            [LockDiscipline.RequiresLock(nameof(s_mutex))]
            [LockDiscipline.MightSleep]
            private static void Locked() => Calls++;

            public static void Run()
            {
                s_mutex.Lock();
                Locked();
                s_mutex.Unlock();
            }
            """);

        program.Invoke("Run");

        Assert.Equal(1, program.Get<int>("Calls"));
        Assert.Equal(
            new[]
            {
                "Acquire Program.s_mutex None 0 held=False @ Program.cs:19 Program.Run",
                "AssertHeld Program.s_mutex exclusive @ Program.cs:20 Program.Run",
                "MightSleep @ Program.cs:20 Program.Run",
                "Release Program.s_mutex held=True @ Program.cs:21 Program.Run",
            },
            program.Log.Skip(1));
    }

    [Fact]
    public async Task WaitAsync_reports_cancellation_and_timed_outcomes_when_the_wait_ends()
    {
        var program = Build("""
            public static async System.Threading.Tasks.Task<bool> Run(System.Threading.CancellationToken cancelled)
            {
                await s_semaphore.WaitAsync();
                try { await s_semaphore.WaitAsync(cancelled); } catch (System.OperationCanceledException) { }
                bool immediate = await s_semaphore.WaitAsync(0);
                var later = s_semaphore.WaitAsync(10_000);
                s_semaphore.Release();
                return immediate || !await later;
            }
            """);

        var result = await (Task<bool>)program.Invoke("Run", new CancellationToken(canceled: true))!;

        Assert.False(result);
        Assert.Equal(
            new[]
            {
                "Acquire Program.s_semaphore None 0 @ Program.cs:13 Program.Run",
                "Acquire Program.s_semaphore None 0 @ Program.cs:14 Program.Run",
                "AcquireFailed Program.s_semaphore",
                "TryAcquired Program.s_semaphore None 0 False @ Program.cs:15 Program.Run",
                "Release Program.s_semaphore @ Program.cs:17 Program.Run",
                "TryAcquired Program.s_semaphore None 0 True @ Program.cs:16 Program.Run",
            },
            program.Log.Where(line => !line.StartsWith("RegisterClass", StringComparison.Ordinal)));
    }

    private static string FirstWord(string line) => line.Split(' ')[0];

    /// <summary>Compiles a Program class with the given members and a few locks (fields on lines 5–10), with the recording hooks.</summary>
    private static TestProgram Build(string members)
    {
        var source = $$"""
            using LockDiscipline;

            public static class Program
            {
                public static readonly KMutex s_mutex = new();
                public static readonly KSpinLock s_spin = new();
                public static readonly KRwSem s_sem = new();
                public static readonly object s_gate = new();
                public static readonly System.Threading.SemaphoreSlim s_semaphore = new(1, 1);

            {{Indent(members)}}
            }
            """;
        var run = GeneratorHarness.Run(new[] { ("Program.cs", source) }, withRecordingHooks: true);
        run.AssertCompiles();
        return new TestProgram(run.Load());
    }

    private static string Indent(string members) => string.Join("\n", members.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    private sealed class TestProgram
    {
        private readonly Assembly _assembly;

        public TestProgram(Assembly assembly)
        {
            _assembly = assembly;
        }

        public List<string> Log => (List<string>)Hooks.GetField("Log")!.GetValue(null)!;

        public KMutex Mutex => Get<KMutex>("s_mutex");

        private Type Hooks => _assembly.GetType("LockDiscipline.Validation.LockdepHooks", throwOnError: true)!;

        private Type Program => _assembly.GetType("Program", throwOnError: true)!;

        public void SetReleaseAnswer(bool answer) => Hooks.GetField("ReleaseAnswer")!.SetValue(null, answer);

        public T Get<T>(string field) => (T)Program.GetField(field)!.GetValue(null)!;

        public object? Invoke(string method, params object[] arguments) => Program.GetMethod(method)!.Invoke(null, arguments);
    }
}
