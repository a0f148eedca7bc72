using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.LockApis;

/// <summary>
/// <c>ReaderWriterLockSlim</c>: read, write and upgradeable-read acquisitions and their exits and
/// try-forms. Lock order is per class, whatever the mode: a read held while writing another lock
/// and the reverse nesting is an inversion.
/// </summary>
public class ReaderWriterLockSlimApiTests
{
    [Fact]
    public void WriteLocks()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _items = new(), _prices = new();
                void Add()
                {
                    _items.EnterWriteLock();
                    try { _prices.EnterWriteLock(); try { } finally { _prices.ExitWriteLock(); } }
                    finally { _items.ExitWriteLock(); }
                }
                void Reprice()
                {
                    _prices.EnterWriteLock();
                    try { {|LD0001:_items.EnterWriteLock()|}; try { } finally { _items.ExitWriteLock(); } }
                    finally { _prices.ExitWriteLock(); }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Catalog._items' while holding 'Catalog._prices'", message);
    }

    [Fact]
    public void ReadLocks()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _items = new(), _prices = new();
                void Add()
                {
                    _items.EnterReadLock();
                    try { _prices.EnterWriteLock(); try { } finally { _prices.ExitWriteLock(); } }
                    finally { _items.ExitReadLock(); }
                }
                void Reprice()
                {
                    _prices.EnterReadLock();
                    try { {|LD0001:_items.EnterReadLock()|}; try { } finally { _items.ExitReadLock(); } }
                    finally { _prices.ExitReadLock(); }
                }
            }
            """);

    [Fact]
    public void UpgradeableReadLocks()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _items = new(), _prices = new();
                void Add()
                {
                    _items.EnterUpgradeableReadLock();
                    try { _prices.EnterUpgradeableReadLock(); try { } finally { _prices.ExitUpgradeableReadLock(); } }
                    finally { _items.ExitUpgradeableReadLock(); }
                }
                void Reprice()
                {
                    _prices.EnterUpgradeableReadLock();
                    try { {|LD0001:_items.EnterUpgradeableReadLock()|}; try { } finally { _items.ExitUpgradeableReadLock(); } }
                    finally { _prices.ExitUpgradeableReadLock(); }
                }
            }
            """);

    [Fact]
    public void ModesInConsistentOrderAreClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _items = new(), _prices = new();
                void Add()
                {
                    _items.EnterWriteLock();
                    try { _prices.EnterReadLock(); try { } finally { _prices.ExitReadLock(); } }
                    finally { _items.ExitWriteLock(); }
                }
                void Reprice()
                {
                    _items.EnterUpgradeableReadLock();
                    try { _prices.EnterWriteLock(); try { } finally { _prices.ExitWriteLock(); } }
                    finally { _items.ExitUpgradeableReadLock(); }
                }
                void Read()
                {
                    _items.EnterReadLock();
                    try { _prices.EnterUpgradeableReadLock(); try { } finally { _prices.ExitUpgradeableReadLock(); } }
                    finally { _items.ExitReadLock(); }
                }
            }
            """);

    [Theory]
    [InlineData("_items.TryEnterWriteLock(100)", "_items.ExitWriteLock()")]
    [InlineData("_items.TryEnterReadLock(TimeSpan.FromSeconds(1))", "_items.ExitReadLock()")]
    [InlineData("_items.TryEnterUpgradeableReadLock(0)", "_items.ExitUpgradeableReadLock()")]
    public void TryEnterHoldsTheLockWhenItSucceeds(string tryEnter, string exit)
        => Verify.Diagnostics($$"""
            using System;
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _items = new(), _prices = new();
                void Add()
                {
                    if ({{tryEnter}})
                    {
                        try { _prices.EnterWriteLock(); try { } finally { _prices.ExitWriteLock(); } }
                        finally { {{exit}}; }
                    }
                }
                void Reprice()
                {
                    _prices.EnterWriteLock();
                    try { {|LD0001:_items.EnterWriteLock()|}; try { } finally { _items.ExitWriteLock(); } }
                    finally { _prices.ExitWriteLock(); }
                }
            }
            """);

    [Fact]
    public void TryEnterAddsNoEdgeIntoTheTriedLock()
        => Verify.Diagnostics("""
            using System.Threading;
            class Catalog
            {
                readonly ReaderWriterLockSlim _items = new(), _prices = new();
                void Add()
                {
                    _items.EnterWriteLock();
                    try { _prices.EnterWriteLock(); try { } finally { _prices.ExitWriteLock(); } }
                    finally { _items.ExitWriteLock(); }
                }
                void Reprice()
                {
                    _prices.EnterWriteLock();
                    try { if (_items.TryEnterWriteLock(0)) { _items.ExitWriteLock(); } }
                    finally { _prices.ExitWriteLock(); }
                }
            }
            """);
}
