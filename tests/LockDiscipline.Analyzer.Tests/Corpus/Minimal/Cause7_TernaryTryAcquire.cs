// cause: 7
// The try-acquire's result goes through a ternary and a local; failure returns before any release.
using System;
using System.Threading;
using System.Threading.Tasks;

public sealed class Bulkhead
{
    private readonly SemaphoreSlim _slots = new SemaphoreSlim(4, 4);

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
