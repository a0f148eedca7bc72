namespace LockDiscipline.Runtime.Tests;

// Thread.Interrupt storms over contended locks. The kernel's lock and unlock paths cannot be interrupted
// and an unlock cannot fail, so no K* operation may throw ThreadInterruptedException or half finish:
// every thread completes its iterations, the count is exact, and the lock ends up free.
public class InterruptTests
{
    private const int Workers = 4;
    private const int Iterations = 20_000;

    [Fact]
    public void Interrupts_never_break_KMutex() =>
        Storm(m => m.Lock(), m => m.Unlock(), new KMutex(), m => m.IsLocked);

    [Fact]
    public void Interrupts_never_break_KSpinLock() =>
        Storm(s => s.Lock(), s => s.Unlock(), new KSpinLock(), s => s.IsLocked);

    [Fact]
    public void Interrupts_never_break_KRwSem_writers() =>
        Storm(s => s.DownWrite(), s => s.UpWrite(), new KRwSem(), s => s.IsLocked);

    [Fact]
    public void Interrupts_never_break_KRwSem_downgrades() =>
        Storm(
            s =>
            {
                s.DownWrite();
                s.DowngradeWrite();
            },
            s => s.UpRead(),
            new KRwSem(),
            s => s.IsLocked,
            exclusive: false);

    private static void Storm<T>(Action<T> enter, Action<T> exit, T target, Func<T, bool> isLocked, bool exclusive = true)
    {
        var counter = new int[1];
        int finished = 0;
        var workers = Enumerable.Range(0, Workers).Select(_ => TestThread.Start(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                enter(target);
                if (exclusive)
                {
                    counter[0]++;
                }
                else
                {
                    Interlocked.Increment(ref counter[0]);
                }

                exit(target);
            }

            Interlocked.Increment(ref finished);
        })).ToList();

        var interrupter = TestThread.Start(() =>
        {
            var random = new Random(1);
            while (Volatile.Read(ref finished) != Workers)
            {
                workers[random.Next(Workers)].Interrupt();
                Thread.SpinWait(random.Next(1000));
            }
        });

        workers.ForEach(w => w.Join());
        interrupter.Join();
        Assert.Equal(Workers * Iterations, counter[0]);
        Assert.False(isLocked(target));
    }
}
