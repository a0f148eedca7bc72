// cause: 5
// Lock coupling: take the next node's lock, then release the previous one; always head to tail.
using System.Threading;

public sealed class Node
{
    public readonly object Gate = new object();
    public Node? Next;
    public int Value;
}

public sealed class Chain
{
    private readonly Node _head = new Node();

    public int Sum()
    {
        var sum = 0;
        var last = _head;
        Monitor.Enter(last.Gate);
        try
        {
            while (last.Next is { } next)
            {
                Monitor.Enter(next.Gate);
                Monitor.Exit(last.Gate);
                last = next;
                sum += next.Value;
            }
        }
        finally
        {
            Monitor.Exit(last.Gate);
        }
        return sum;
    }
}
