// cause: other
// Both orders of the two account locks occur, but always under the ledger gate: they cannot interleave.
public sealed class Ledger
{
    private readonly object _gate = new object();
    private readonly object _savings = new object();
    private readonly object _checking = new object();

    public void ToChecking()
    {
        lock (_gate) lock (_savings) lock (_checking) { }
    }

    public void ToSavings()
    {
        lock (_gate) lock (_checking) lock (_savings) { }
    }
}
