using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>Each kind of report, produced by a small scenario and compared with the text lockdep would print.</summary>
public class ReportLayoutTests : LockdepTestBase
{
    [Fact]
    public void Recursive_locking_of_two_instances_of_one_class()
    {
        int dev = Register("&dev->mutex", LockClassKind.Mutex);
        var parent = new KMutex();
        var child = new KMutex();
        RunAs("kworker", () =>
        {
            Lock(dev, parent, At("Device.Attach", "Dev.cs", 10));
            Lock(dev, child, At("Device.AttachChild", "Dev.cs", 20));
            Unlock(dev, child, At("Device.AttachChild", "Dev.cs", 21));
            Unlock(dev, parent, At("Device.Attach", "Dev.cs", 11));
        });

        Assert.Equal(
            Expected("""
            ============================================
            WARNING: possible recursive locking detected
            {ident}
            --------------------------------------------
            kworker/N is trying to acquire lock:
            (&dev->mutex){+.+.}-{3:3}, at: Device.AttachChild (Dev.cs:20)

            but task is already holding lock:
            (&dev->mutex){+.+.}-{3:3}, at: Device.Attach (Dev.cs:10)

            other info that might help us debug this:
             Possible unsafe locking scenario:

                   CPU0
                   ----
              lock(&dev->mutex);
              lock(&dev->mutex);

             *** DEADLOCK ***

             May be due to missing lock nesting notation

            1 lock held by kworker/N:
             #0: (&dev->mutex){+.+.}-{3:3}, at: Device.Attach (Dev.cs:10)

            """),
            SingleReportText());
    }

    [Fact]
    public void Declared_lock_order_violated_through_a_chain_of_declarations()
    {
        // [assembly: LockOrder("ledger", "journal")] and journal [AcquiredBefore(audit)]: ledger comes before audit.
        int ledger = Register("Orders._ledger", LockClassKind.Mutex);
        int journal = Register("Orders._journal", LockClassKind.Mutex);
        int audit = Register("Orders._audit", LockClassKind.Mutex);
        LockdepHooks.DeclareOrder(ledger, journal, "[assembly: LockOrder] at Orders.cs:3");
        LockdepHooks.DeclareOrder(journal, audit, "Orders.cs:12");
        var ledgerLock = new KMutex();
        var auditLock = new KMutex();
        RunAs("review", () =>
        {
            Lock(audit, auditLock, At("Orders.Review", "Orders.cs", 30));
            Lock(ledger, ledgerLock, At("Orders.Reread", "Orders.cs", 40));
            Unlock(ledger, ledgerLock, At("Orders.Reread", "Orders.cs", 41));
            Unlock(audit, auditLock, At("Orders.Review", "Orders.cs", 31));
        });

        Assert.Equal(
            Expected("""
            =====================================
            WARNING: declared lock order violated
            {ident}
            -------------------------------------
            review/N is trying to acquire lock:
            (Orders._ledger){+.+.}-{3:3}, at: Orders.Reread (Orders.cs:40)

            but task is already holding lock:
            (Orders._audit){+.+.}-{3:3}, at: Orders.Review (Orders.cs:30)

            which the declared lock order puts after the new lock.


            the declared lock order is:

            -> #0 (Orders._ledger) before (Orders._journal):
                   [assembly: LockOrder] at Orders.cs:3

            -> #1 (Orders._journal) before (Orders._audit):
                   Orders.cs:12

            other info that might help us debug this:

            Chain exists of:
              Orders._ledger --> Orders._journal --> Orders._audit

             Possible unsafe locking scenario:

                   CPU0                    CPU1
                   ----                    ----
              lock(Orders._audit);
                                           lock(Orders._ledger);
                                           lock(Orders._audit);
              lock(Orders._ledger);

             *** DEADLOCK ***

            1 lock held by review/N:
             #0: (Orders._audit){+.+.}-{3:3}, at: Orders.Review (Orders.cs:30)

            """),
            SingleReportText());
        Assert.Equal(LockdepReportKind.DeclaredOrderViolation, Assert.Single(Reports).Kind);
    }

    /// <summary>
    /// Plain C# locks are named with their C# type, not with lockdep's IRQ-usage and wait-type notation,
    /// which says nothing about a Monitor; the kernel-style locks keep it.
    /// </summary>
    [Fact]
    public void Plain_CSharp_locks_are_named_with_their_CSharp_type()
    {
        int items = Register("Cache._items", LockClassKind.Monitor);
        int stats = Register("Cache._stats", LockClassKind.SemaphoreSlim);
        object itemsLock = new();
        object statsLock = new();
        RunAs("cache", () =>
        {
            LockdepHooks.Acquire(items, itemsLock, AcquireFlags.None, 0, At("Cache.Add", "Cache.cs", 4));
            LockdepHooks.Acquire(stats, statsLock, AcquireFlags.None, 0, At("Cache.Add", "Cache.cs", 4));
            LockdepHooks.Release(stats, statsLock, At("Cache.Add", "Cache.cs", 4));
            LockdepHooks.Release(items, itemsLock, At("Cache.Add", "Cache.cs", 4));
            LockdepHooks.Acquire(stats, statsLock, AcquireFlags.None, 0, At("Cache.Dump", "Cache.cs", 5));
            LockdepHooks.Acquire(items, itemsLock, AcquireFlags.None, 0, At("Cache.Dump", "Cache.cs", 5));
            LockdepHooks.Release(items, itemsLock, At("Cache.Dump", "Cache.cs", 5));
            LockdepHooks.Release(stats, statsLock, At("Cache.Dump", "Cache.cs", 5));
        });

        string text = SingleReportText();
        Assert.Contains("cache/N is trying to acquire lock:\n(Cache._items, Monitor), at: Cache.Dump (Cache.cs:5)\n", text);
        Assert.Contains("but task is already holding lock:\n(Cache._stats, SemaphoreSlim), at: Cache.Dump (Cache.cs:5)\n", text);
        Assert.Contains("-> #1 (Cache._stats, SemaphoreSlim):\n", text);
        Assert.Contains("-> #0 (Cache._items, Monitor):\n", text);
        Assert.DoesNotContain("}-{", text);
        Assert.DoesNotContain("{+", text);
    }

    [Fact]
    public void Inconsistent_lock_state_when_a_class_is_taken_in_hard_irq_and_with_irqs_enabled()
    {
        // The klist regression: klist_add_tail takes k_lock with plain spin_lock, the DMAR fault handler
        // (hard IRQ) reaches klist_next, which takes it with spin_lock_irqsave.
        int kLock = Register("&k->k_lock", LockClassKind.SpinLock);
        var spin = new KSpinLock();
        RunAs("swapper", () =>
        {
            LockdepHooks.Acquire(kLock, spin, AcquireFlags.None, 0, At("Klist.AddTail", "klist.cs", 10));
            spin.Lock();
            Assert.True(LockdepHooks.Release(kLock, spin, At("Klist.AddTail", "klist.cs", 11)));
            spin.Unlock();
        });
        RunAs("rngd", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.HardIrq, At("Dmar.Fault", "dmar.cs", 5));
            LockdepHooks.Acquire(kLock, spin, AcquireFlags.DisablesHardIrqs, 0, At("Klist.Next", "klist.cs", 30));
            IrqFlags flags = spin.LockIrqSave();
            Assert.True(LockdepHooks.Release(kLock, spin, At("Klist.Next", "klist.cs", 31)));
            spin.UnlockIrqRestore(flags);
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
            Assert.False(Irq.HardIrqsDisabled);
        });

        Assert.Equal(
            Expected("""
            ================================
            WARNING: inconsistent lock state
            {ident}
            --------------------------------
            inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.
            rngd/N [HC1[1]:SC0[0]:HE0:SE1] takes:
            (&k->k_lock){?.+.}-{2:2}, at: Klist.Next (klist.cs:30)
            {HARDIRQ-ON-W} state was registered at:
              Klist.AddTail (klist.cs:10)

            other info that might help us debug this:
             Possible unsafe locking scenario:

                   CPU0
                   ----
              lock(&k->k_lock);
              <Interrupt>
                lock(&k->k_lock);

             *** DEADLOCK ***

            no locks held by rngd/N.

            """),
            SingleReportText());
    }

    [Fact]
    public void Hardirq_safe_to_hardirq_unsafe_order()
    {
        int safe = Register("&desc->lock", LockClassKind.SpinLock);
        int unsafeClass = Register("&dev->stats_lock", LockClassKind.SpinLock);
        var desc = new KSpinLock();
        var stats = new KSpinLock();
        RunAs("irq/42", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.HardIrq, At("Irq.Handle", "irq.cs", 1));
            LockdepHooks.Acquire(safe, desc, AcquireFlags.None, 0, At("Irq.HandleEdge", "irq.cs", 10));
            desc.Lock();
            Assert.True(LockdepHooks.Release(safe, desc, At("Irq.HandleEdge", "irq.cs", 11)));
            desc.Unlock();
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
        });
        RunAs("ethtool", () =>
        {
            LockdepHooks.Acquire(unsafeClass, stats, AcquireFlags.None, 0, At("Dev.ReadStats", "dev.cs", 20));
            stats.Lock();
            Assert.True(LockdepHooks.Release(unsafeClass, stats, At("Dev.ReadStats", "dev.cs", 21)));
            stats.Unlock();
        });
        Assert.Empty(Reports);

        RunAs("modprobe", () =>
        {
            LockdepHooks.Acquire(safe, desc, AcquireFlags.DisablesHardIrqs, 0, At("Irq.SetType", "irq.cs", 30));
            IrqFlags flags = desc.LockIrqSave();
            LockdepHooks.Acquire(unsafeClass, stats, AcquireFlags.None, 0, At("Dev.ResetStats", "dev.cs", 40));
            stats.Lock();
            Assert.True(LockdepHooks.Release(unsafeClass, stats, At("Dev.ResetStats", "dev.cs", 41)));
            stats.Unlock();
            Assert.True(LockdepHooks.Release(safe, desc, At("Irq.SetType", "irq.cs", 31)));
            desc.UnlockIrqRestore(flags);
        });

        Assert.Equal(
            Expected("""
            ===========================================================
            WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected
            {ident}
            -----------------------------------------------------------
            modprobe/N [HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:
            (&dev->stats_lock){+.+.}-{2:2}, at: Dev.ResetStats (dev.cs:40)

            and this task is already holding:
            (&desc->lock){-...}-{2:2}, at: Irq.SetType (irq.cs:30)
            which would create a new lock dependency:
             (&desc->lock){-...}-{2:2} -> (&dev->stats_lock){+.+.}-{2:2}

            but this new dependency connects a HARDIRQ-irq-safe lock:
             (&desc->lock){-...}-{2:2}
            ... which became HARDIRQ-irq-safe at:
              Irq.HandleEdge (irq.cs:10)

            to a HARDIRQ-irq-unsafe lock:
             (&dev->stats_lock){+.+.}-{2:2}
            ... which became HARDIRQ-irq-unsafe at:
            ...
              Dev.ReadStats (dev.cs:20)

            other info that might help us debug this:

             Possible interrupt unsafe locking scenario:

                   CPU0                    CPU1
                   ----                    ----
              lock(&dev->stats_lock);
                                           local_irq_disable();
                                           lock(&desc->lock);
                                           lock(&dev->stats_lock);
              <Interrupt>
                lock(&desc->lock);

             *** DEADLOCK ***

            1 lock held by modprobe/N:
             #0: (&desc->lock){-...}-{2:2}, at: Irq.SetType (irq.cs:30)

            the dependencies between HARDIRQ-irq-safe lock and the holding lock:
            -> (&desc->lock){-...}-{2:2} {
               IN-HARDIRQ-W at:
                 Irq.HandleEdge (irq.cs:10)
             }

            the dependencies between the lock to be acquired and HARDIRQ-irq-unsafe lock:
            -> (&dev->stats_lock){+.+.}-{2:2} {
               HARDIRQ-ON-W at:
                 Dev.ReadStats (dev.cs:20)
               SOFTIRQ-ON-W at:
                 Dev.ReadStats (dev.cs:20)
             }
             ... acquired at:
              Dev.ResetStats (dev.cs:40)


            """),
            SingleReportText());
        Assert.Equal(LockdepReportKind.IrqSafeToUnsafeOrder, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void Softirq_safe_to_softirq_unsafe_order()
    {
        int safe = Register("&sk->lock", LockClassKind.SpinLock);
        int unsafeClass = Register("&table->lock", LockClassKind.SpinLock);
        var socket = new KSpinLock();
        var table = new KSpinLock();
        RunAs("ksoftirqd", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.SoftIrq, At("Net.RxAction", "net.cs", 1));
            LockdepHooks.Acquire(safe, socket, AcquireFlags.None, 0, At("Tcp.Receive", "tcp.cs", 10));
            socket.Lock();
            Assert.True(LockdepHooks.Release(safe, socket, At("Tcp.Receive", "tcp.cs", 11)));
            socket.Unlock();
            LockdepHooks.ExitIrq(IrqContext.SoftIrq);
            Assert.False(Irq.SoftIrqsDisabled);
        });
        RunAs("ip", () =>
        {
            LockdepHooks.Acquire(unsafeClass, table, AcquireFlags.None, 0, At("Table.Dump", "table.cs", 20));
            table.Lock();
            Assert.True(LockdepHooks.Release(unsafeClass, table, At("Table.Dump", "table.cs", 21)));
            table.Unlock();
            LockdepHooks.Acquire(safe, socket, AcquireFlags.DisablesSoftIrqs, 0, At("Tcp.Close", "tcp.cs", 30));
            socket.LockBh();
            LockdepHooks.Acquire(unsafeClass, table, AcquireFlags.None, 0, At("Table.Remove", "table.cs", 40));
            table.Lock();
            Assert.True(LockdepHooks.Release(unsafeClass, table, At("Table.Remove", "table.cs", 41)));
            table.Unlock();
            Assert.True(LockdepHooks.Release(safe, socket, At("Tcp.Close", "tcp.cs", 31)));
            socket.UnlockBh();
        });

        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.IrqSafeToUnsafeOrder, report.Kind);
        Assert.Equal("WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected", report.Title);
        Assert.Contains("but this new dependency connects a SOFTIRQ-irq-safe lock:\n (&sk->lock){+.-.}-{2:2}\n", report.Text);
        Assert.Contains("ip/", report.Text);
        Assert.Contains(" [HC0[0]:SC0[0]:HE1:SE0] is trying to acquire:\n", report.Text);
    }

    [Fact]
    public void Irq_lock_inversion_when_a_class_becomes_irq_safe_after_its_dependencies()
    {
        int outer = Register("&port->lock", LockClassKind.SpinLock);
        int inner = Register("&buf->lock", LockClassKind.SpinLock);
        var port = new KSpinLock();
        var buf = new KSpinLock();
        RunAs("agetty", () =>
        {
            LockdepHooks.Acquire(inner, buf, AcquireFlags.None, 0, At("Tty.Flush", "tty.cs", 10));
            buf.Lock();
            Assert.True(LockdepHooks.Release(inner, buf, At("Tty.Flush", "tty.cs", 11)));
            buf.Unlock();
            LockdepHooks.Acquire(outer, port, AcquireFlags.DisablesHardIrqs, 0, At("Uart.Write", "uart.cs", 20));
            IrqFlags flags = port.LockIrqSave();
            LockdepHooks.Acquire(inner, buf, AcquireFlags.None, 0, At("Tty.Queue", "tty.cs", 30));
            buf.Lock();
            Assert.True(LockdepHooks.Release(inner, buf, At("Tty.Queue", "tty.cs", 31)));
            buf.Unlock();
            Assert.True(LockdepHooks.Release(outer, port, At("Uart.Write", "uart.cs", 21)));
            port.UnlockIrqRestore(flags);
        });
        Assert.Empty(Reports);

        RunAs("irq/4", () =>
        {
            LockdepHooks.EnterIrq(IrqContext.HardIrq, At("Uart.Interrupt", "uart.cs", 1));
            LockdepHooks.Acquire(outer, port, AcquireFlags.None, 0, At("Uart.Rx", "uart.cs", 40));
            port.Lock();
            Assert.True(LockdepHooks.Release(outer, port, At("Uart.Rx", "uart.cs", 41)));
            port.Unlock();
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
        });

        Assert.Equal(
            Expected("""
            ========================================================
            WARNING: possible irq lock inversion dependency detected
            {ident}
            --------------------------------------------------------
            irq/4/N just changed the state of lock:
            (&port->lock){-...}-{2:2}, at: Uart.Rx (uart.cs:40)
            but this lock took another, HARDIRQ-unsafe lock in the past:
             (&buf->lock){+.+.}-{2:2}


            and interrupts could create inverse lock ordering between them.


            other info that might help us debug this:
             Possible interrupt unsafe locking scenario:

                   CPU0                    CPU1
                   ----                    ----
              lock(&buf->lock);
                                           local_irq_disable();
                                           lock(&port->lock);
                                           lock(&buf->lock);
              <Interrupt>
                lock(&port->lock);

             *** DEADLOCK ***

            no locks held by irq/4/N.

            the shortest dependencies between 2nd lock and 1st lock:
             -> (&buf->lock){+.+.}-{2:2} {
                HARDIRQ-ON-W at:
                  Tty.Flush (tty.cs:10)
                SOFTIRQ-ON-W at:
                  Tty.Flush (tty.cs:10)
              }
              ... acquired at:
              Tty.Queue (tty.cs:30)

            -> (&port->lock){-...}-{2:2} {
               IN-HARDIRQ-W at:
                 Uart.Rx (uart.cs:40)
             }
             ... acquired at:
              Uart.Rx (uart.cs:40)


            """),
            SingleReportText());
    }

    [Fact]
    public void Bad_unlock_balance_reports_and_tells_the_caller_to_go_on_with_the_release_as_without_checks()
    {
        // The DMA-ownership regression at run time: the unuse path releases what the use path never took.
        int owner = Register("&group->owner_cnt", LockClassKind.Mutex);
        var ownership = new KMutex();
        bool release = false;
        RunAs("tee", () => release = LockdepHooks.Release(owner, ownership, At("Iommu.DeviceUnuseDefaultDomain", "iommu.cs", 50)));

        Assert.True(release);
        Assert.Equal(
            Expected("""
            =====================================
            WARNING: bad unlock balance detected!
            {ident}
            -------------------------------------
            tee/N is trying to release lock (&group->owner_cnt) at:
            Iommu.DeviceUnuseDefaultDomain (iommu.cs:50)
            but there are no more locks to release!

            other info that might help us debug this:
            no locks held by tee/N.

            """),
            SingleReportText());
    }

    [Fact]
    public void With_SkipBadUnlocks_bad_unlock_balance_reports_and_tells_the_caller_to_skip_the_release()
    {
        int owner = Register("&group->owner_cnt", LockClassKind.Mutex);
        var ownership = new KMutex();
        Lockdep.SkipBadUnlocks = true;
        bool release = true;
        RunAs("tee", () => release = LockdepHooks.Release(owner, ownership, At("Iommu.DeviceUnuseDefaultDomain", "iommu.cs", 50)));

        Assert.False(release);
        Assert.Equal(LockdepReportKind.BadUnlockBalance, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void Sleeping_lock_under_a_spinlock()
    {
        int iova = Register("&iovad->lock", LockClassKind.SpinLock);
        int cache = Register("iova_cache_mutex", LockClassKind.Mutex);
        var spin = new KSpinLock();
        var mutex = new KMutex();
        RunAs("kworker", () =>
        {
            LockdepHooks.Acquire(iova, spin, AcquireFlags.None, 0, At("Iova.Alloc", "iova.cs", 10));
            spin.Lock();
            Lock(cache, mutex, At("Iova.CacheGet", "iova.cs", 20));
            Unlock(cache, mutex, At("Iova.CacheGet", "iova.cs", 21));
            Assert.True(LockdepHooks.Release(iova, spin, At("Iova.Alloc", "iova.cs", 11)));
            spin.Unlock();
        });

        Assert.Equal(
            Expected("""
            BUG: sleeping function called from invalid context at iova.cs:20
            in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: N, name: kworker
            preempt_count: 1, expected: 0
            1 lock held by kworker/N:
             #0: (&iovad->lock){+.+.}-{2:2}, at: Iova.Alloc (iova.cs:10)
            Preemption disabled at:
            Iova.Alloc (iova.cs:10)

            """),
            SingleReportText());
        Assert.Equal(LockdepReportKind.SleepInAtomicContext, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void Might_sleep_with_hard_irqs_disabled_and_in_an_irq_handler()
    {
        Register("unused", LockClassKind.Mutex);
        RunAs("worker", () =>
        {
            Irq.LocalIrqDisable();
            LockdepHooks.MightSleep(At("Pci.ReadConfig", "pci.cs", 7));
            Irq.LocalIrqEnable();
            LockdepHooks.EnterIrq(IrqContext.HardIrq, At("Dmar.Fault", "dmar.cs", 3));
            LockdepHooks.MightSleep(At("Pci.GetDomainBusAndSlot", "pci.cs", 9));
            LockdepHooks.ExitIrq(IrqContext.HardIrq);
            LockdepHooks.MightSleep(At("Pci.ReadConfig", "pci.cs", 11));
        });

        Assert.Equal(2, Reports.Count);
        Assert.Equal(
            Expected("""
            BUG: sleeping function called from invalid context at pci.cs:7
            in_atomic(): 0, irqs_disabled(): 1, non_block: 0, pid: N, name: worker
            preempt_count: 0, expected: 0
            no locks held by worker/N.

            """),
            Normalize(Reports.First().Text));
        Assert.Equal(
            Expected("""
            BUG: sleeping function called from invalid context at pci.cs:9
            in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: N, name: worker
            preempt_count: 10000, expected: 0
            no locks held by worker/N.
            Preemption disabled at:
            Dmar.Fault (dmar.cs:3)

            """),
            Normalize(Reports.Last().Text));
    }

    [Fact]
    public void Failed_assertions_print_the_kernels_warn_layout()
    {
        int group = Register("&group->mutex", LockClassKind.Mutex);
        int bus = Register("&priv->bus_notifier", LockClassKind.RwSemaphore);
        var mutex = new KMutex();
        var rwsem = new KRwSem();
        RunAs("vfio", () =>
        {
            LockdepHooks.AssertHeld(group, shared: false, At("Iommu.AttachDevice", "iommu.cs", 60));
            Lock(group, mutex, At("Iommu.AttachGroup", "iommu.cs", 70));
            LockdepHooks.AssertHeld(group, shared: false, At("Iommu.AttachDevice", "iommu.cs", 60));
            LockdepHooks.AssertNotHeld(group, At("Iommu.ProbeDevice", "iommu.cs", 80));
            LockdepHooks.Acquire(bus, rwsem, AcquireFlags.Read, 0, At("Notifier.CallChain", "notifier.cs", 5));
            rwsem.DownRead();
            LockdepHooks.AssertHeld(bus, shared: true, At("Notifier.Call", "notifier.cs", 6));
            LockdepHooks.AssertHeld(bus, shared: false, At("Notifier.Register", "notifier.cs", 7));
            Assert.True(LockdepHooks.Release(bus, rwsem, At("Notifier.CallChain", "notifier.cs", 8)));
            rwsem.UpRead();
            Unlock(group, mutex, At("Iommu.AttachGroup", "iommu.cs", 71));
        });

        Assert.Equal(3, Reports.Count);
        LockdepReport[] reports = Reports.ToArray();
        Assert.Equal(
            Expected("""
            ------------[ cut here ]------------
            WARNING: lockdep_assert_held(&group->mutex) failed
            vfio/N at Iommu.AttachDevice (iommu.cs:60):
            no locks held by vfio/N.

            """),
            Normalize(reports[0].Text));
        Assert.Equal(LockdepReportKind.LockNotHeld, reports[0].Kind);
        Assert.Equal(
            Expected("""
            ------------[ cut here ]------------
            WARNING: lockdep_assert_not_held(&group->mutex) failed
            vfio/N at Iommu.ProbeDevice (iommu.cs:80):
            1 lock held by vfio/N:
             #0: (&group->mutex){+.+.}-{3:3}, at: Iommu.AttachGroup (iommu.cs:70)

            """),
            Normalize(reports[1].Text));
        Assert.Equal(LockdepReportKind.LockHeld, reports[1].Kind);
        Assert.Equal("WARNING: lockdep_assert_held_write(&priv->bus_notifier) failed", reports[2].Title);
    }
}
