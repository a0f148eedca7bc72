namespace LockDiscipline.Generator.Tests;

/// <summary>The tests that drive the process-wide lock validator and set its mode: run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection
{
    public const string Name = "Lock validator";
}
