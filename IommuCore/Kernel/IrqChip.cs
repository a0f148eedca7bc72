using LockDiscipline;

namespace IommuCore;

/// <summary><c>irqreturn_t</c>.</summary>
public enum IrqReturn
{
    /// <summary><c>IRQ_NONE</c>: not this device's interrupt.</summary>
    None,

    /// <summary><c>IRQ_HANDLED</c>.</summary>
    Handled,
}

/// <summary>An interrupt handler (<c>irq_handler_t</c>), run in hard-IRQ context.</summary>
/// <param name="irq">The interrupt number.</param>
/// <param name="devId">What the driver passed to <c>request_irq()</c>.</param>
/// <returns>Whether the handler handled it.</returns>
public delegate IrqReturn IrqHandler(int irq, object? devId);

/// <summary><c>struct irq_desc</c>: one interrupt line's handler.</summary>
internal sealed class IrqDesc
{
    /// <summary><c>desc-&gt;lock</c>: a raw spinlock, taken by the flow handler in hard-IRQ context.</summary>
    [LockClass("&desc->lock")]
    public readonly KSpinLock Lock = new();

    /// <summary><c>desc-&gt;action-&gt;handler</c>.</summary>
    [GuardedBy(nameof(Lock))]
    public IrqHandler? Handler;

    /// <summary><c>desc-&gt;action-&gt;dev_id</c>.</summary>
    [GuardedBy(nameof(Lock))]
    public object? DevId;
}

/// <summary>
/// The interrupt controller and the generic IRQ layer (<c>kernel/irq</c>): <c>request_irq()</c>, and the
/// CPU taking an interrupt. A thread stands for a CPU, so an interrupt runs on the thread that
/// "takes" it, with hard IRQs off (<see cref="Irq"/>) for the handler's duration.
/// </summary>
public sealed class IrqChip
{
    /// <summary>Interrupt lines.</summary>
    public const int NrIrqs = 64;

    private readonly IrqDesc[] _irqDesc = new IrqDesc[NrIrqs];

    /// <summary>Creates the controller with every line free.</summary>
    public IrqChip()
    {
        for (int irq = 0; irq < NrIrqs; irq++)
        {
            _irqDesc[irq] = new IrqDesc();
        }
    }

    /// <summary><c>request_irq()</c>.</summary>
    /// <param name="irq">The line.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="devId">Passed to the handler.</param>
    public void RequestIrq(int irq, IrqHandler handler, object devId)
    {
        IrqDesc desc = _irqDesc[irq];
        IrqFlags flags = desc.Lock.LockIrqSave();
        desc.Handler = handler;
        desc.DevId = devId;
        desc.Lock.UnlockIrqRestore(flags);
    }

    /// <summary>
    /// The calling thread's CPU takes interrupt <paramref name="irq"/>: interrupts go off, the flow
    /// handler runs the line's handler, and interrupts come back as they were.
    /// </summary>
    /// <param name="irq">The line.</param>
    /// <returns>What the handler returned.</returns>
    public IrqReturn GenerateIrq(int irq)
    {
        IrqFlags flags = Irq.LocalIrqSave();
        IrqReturn ret = HandleEdgeIrq(irq);
        Irq.LocalIrqRestore(flags);
        return ret;
    }

    /// <summary><c>handle_edge_irq()</c> → <c>handle_irq_event()</c>: the handler runs with <c>desc-&gt;lock</c> dropped.</summary>
    [HardIrqContext]
    private IrqReturn HandleEdgeIrq(int irq)
    {
        IrqDesc desc = _irqDesc[irq];
        desc.Lock.Lock();
        IrqHandler? handler = desc.Handler;
        object? devId = desc.DevId;
        desc.Lock.Unlock();
        return handler is null ? IrqReturn.None : handler(irq, devId);
    }
}
