using System.Threading;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// <c>struct completion</c>: one thread waits until another says its work is done
/// (<c>wait_for_completion</c>, <c>complete</c>).
/// </summary>
/// <remarks>
/// A counting semaphore, not a lock: no thread owns it, and the analyzer does not class it (a
/// <see cref="SemaphoreSlim"/> is a lock only when created with a count of one).
/// </remarks>
public sealed class Completion
{
    private readonly SemaphoreSlim _done = new(0, int.MaxValue);

    /// <summary><c>complete()</c>: wakes one waiter, or lets the next wait return at once.</summary>
    public void Complete()
    {
        _done.Release();
    }

    /// <summary><c>wait_for_completion()</c>: sleeps until <see cref="Complete"/> is called.</summary>
    [MightSleep]
    public void WaitForCompletion()
    {
        _done.Wait();
    }
}
