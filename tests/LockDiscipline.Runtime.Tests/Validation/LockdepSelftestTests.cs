using LockDiscipline.TestKit.LockdepSelftests;
using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// lib/locking-selftest.c at run time: each case of <see cref="SelftestMatrix"/> run on a real thread
/// against the real primitives, calling <see cref="LockdepHooks"/> the way the generated checks do (hook
/// first, then the operation; a release runs when the hook agrees or the lock says it is held). The
/// kernel's double unlocks go on after the report, so these run with <see cref="Lockdep.SkipBadUnlocks"/>
/// (by default the real release would throw, as without checks). A case reports something exactly when
/// the kernel's selftest expects a failure, and only the case's kinds.
/// </summary>
public class LockdepSelftestTests : LockdepTestBase
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var selftest in SelftestMatrix.All)
        {
            data.Add(selftest.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidatorAgreesWithTheKernelSelftest(string name)
    {
        var selftest = SelftestMatrix.All.Single(c => c.Name == name);
        Lockdep.SkipBadUnlocks = true;
        RunAs(name, () => new SelftestRun(selftest).Run());

        var kinds = Reports.Select(r => r.Kind.ToString()).Distinct().ToList();
        Assert.True(
            kinds.All(selftest.RuntimeKinds.Contains) && (kinds.Count != 0) == (selftest.RuntimeKinds.Count != 0),
            $"Expected some of [{string.Join(", ", selftest.RuntimeKinds)}], got:\n" + string.Join("\n", Reports.Select(r => r.Text)));
        Assert.Equal(selftest.KernelFailure ^ (selftest.Disagreement is not null), kinds.Count != 0);
    }

    /// <summary>One case's locks, classes and events, run in order on the calling thread.</summary>
    private sealed class SelftestRun
    {
        private readonly SelftestCase _case;
        private readonly Dictionary<string, object> _locks = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _classes = new(StringComparer.Ordinal);

        public SelftestRun(SelftestCase selftest)
        {
            _case = selftest;

            // Generated code registers every class at start-up; until a class is registered the validator is
            // off, and an IRQ entered before that would go unseen.
            foreach (var step in selftest.Events.SelectMany(e => e.Steps))
            {
                var op = selftest.Resolve(step.Op);
                if (op is not (SelftestOp.IrqDisable or SelftestOp.IrqEnable or SelftestOp.HardIrqDisable or SelftestOp.HardIrqEnable or SelftestOp.SoftIrqDisable or SelftestOp.SoftIrqEnable))
                {
                    LockOf(SelftestCase.PrimitiveOf(op), step.Letter);
                }
            }
        }

        public void Run()
        {
            foreach (var selftestEvent in _case.Events)
            {
                var context = selftestEvent.ContextIn(_case) == SelftestIrq.Soft ? IrqContext.SoftIrq : IrqContext.HardIrq;
                var entry = new LockSite("Selftest.cs", 0, selftestEvent.Name);
                if (selftestEvent.InIrq)
                {
                    LockdepHooks.EnterIrq(context, in entry);
                }

                for (var i = 0; i < selftestEvent.Steps.Count; i++)
                {
                    Step(selftestEvent.Steps[i], new LockSite("Selftest.cs", i + 1, selftestEvent.Name));
                }

                if (selftestEvent.InIrq)
                {
                    LockdepHooks.ExitIrq(context);
                }
            }
        }

        private void Step(SelftestStep step, LockSite site)
        {
            var op = _case.Resolve(step.Op);
            var soft = _case.Irq == SelftestIrq.Soft;
            switch (op)
            {
                case SelftestOp.IrqDisable when soft:
                    Irq.LocalBhDisable();
                    return;
                case SelftestOp.IrqEnable when soft:
                    Irq.LocalBhEnable();
                    return;
                case SelftestOp.IrqDisable or SelftestOp.HardIrqDisable:
                    Irq.LocalIrqDisable();
                    return;
                case SelftestOp.IrqEnable or SelftestOp.HardIrqEnable:
                    Irq.LocalIrqEnable();
                    return;
                case SelftestOp.SoftIrqDisable:
                    Irq.LocalBhDisable();
                    return;
                case SelftestOp.SoftIrqEnable:
                    Irq.LocalBhEnable();
                    return;
            }

            var primitive = SelftestCase.PrimitiveOf(op);
            var (id, instance) = LockOf(primitive, step.Letter);
            switch (op)
            {
                case SelftestOp.SpinLock:
                    LockdepHooks.Acquire(id, instance, AcquireFlags.None, 0, in site);
                    ((KSpinLock)instance).Lock();
                    break;
                case SelftestOp.SpinUnlock:
                    if (LockdepHooks.Release(id, instance, in site) || ((KSpinLock)instance).IsHeldByCurrentThread)
                    {
                        ((KSpinLock)instance).Unlock();
                    }

                    break;
                case SelftestOp.ReadLock:
                    LockdepHooks.Acquire(id, instance, AcquireFlags.Read, 0, in site);
                    ((KRwLock)instance).ReadLock();
                    break;
                case SelftestOp.ReadUnlock:
                    if (LockdepHooks.Release(id, instance, in site) || ((KRwLock)instance).ReaderCount != 0)
                    {
                        ((KRwLock)instance).ReadUnlock();
                    }

                    break;
                case SelftestOp.WriteLock:
                    LockdepHooks.Acquire(id, instance, AcquireFlags.None, 0, in site);
                    ((KRwLock)instance).WriteLock();
                    break;
                case SelftestOp.WriteUnlock:
                    if (LockdepHooks.Release(id, instance, in site) || ((KRwLock)instance).IsWriteHeldByCurrentThread)
                    {
                        ((KRwLock)instance).WriteUnlock();
                    }

                    break;
                case SelftestOp.MutexLock:
                    LockdepHooks.Acquire(id, instance, AcquireFlags.None, 0, in site);
                    ((KMutex)instance).Lock();
                    break;
                case SelftestOp.MutexUnlock:
                    if (LockdepHooks.Release(id, instance, in site) || ((KMutex)instance).IsHeldByCurrentThread)
                    {
                        ((KMutex)instance).Unlock();
                    }

                    break;
                case SelftestOp.SemRead:
                    LockdepHooks.Acquire(id, instance, AcquireFlags.Read, 0, in site);
                    ((KRwSem)instance).DownRead();
                    break;
                case SelftestOp.SemReadUnlock:
                    if (LockdepHooks.Release(id, instance, in site) || ((KRwSem)instance).ReaderCount != 0)
                    {
                        ((KRwSem)instance).UpRead();
                    }

                    break;
                case SelftestOp.SemWrite:
                    LockdepHooks.Acquire(id, instance, AcquireFlags.None, 0, in site);
                    ((KRwSem)instance).DownWrite();
                    break;
                case SelftestOp.SemWriteUnlock:
                    if (LockdepHooks.Release(id, instance, in site) || ((KRwSem)instance).IsWriteHeldByCurrentThread)
                    {
                        ((KRwSem)instance).UpWrite();
                    }

                    break;
            }
        }

        private (int Id, object Instance) LockOf(SelftestPrimitive primitive, string letter)
        {
            var className = SelftestCase.ClassName(primitive, letter);
            if (!_classes.TryGetValue(className, out var id))
            {
                var kind = primitive switch
                {
                    SelftestPrimitive.KSpinLock => LockClassKind.SpinLock,
                    SelftestPrimitive.KRwLock => LockClassKind.RwLock,
                    SelftestPrimitive.KMutex => LockClassKind.Mutex,
                    _ => LockClassKind.RwSemaphore,
                };
                id = Register(className, kind);
                _classes.Add(className, id);
            }

            var name = SelftestCase.LockName(primitive, letter);
            if (!_locks.TryGetValue(name, out var instance))
            {
                instance = primitive switch
                {
                    SelftestPrimitive.KSpinLock => new KSpinLock(),
                    SelftestPrimitive.KRwLock => new KRwLock(),
                    SelftestPrimitive.KMutex => new KMutex(),
                    _ => new KRwSem(),
                };
                _locks.Add(name, instance);
            }

            return (id, instance);
        }
    }
}
