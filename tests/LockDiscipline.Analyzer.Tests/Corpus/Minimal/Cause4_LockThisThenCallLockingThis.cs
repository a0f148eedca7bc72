// cause: 4
// lock (this) and then a call to a method of the same object that locks this again: Monitor is reentrant.
public sealed class Connection
{
    private long _sent;

    public void Write(int bytes)
    {
        lock (this)
        {
            Record(bytes);
        }
    }

    private void Record(int bytes)
    {
        lock (this) _sent += bytes;
    }
}
