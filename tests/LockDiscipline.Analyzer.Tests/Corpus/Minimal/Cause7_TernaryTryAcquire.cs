// cause: 7
// The try-acquire's result goes through a ternary and a local; failure returns before any release.
// One slot, so that the semaphore is a lock: with more, it is not one and the case would test nothing.
using System;
using System.Threading;
using System.Threading.Tasks;

public sealed class Bulkhead
{
    private readonly SemaphoreSlim _slots = new SemaphoreSlim(1, 1);

    public async Task<bool> RunAsync(bool useAsync, TimeSpan timeout, Func<Task> action)
    {
        bool taken;
        taken = useAsync ? await _slots.WaitAsync(timeout) : _slots.Wait(timeout);
        if (!taken) return false;
        try { await action(); }
        finally { _slots.Release(); }
        return true;
    }
}
