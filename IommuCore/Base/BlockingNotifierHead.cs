using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary>What a bus notifier is told (<c>BUS_NOTIFY_*</c> in <c>include/linux/device/bus.h</c>).</summary>
public enum BusNotifyAction
{
    /// <summary><c>BUS_NOTIFY_ADD_DEVICE</c>: a device was added to the bus.</summary>
    AddDevice,

    /// <summary><c>BUS_NOTIFY_DEL_DEVICE</c>: a device is about to be removed.</summary>
    DelDevice,

    /// <summary><c>BUS_NOTIFY_REMOVED_DEVICE</c>: a device was removed.</summary>
    RemovedDevice,

    /// <summary><c>BUS_NOTIFY_BIND_DRIVER</c>: a driver is about to be bound.</summary>
    BindDriver,

    /// <summary><c>BUS_NOTIFY_BOUND_DRIVER</c>: a driver was bound.</summary>
    BoundDriver,

    /// <summary><c>BUS_NOTIFY_UNBIND_DRIVER</c>: a driver is about to be unbound.</summary>
    UnbindDriver,

    /// <summary><c>BUS_NOTIFY_UNBOUND_DRIVER</c>: a driver was unbound.</summary>
    UnboundDriver,

    /// <summary><c>BUS_NOTIFY_DRIVER_NOT_BOUND</c>: a driver failed to bind.</summary>
    DriverNotBound,
}

/// <summary>A bus notifier's callback (<c>notifier_fn_t</c>); returns <see cref="BlockingNotifierHead.NotifyDone"/> or <see cref="BlockingNotifierHead.NotifyOk"/>.</summary>
/// <param name="action">What happened.</param>
/// <param name="dev">The device it happened to.</param>
/// <returns>A <c>NOTIFY_*</c> value.</returns>
public delegate int NotifierFn(BusNotifyAction action, Device dev);

/// <summary>
/// <c>struct blocking_notifier_head</c>, as a bus keeps it (<c>&amp;priv-&gt;bus_notifier</c>): callbacks
/// called in priority order, in process context, under the head's rw-semaphore held for reading.
/// </summary>
/// <remarks>
/// lockdep names the semaphore after the place <c>bus_register</c> initialises it,
/// <c>&amp;(&amp;priv-&gt;bus_notifier)-&gt;rwsem</c>; every bus's head shares that class. The callbacks are kept
/// as delegates in a list, in priority order, like the kernel's chain of <c>notifier_block</c>s.
/// </remarks>
public sealed class BlockingNotifierHead
{
    /// <summary><c>NOTIFY_DONE</c>: not interested.</summary>
    public const int NotifyDone = 0;

    /// <summary><c>NOTIFY_OK</c>: handled.</summary>
    public const int NotifyOk = 1;

    [LockClass("&(&priv->bus_notifier)->rwsem")]
    private readonly KRwSem _rwsem = new();

    [GuardedBy(nameof(_rwsem))]
    private readonly List<NotifierFn> _chain = new();

    [GuardedBy(nameof(_rwsem))]
    private readonly List<int> _priorities = new();

    /// <summary>
    /// <c>blocking_notifier_chain_register()</c>: adds <paramref name="notifierCall"/> before every callback
    /// of lower priority (<c>notifier_chain_register</c>).
    /// </summary>
    /// <param name="notifierCall">The callback.</param>
    /// <param name="priority">Higher runs first.</param>
    public void BlockingNotifierChainRegister(NotifierFn notifierCall, int priority)
    {
        _rwsem.DownWrite();
        int index = 0;
        while (index < _priorities.Count && _priorities[index] >= priority)
        {
            index++;
        }

        _chain.Insert(index, notifierCall);
        _priorities.Insert(index, priority);
        _rwsem.UpWrite();
    }

    /// <summary>
    /// <c>blocking_notifier_call_chain()</c>: calls every callback in order with the semaphore held for
    /// reading (<c>notifier_call_chain</c>).
    /// </summary>
    /// <param name="action">What happened.</param>
    /// <param name="dev">The device it happened to.</param>
    /// <returns>The last callback's return value, or <see cref="NotifyDone"/> when there is none.</returns>
    public int BlockingNotifierCallChain(BusNotifyAction action, Device dev)
    {
        int ret = NotifyDone;
        _rwsem.DownRead();
        foreach (NotifierFn notifierCall in _chain)
        {
            ret = notifierCall(action, dev);
        }

        _rwsem.UpRead();
        return ret;
    }
}
