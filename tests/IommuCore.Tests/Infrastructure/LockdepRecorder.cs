using System.Collections.Concurrent;
using LockDiscipline;

namespace IommuCore.Tests.Infrastructure;

/// <summary>
/// The collection of every test that drives the process-wide lockdep engine: a Debug build of IommuCore
/// carries the generated runtime checks, so every scenario run talks to it. The tests run one at a time,
/// under one <see cref="LockdepRecorder"/>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LockdepCollection : ICollectionFixture<LockdepRecorder>
{
    public const string Name = "Lockdep (process-wide engine)";
}

/// <summary>
/// Puts the engine in <see cref="LockdepMode.Callback"/> mode for the whole collection and keeps every
/// report it makes. The engine reports each problem once per process and cannot be reset from here
/// (<c>Lockdep.Reset</c> is internal to the runtime's own tests), so the recorder spans the collection: a
/// report made by any scenario run stays visible to every later test, instead of being deduplicated away.
/// </summary>
public sealed class LockdepRecorder : IDisposable
{
    private readonly ConcurrentQueue<LockdepReport> _reports = new();

    public LockdepRecorder()
    {
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = _reports.Enqueue;
    }

    /// <summary>Every report made since the collection started, in order.</summary>
    public IReadOnlyList<LockdepReport> Reports => _reports.ToArray();

    /// <summary>The reports, whole, for a failure message.</summary>
    public string Describe() =>
        Reports.Count == 0 ? "no report" : string.Join("\n\n", Reports.Select(r => r.Text));

    public void Dispose()
    {
        Lockdep.Callback = null;
        Lockdep.Mode = LockdepMode.Log;
    }
}
