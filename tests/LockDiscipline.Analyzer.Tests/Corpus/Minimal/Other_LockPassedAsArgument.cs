// cause: other
// The helper locks its parameter; the argument is the errors lock, taken under the requests lock, the order used everywhere.
public sealed class Counters
{
    private readonly object _requestsLock = new object();
    private readonly object _errorsLock = new object();

    private static void Touch(object gate)
    {
        lock (gate) { }
    }

    public void Request()
    {
        lock (_requestsLock) Touch(_errorsLock);
    }

    public void Read()
    {
        lock (_requestsLock) lock (_errorsLock) { }
    }
}
