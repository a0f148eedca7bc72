using System.Collections.Generic;
using LockDiscipline;

namespace IommuCore;

/// <summary>
/// <c>struct klist</c> (<c>lib/klist.c</c>): a list of reference-counted nodes, so that an iterator
/// keeps its place while other threads add and remove nodes. Buses keep their devices and drivers in
/// klists, and drivers the devices bound to them.
/// </summary>
/// <remarks>
/// Adding and putting a node take <c>k_lock</c> with a plain <c>spin_lock</c> (interrupts stay on), while
/// <see cref="KlistNext"/> takes it with <c>spin_lock_irqsave</c>. Upstream left it that way after the DMAR
/// fault regression and fixed the interrupt handler instead, so no klist may be used in hard-IRQ context:
/// an interrupt arriving while <see cref="KlistAddTail"/> holds <c>k_lock</c> would spin on it forever.
/// </remarks>
/// <typeparam name="T">What the nodes carry (a device, a driver).</typeparam>
public sealed class Klist<T>
    where T : class
{
    [LockClass("&k->k_lock")]
    private readonly KSpinLock _kLock = new();

    [GuardedBy(nameof(_kLock))]
    private readonly LinkedList<KlistNode<T>> _kList = new();

    /// <summary><c>klist_add_tail()</c>: appends <paramref name="n"/>, which holds the list's reference on it until <see cref="KlistDel"/>.</summary>
    /// <param name="n">A node not on any list.</param>
    public void KlistAddTail(KlistNode<T> n)
    {
        _kLock.Lock();
        n.NRef = 1;
        n.Dead = false;
        n.NNode = _kList.AddLast(n);
        _kLock.Unlock();
    }

    /// <summary>
    /// <c>klist_del()</c>: marks <paramref name="n"/> dead, so iterators skip it, and drops the list's
    /// reference; the node leaves the list when the last iterator standing on it moves on.
    /// </summary>
    /// <param name="n">A node on this list.</param>
    public void KlistDel(KlistNode<T> n)
    {
        KlistPut(n, kill: true);
    }

    /// <summary><c>klist_iter_init()</c>: an iterator before the first node.</summary>
    /// <returns>The iterator; end it with <see cref="KlistIterExit"/>.</returns>
    public KlistIter<T> KlistIterInit()
    {
        return new KlistIter<T>(this);
    }

    /// <summary>
    /// <c>klist_iter_init_node()</c>: an iterator standing on <paramref name="n"/>, so that the walk goes on
    /// after it; before the first node when <paramref name="n"/> is <see langword="null"/> or already unlinked.
    /// </summary>
    /// <param name="n">A node of this list, or <see langword="null"/>.</param>
    /// <returns>The iterator; end it with <see cref="KlistIterExit"/>.</returns>
    public KlistIter<T> KlistIterInitNode(KlistNode<T>? n)
    {
        var i = new KlistIter<T>(this);
        if (n is null)
        {
            return i;
        }

        IrqFlags flags = _kLock.LockIrqSave();
        if (n.NRef > 0)
        {
            n.NRef++;
            i.ICur = n;
        }

        _kLock.UnlockIrqRestore(flags);
        return i;
    }

    /// <summary>
    /// <c>klist_next()</c>: moves <paramref name="i"/> to the next live node, holding a reference on it
    /// so that it stays linked, and drops the reference on the node it leaves.
    /// </summary>
    /// <param name="i">An iterator of this list.</param>
    /// <returns>The next item, or <see langword="null"/> at the end.</returns>
    public T? KlistNext(KlistIter<T> i)
    {
        KlistNode<T>? last = i.ICur;
        IrqFlags flags = _kLock.LockIrqSave();
        LinkedListNode<KlistNode<T>>? next;
        if (last is not null)
        {
            // Read the successor before the put, which may unlink the node being left.
            next = last.NNode?.Next;
            KlistDecAndDel(last);
        }
        else
        {
            next = _kList.First;
        }

        i.ICur = null;
        while (next is not null)
        {
            KlistNode<T> candidate = next.Value;
            if (!candidate.Dead)
            {
                candidate.NRef++;
                i.ICur = candidate;
                break;
            }

            next = next.Next;
        }

        _kLock.UnlockIrqRestore(flags);
        return i.ICur?.Item;
    }

    /// <summary><c>klist_iter_exit()</c>: drops the iterator's reference on the node it stands on.</summary>
    /// <param name="i">An iterator of this list.</param>
    public void KlistIterExit(KlistIter<T> i)
    {
        KlistNode<T>? cur = i.ICur;
        if (cur is not null)
        {
            KlistPut(cur, kill: false);
            i.ICur = null;
        }
    }

    /// <summary><c>klist_put()</c>.</summary>
    private void KlistPut(KlistNode<T> n, bool kill)
    {
        _kLock.Lock();
        if (kill)
        {
            n.Dead = true;
        }

        KlistDecAndDel(n);
        _kLock.Unlock();
    }

    /// <summary><c>klist_dec_and_del()</c>: the last reference unlinks the node.</summary>
    [RequiresLock(nameof(_kLock))]
    private void KlistDecAndDel(KlistNode<T> n)
    {
        n.NRef--;
        if (n.NRef == 0 && n.NNode is { } node)
        {
            _kList.Remove(node);
            n.NNode = null;
        }
    }
}

/// <summary><c>struct klist_node</c>: a node's place on one klist and its reference count, all under that list's <c>k_lock</c>.</summary>
/// <typeparam name="T">What the node carries.</typeparam>
public sealed class KlistNode<T>
    where T : class
{
    /// <summary>Creates a node for <paramref name="item"/>, not on any list.</summary>
    /// <param name="item">What the node carries (the kernel embeds the node in it).</param>
    public KlistNode(T item)
    {
        Item = item;
    }

    /// <summary>The object that embeds the node.</summary>
    public T Item { get; }

    /// <summary><c>n_node</c>: the node's link, while it is on the list.</summary>
    [GuardedBy("&k->k_lock")]
    internal LinkedListNode<KlistNode<T>>? NNode;

    /// <summary><c>n_ref</c>: the list's reference plus one per iterator standing on the node.</summary>
    [GuardedBy("&k->k_lock")]
    internal int NRef;

    /// <summary><c>KNODE_DEAD</c>: deleted, waiting for iterators to move on.</summary>
    [GuardedBy("&k->k_lock")]
    internal bool Dead;
}

/// <summary><c>struct klist_iter</c>: one walk over a klist, used by one thread.</summary>
/// <typeparam name="T">What the list's nodes carry.</typeparam>
public sealed class KlistIter<T>
    where T : class
{
    internal KlistIter(Klist<T> klist)
    {
        IKlist = klist;
    }

    /// <summary><c>i_klist</c>.</summary>
    public Klist<T> IKlist { get; }

    /// <summary><c>i_cur</c>: the node the iterator stands on (and holds a reference on).</summary>
    internal KlistNode<T>? ICur { get; set; }
}
