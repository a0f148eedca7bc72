namespace LockDiscipline.Runtime.Tests;

// Each test runs on its own thread: the state is per thread, and a fresh thread starts with IRQs enabled.
public class IrqTests
{
    [Fact]
    public void A_new_thread_starts_with_irqs_enabled() => TestThread.Run(() =>
    {
        Assert.False(Irq.HardIrqsDisabled);
        Assert.False(Irq.SoftIrqsDisabled);
    });

    [Fact]
    public void Save_and_restore_nest_and_put_back_the_exact_state() => TestThread.Run(() =>
    {
        IrqFlags outer = Irq.LocalIrqSave();
        Assert.True(outer.HardIrqsWereEnabled);
        Assert.True(Irq.HardIrqsDisabled);

        IrqFlags inner = Irq.LocalIrqSave();
        Assert.False(inner.HardIrqsWereEnabled);

        Irq.LocalIrqRestore(inner);
        Assert.True(Irq.HardIrqsDisabled);
        Irq.LocalIrqRestore(outer);
        Assert.False(Irq.HardIrqsDisabled);
    });

    [Fact]
    public void Disable_and_enable_do_not_nest() => TestThread.Run(() =>
    {
        Irq.LocalIrqDisable();
        Irq.LocalIrqDisable();
        Assert.True(Irq.HardIrqsDisabled);
        Irq.LocalIrqEnable();
        Assert.False(Irq.HardIrqsDisabled);
        Irq.LocalIrqEnable();
        Assert.False(Irq.HardIrqsDisabled);
    });

    [Fact]
    public void Bh_disable_nests_by_count() => TestThread.Run(() =>
    {
        Irq.LocalBhDisable();
        Irq.LocalBhDisable();
        Irq.LocalBhEnable();
        Assert.True(Irq.SoftIrqsDisabled);
        Irq.LocalBhEnable();
        Assert.False(Irq.SoftIrqsDisabled);
        Assert.Throws<InvalidOperationException>(Irq.LocalBhEnable);
        Assert.False(Irq.SoftIrqsDisabled);
    });

    [Fact]
    public void Hard_and_soft_states_are_independent() => TestThread.Run(() =>
    {
        IrqFlags flags = Irq.LocalIrqSave();
        Assert.False(Irq.SoftIrqsDisabled);
        Irq.LocalBhDisable();
        Irq.LocalIrqRestore(flags);
        Assert.False(Irq.HardIrqsDisabled);
        Assert.True(Irq.SoftIrqsDisabled);
        Irq.LocalBhEnable();
    });

    [Fact]
    public void The_state_belongs_to_the_thread() => TestThread.Run(() =>
    {
        Irq.LocalIrqDisable();
        Irq.LocalBhDisable();
        TestThread.Run(() =>
        {
            Assert.False(Irq.HardIrqsDisabled);
            Assert.False(Irq.SoftIrqsDisabled);
            Irq.LocalIrqDisable();
        });
        Assert.True(Irq.HardIrqsDisabled);
        Assert.True(Irq.SoftIrqsDisabled);
    });

    [Fact]
    public void Restoring_flags_that_were_never_saved_throws_and_changes_nothing() => TestThread.Run(() =>
    {
        Irq.LocalIrqDisable();
        Assert.Throws<ArgumentException>(() => Irq.LocalIrqRestore(default));
        Assert.True(Irq.HardIrqsDisabled);
    });

    [Fact]
    public void Flags_compare_and_print_by_the_saved_state() => TestThread.Run(() =>
    {
        IrqFlags enabled = Irq.LocalIrqSave();
        IrqFlags disabled = Irq.LocalIrqSave();

        var sameAsEnabled = new IrqFlags(hardIrqsWereEnabled: true);
        Assert.True(enabled == sameAsEnabled);
        Assert.True(enabled.Equals((object)sameAsEnabled));
        Assert.Equal(enabled.GetHashCode(), sameAsEnabled.GetHashCode());
        Assert.True(enabled != disabled);
        Assert.Equal(disabled, Irq.LocalIrqSave());
        Assert.NotEqual(default, enabled);
        Assert.NotEqual(default, disabled);

        Assert.Equal("IrqFlags(hard IRQs were enabled)", enabled.ToString());
        Assert.Equal("IrqFlags(hard IRQs were disabled)", disabled.ToString());
        Assert.Equal("IrqFlags(not saved)", default(IrqFlags).ToString());
        Assert.False(default(IrqFlags).HardIrqsWereEnabled);
    });
}
