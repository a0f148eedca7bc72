using System;
using System.Reflection;
using System.Threading;
using LockDiscipline;

namespace CrossCheck;

/// <summary>Rename nests its two locks where the analysis sees it: a predicted dependency.</summary>
public sealed class Registry
{
    private readonly object _gate = new object();
    private readonly object _names = new object();

    public void Rename()
    {
        lock (_gate)
        {
            lock (_names)
            {
            }
        }
    }

    public void Publish()
    {
        lock (_gate) // runtime: Registry._gate taken under Cache._sync through reflection
        {
        }
    }
}

/// <summary>Refresh reaches Publish through reflection, which the analysis cannot follow: a dependency it did not predict.</summary>
public sealed class Cache
{
    private readonly object _sync = new object();
    private readonly Registry _registry;

    public Cache(Registry registry)
    {
        _registry = registry;
    }

    public void Refresh()
    {
        MethodInfo publish = typeof(Registry).GetMethod(nameof(Registry.Publish))!;
        lock (_sync)
        {
            publish.Invoke(_registry, null);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        Lockdep.CheckAgainstStaticGraph = true;
        var registry = new Registry();
        var cache = new Cache(registry);
        var worker = new Thread(() =>
        {
            registry.Rename();
            cache.Refresh();
            cache.Refresh();
        });
        worker.Start();
        worker.Join();
        Console.Write(Lockdep.UnpredictedDependenciesReport());
        Console.WriteLine("done");
    }
}
