using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Smoke;

public class SmokeTests
{
    [Fact]
    public void AbbaInOneClass()
    {
        var diagnostics = Verify.Diagnostics("""
            class Cache
            {
                readonly object _items = new(), _stats = new();
                void Add() { lock (_items) { lock (_stats) { } } }
                void Dump() { lock (_stats) { lock ({|LD0001:_items|}) { } } }
            }
            """);
        var message = diagnostics.Single().GetMessage();
        Assert.Contains("'Cache._items'", message);
        Assert.Contains("'Cache._stats'", message);
    }
}
