// cause: other
// The reverse order exists only in a private method that nothing calls: it is not an entry point.
public sealed class Counters
{
    private readonly object _requestsLock = new object();
    private readonly object _errorsLock = new object();

    public void Read()
    {
        lock (_requestsLock) lock (_errorsLock) { }
    }

    private void ResetErrorsFirst()
    {
        lock (_errorsLock) lock (_requestsLock) { }
    }
}
