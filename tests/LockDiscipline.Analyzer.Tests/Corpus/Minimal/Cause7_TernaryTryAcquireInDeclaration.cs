// cause: 7
// The same try-acquire as Cause7_TernaryTryAcquire, written as a declaration with the synchronous
// wait first and an await in the guarded body, as a Redis client writes it.
using System;
using System.Threading;
using System.Threading.Tasks;

public sealed class Endpoint
{
    private readonly SemaphoreSlim _connectGate = new SemaphoreSlim(1, 1);
    private bool _connected;

    public async Task<bool> EnsureConnectedAsync(bool synchronous, TimeSpan timeout)
    {
        var entered = synchronous ? _connectGate.Wait(timeout) : await _connectGate.WaitAsync(timeout);
        if (!entered) return false;
        try
        {
            if (!_connected) await Task.Delay(1);
            _connected = true;
            return true;
        }
        finally
        {
            _connectGate.Release();
        }
    }
}
