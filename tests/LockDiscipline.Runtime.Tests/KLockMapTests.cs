namespace LockDiscipline.Runtime.Tests;

public class KLockMapTests
{
    [Fact]
    public void Acquire_never_blocks_however_many_threads_hold_the_map()
    {
        var map = new KLockMap();
        map.Acquire();

        // Every thread holds the map at the barrier at once, while this thread holds it too.
        using var inside = new Barrier(4);
        TestThread.RunConcurrently(4, t =>
        {
            if (t % 2 == 0)
            {
                map.Acquire();
            }
            else
            {
                map.AcquireRead();
            }

            Assert.True(map.IsHeldByCurrentThread);
            Assert.True(inside.SignalAndWait(TestThread.FailureTimeout));
            map.Release();
            Assert.False(map.IsHeldByCurrentThread);
        });

        Assert.True(map.IsHeldByCurrentThread);
        map.Release();
    }

    [Fact]
    public void Release_without_an_acquire_on_this_thread_throws() => TestThread.Run(() =>
    {
        var map = new KLockMap();
        Assert.Throws<SynchronizationLockException>(map.Release);

        map.Acquire();
        Exception? error = null;
        TestThread.Run(() => error = Record.Exception(map.Release));
        Assert.IsType<SynchronizationLockException>(error);

        Assert.Throws<SynchronizationLockException>(new KLockMap().Release);
        Assert.True(map.IsHeldByCurrentThread);
        map.Release();
        Assert.False(map.IsHeldByCurrentThread);
    });

    [Fact]
    public void Nested_acquisitions_need_as_many_releases() => TestThread.Run(() =>
    {
        var map = new KLockMap();
        map.Acquire();
        map.AcquireRead();
        map.Release();
        Assert.True(map.IsHeldByCurrentThread);
        map.Release();
        Assert.False(map.IsHeldByCurrentThread);
        Assert.Throws<SynchronizationLockException>(map.Release);
    });

    [Fact]
    public void Maps_may_be_released_out_of_order() => TestThread.Run(() =>
    {
        var outer = new KLockMap();
        var inner = new KLockMap();
        outer.Acquire();
        inner.Acquire();
        outer.Release();
        Assert.True(inner.IsHeldByCurrentThread);
        Assert.False(outer.IsHeldByCurrentThread);
        inner.Release();
    });
}
