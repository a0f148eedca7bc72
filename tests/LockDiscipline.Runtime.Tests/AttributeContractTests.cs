using System.Diagnostics;
using System.Reflection;

namespace LockDiscipline.Runtime.Tests;

// The analyzer and generator find these attributes by metadata name and read their constructor
// arguments, so names, shapes and usages are a public contract; these tests pin them.
public class AttributeContractTests
{
    private const AttributeTargets FieldOrProperty = AttributeTargets.Field | AttributeTargets.Property;
    private const AttributeTargets MethodLike = AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property;

    public static TheoryData<Type, AttributeTargets, bool, Type[]> Attributes => new()
    {
        { typeof(LockClassAttribute), FieldOrProperty, false, [typeof(string)] },
        { typeof(LockOrderAttribute), AttributeTargets.Assembly, true, [typeof(string[])] },
        { typeof(AcquiredBeforeAttribute), FieldOrProperty, true, [typeof(string[])] },
        { typeof(AcquiredAfterAttribute), FieldOrProperty, true, [typeof(string[])] },
        { typeof(GuardedByAttribute), FieldOrProperty, false, [typeof(string)] },
        { typeof(RequiresLockAttribute), MethodLike, true, [typeof(string[])] },
        { typeof(RequiresSharedLockAttribute), MethodLike, true, [typeof(string[])] },
        { typeof(ExcludesLockAttribute), MethodLike, true, [typeof(string[])] },
        { typeof(AcquiresLockAttribute), MethodLike, true, [typeof(string[])] },
        { typeof(ReleasesLockAttribute), MethodLike, true, [typeof(string[])] },
        { typeof(TryAcquiresLockAttribute), AttributeTargets.Method, true, [typeof(object), typeof(string[])] },
        { typeof(HardIrqContextAttribute), AttributeTargets.Method, false, [] },
        { typeof(SoftIrqContextAttribute), AttributeTargets.Method, false, [] },
        { typeof(MightSleepAttribute), MethodLike, false, [] },
    };

    [Theory]
    [MemberData(nameof(Attributes))]
    public void Attribute_has_its_contracted_shape(Type type, AttributeTargets targets, bool allowMultiple, Type[] parameters)
    {
        Assert.Equal("LockDiscipline", type.Namespace);
        Assert.True(type.IsPublic && type.IsSealed);
        Assert.Empty(type.GetCustomAttributes<ConditionalAttribute>());

        AttributeUsageAttribute usage = type.GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.Equal(targets, usage.ValidOn);
        Assert.Equal(allowMultiple, usage.AllowMultiple);

        ConstructorInfo constructor = Assert.Single(type.GetConstructors());
        ParameterInfo[] actual = constructor.GetParameters();
        Assert.Equal(parameters, actual.Select(p => p.ParameterType));
        if (parameters.LastOrDefault() == typeof(string[]))
        {
            Assert.NotNull(actual[^1].GetCustomAttribute<ParamArrayAttribute>());
        }
    }

    [Fact]
    public void Constructor_arguments_are_exposed_as_properties()
    {
        Assert.Equal("group->mutex", new LockClassAttribute("group->mutex").Name);
        Assert.Equal("_mutex", new GuardedByAttribute("_mutex").LockName);
        Assert.Equal(new[] { "a", "b" }, new LockOrderAttribute("a", "b").Locks);
        Assert.Equal(new[] { "a" }, new AcquiredBeforeAttribute("a").Locks);
        Assert.Equal(new[] { "a" }, new AcquiredAfterAttribute("a").Locks);
        Assert.Equal(new[] { "group.Mutex" }, new RequiresLockAttribute("group.Mutex").Locks);
        Assert.Equal(new[] { "a" }, new RequiresSharedLockAttribute("a").Locks);
        Assert.Equal(new[] { "a" }, new ExcludesLockAttribute("a").Locks);
        Assert.Equal(new[] { "a" }, new AcquiresLockAttribute("a").Locks);
        Assert.Equal(new[] { "a" }, new ReleasesLockAttribute("a").Locks);

        var tryAcquires = new TryAcquiresLockAttribute(true, "a", "b");
        Assert.Equal(true, tryAcquires.SuccessValue);
        Assert.Equal(new[] { "a", "b" }, tryAcquires.Locks);
    }

    [Fact]
    public void A_null_lock_list_reads_as_empty()
    {
        Assert.Empty(new RequiresLockAttribute(null!).Locks);
        Assert.Empty(new TryAcquiresLockAttribute(0, null!).Locks);
        Assert.Empty(new LockOrderAttribute().Locks);
    }

    [Fact]
    public void LockClass_kind_defaults_to_auto_and_is_settable()
    {
        Assert.Equal(LockKind.Auto, new LockClassAttribute("x").Kind);
        Assert.Equal(LockKind.SpinLock, new LockClassAttribute("x") { Kind = LockKind.SpinLock }.Kind);
    }

    [Fact]
    public void LockKind_values_are_stable()
    {
        Assert.Equal(
            new[] { "Auto", "Mutex", "SpinLock", "RwSemaphore", "PerCpuRwSemaphore", "LockMap", "RwLock" },
            Enum.GetNames<LockKind>());
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6 }, Enum.GetValues<LockKind>().Select(k => (int)k));
    }

    [Fact]
    public void Kernel_primitives_are_sealed_with_a_public_parameterless_constructor()
    {
        foreach (Type type in new[] { typeof(KMutex), typeof(KSpinLock), typeof(KRwLock), typeof(KRwSem), typeof(KLockMap) })
        {
            Assert.True(type.IsSealed, type.Name);
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
            MethodInfo guard = type.GetMethod("Guard", Type.EmptyTypes)!;
            Assert.True(guard.ReturnType.IsValueType && typeof(IDisposable).IsAssignableFrom(guard.ReturnType), type.Name);
        }
    }
}
