using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Flow;

/// <summary>
/// Hand-over-hand locking (lock coupling, issue 10 cause 5): take the next object's lock, release the
/// previous one, move on (<c>last = next</c>). The copy moves the hold to its new name, so the lock
/// released as <c>last</c> is the one taken as <c>next</c>; and an acquisition handed over to (the
/// older lock of its class released while it stays held) is a traversal moving one way, not a nesting.
/// </summary>
public class HandOverHandTests
{
    private const string Node = """
        sealed class Node
        {
            public readonly object Gate = new();
            public Node? Next;
            public int Value;
        }
        """;

    [Fact]
    public void LockCouplingLoopIsClean()
        => Verify.Diagnostics(Node, """
            using System.Threading;
            sealed class Chain
            {
                readonly Node _head = new();
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
            """);

    [Fact]
    public void ReleaseAfterTheCopyIsClean()
        => Verify.Diagnostics(Node, """
            using System.Threading;
            sealed class Chain
            {
                public static void Step(Node first)
                {
                    var last = first;
                    Monitor.Enter(last.Gate);
                    var next = last.Next!;
                    Monitor.Enter(next.Gate);
                    Monitor.Exit(last.Gate);
                    last = next;
                    Monitor.Exit(last.Gate);
                }
            }
            """);

    [Fact]
    public void NestingThatIsNotHandedOverIsStillReported()
        => Verify.Diagnostics(Node, """
            using System.Threading;
            sealed class Chain
            {
                public static void Both(Node a, Node b)
                {
                    Monitor.Enter(a.Gate);
                    {|LD0014:Monitor.Enter(b.Gate)|};
                    Monitor.Exit(b.Gate);
                    Monitor.Exit(a.Gate);
                }
            }
            """);

    [Fact]
    public void CouplingThatForgetsToReleaseTheOldLockLeaksIt()
        => Verify.Diagnostics(Node, """
            using System.Threading;
            sealed class Chain
            {
                public static void Walk(Node first)
                {
                    var last = first;
                    {|LD0007:Monitor.Enter(last.Gate)|};
                    while (last.Next is { } next)
                    {
                        {|LD0014:Monitor.Enter(next.Gate)|};
                        last = next;
                    }
                    Monitor.Exit(last.Gate);
                }
            }
            """);

    [Fact]
    public void ComparingPrimitiveKeysBetweenTheTwoLocksCannotThrow()
        => Verify.Diagnostics(Node, """
            using System.Threading;
            sealed class Chain
            {
                public static bool Contains(Node head, int value)
                {
                    var last = head;
                    Monitor.Enter(last.Gate);
                    try
                    {
                        while (last.Next is { } next)
                        {
                            Monitor.Enter(next.Gate);
                            if (next.Value.CompareTo(value) == 0) { Monitor.Exit(next.Gate); return true; }
                            Monitor.Exit(last.Gate);
                            last = next;
                        }
                        return false;
                    }
                    finally
                    {
                        Monitor.Exit(last.Gate);
                    }
                }
            }
            """);

    [Fact]
    public void TheObjectOverloadOfCompareToCanThrow()
        => Verify.Diagnostics(Node, """
            using System.Threading;
            sealed class Chain
            {
                public static bool IsFirst(Node head, object value)
                {
                    {|LD0007:Monitor.Enter(head.Gate)|};
                    var first = head.Value.CompareTo(value) == 0;
                    Monitor.Exit(head.Gate);
                    return first;
                }
            }
            """);
}
