using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Generator.Model
{
    // The pipeline's models. Each is plain data (strings, ints, bools, EquatableArray) compared by
    // value, so the incremental driver can tell that an edit left a step's output unchanged and skip
    // the steps after it. Symbols, syntax, locations and semantic models never leave a transform.

    /// <summary>What the project asked for and whether it can be given.</summary>
    /// <param name="Enabled">Runtime checks are switched on (LockDisciplineRuntimeChecks, else a Debug build).</param>
    /// <param name="Unavailable">Why checks that are on cannot be generated (LDG002), or null when they can.</param>
    /// <param name="ProjectDirectory">The project's directory, to print call sites relative to it; empty when unknown.</param>
    internal sealed record GeneratorSettings(bool Enabled, string? Unavailable, string ProjectDirectory)
    {
        /// <summary>Whether interceptors and the registry are emitted.</summary>
        public bool Emits => Enabled && Unavailable is null;
    }

    /// <summary>A span in a source file, enough to rebuild a <see cref="Location"/> for a diagnostic.</summary>
    internal sealed record SourceSpan(string Path, int Start, int Length, int StartLine, int StartCharacter, int EndLine, int EndCharacter)
    {
        public static SourceSpan? From(SyntaxReference? reference)
        {
            if (reference is null)
            {
                return null;
            }

            var span = reference.Span;
            var lines = reference.SyntaxTree.GetLineSpan(span);
            return new SourceSpan(reference.SyntaxTree.FilePath, span.Start, span.Length, lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
        }

        public Location ToLocation()
            => Location.Create(Path, new TextSpan(Start, Length), new LinePositionSpan(new LinePosition(StartLine, StartCharacter), new LinePosition(EndLine, EndCharacter)));
    }

    /// <summary>A member carrying <c>[LockClass(Name)]</c>; <paramref name="Kind"/> is a <c>LockClassKind</c> member name.</summary>
    internal sealed record LockClassDeclaration(string Name, string Kind);

    /// <summary>
    /// One end of a declared order. A name resolved through members is already a class name; a name that
    /// did not start with a member or parameter can only be a <c>[LockClass]</c> name, checked when all
    /// of those are known.
    /// </summary>
    internal sealed record OrderEndpoint(string Name, bool MustBeDeclaredClass);

    /// <summary>A declared order "<paramref name="Before"/> is acquired before <paramref name="After"/>", from the attribute at <paramref name="Where"/>.</summary>
    internal sealed record OrderEdge(OrderEndpoint Before, OrderEndpoint After, SourceSpan? Where);

    /// <summary>An invocation whose simple name is worth binding, found by syntax alone.</summary>
    internal sealed record CallCandidate(string Path, int Start, int Length, string Name);

    /// <summary>The call site as the engine prints it: file relative to the project, 1-based line, <c>Type.Member</c>.</summary>
    internal sealed record LockSiteInfo(string File, int Line, string Member);

    /// <summary>The arguments of one <c>[InterceptsLocation(Version, Data)]</c>; <paramref name="Position"/> orders the output.</summary>
    internal sealed record InterceptLocation(int Version, string Data, string Display, int Position);

    /// <summary>
    /// Call sites of one lock API method (<paramref name="ApiKey"/>, see <c>LockApiCatalog</c>) on one lock
    /// class at one printed site; several calls on one line share one interceptor.
    /// </summary>
    internal sealed record LockCall(string ApiKey, string ClassName, LockSiteInfo Site, EquatableArray<InterceptLocation> Locations);

    /// <summary>A parameter of an intercepted annotated method, as the interceptor must declare it.</summary>
    /// <param name="Modifier">"", "ref ", "out ", "in " or "ref readonly ".</param>
    internal sealed record ContractParameter(string Modifier, string Type, bool IsParams, bool IsScoped);

    /// <summary>
    /// One check before a call of an annotated method: <paramref name="Hook"/> is <c>AssertHeld</c>,
    /// <c>AssertHeldShared</c> or <c>AssertNotHeld</c>, on the lock class <paramref name="ClassName"/>.
    /// </summary>
    internal sealed record ContractCheck(string Hook, string ClassName);

    /// <summary>How the interceptor reaches the annotated method.</summary>
    internal enum CalleeAccess
    {
        /// <summary>An ordinary call: the method is accessible from the generated class.</summary>
        Direct,

        /// <summary>An <c>[UnsafeAccessor]</c> to a private or protected instance method.</summary>
        UnsafeInstance,

        /// <summary>An <c>[UnsafeAccessor]</c> to a private or protected static method.</summary>
        UnsafeStatic,

        /// <summary>
        /// An <c>[UnsafeAccessor]</c> to a private static method of a static class, which cannot be a
        /// parameter type: the class is named by <c>[UnsafeAccessorType]</c> (.NET 10 and later).
        /// </summary>
        UnsafeStaticByName,
    }

    /// <summary>
    /// Call sites of one annotated method with the same checks at the same printed site. The signature is
    /// the method's as bound at the call (generic arguments substituted), which a non-generic interceptor
    /// must match exactly.
    /// </summary>
    /// <param name="ContainingType">The declaring type, fully qualified.</param>
    /// <param name="MethodName">The method's name.</param>
    /// <param name="IsInstance">An instance method: the interceptor's first parameter is <c>this ContainingType</c>.</param>
    /// <param name="IsExtension">A static extension method called in reduced form: its first parameter keeps <c>this</c>.</param>
    /// <param name="ReturnType">The return type, fully qualified with nullability, or <c>void</c>.</param>
    /// <param name="TypeArguments">Explicit type arguments for the forwarded call, such as <c>&lt;int&gt;</c>, or empty.</param>
    /// <param name="RuntimeTypeName">The declaring type's assembly-qualified name, for <see cref="CalleeAccess.UnsafeStaticByName"/>; else empty.</param>
    internal sealed record ContractCall(
        string ContainingType,
        string MethodName,
        bool IsInstance,
        bool IsExtension,
        string ReturnType,
        string TypeArguments,
        EquatableArray<ContractParameter> Parameters,
        CalleeAccess Access,
        string RuntimeTypeName,
        EquatableArray<ContractCheck> Checks,
        bool MightSleep,
        string? IrqContext,
        LockSiteInfo Site,
        EquatableArray<InterceptLocation> Locations);

    /// <summary>The interceptors for the calls in one source file.</summary>
    /// <param name="HideFrames">Mark interceptors <c>[StackTraceHidden]</c> (.NET 6 and later), so stack traces show the user's call, not the generated wrapper.</param>
    internal sealed record FileInterceptors(string Path, EquatableArray<LockCall> Locks, EquatableArray<ContractCall> Contracts, bool HideFrames);

    /// <summary>A lock class some generated code refers to; <paramref name="Kind"/> is a <c>LockClassKind</c> member name.</summary>
    internal sealed record UsedClass(string Name, string Kind);

    /// <summary>Everything bound from the call sites of the compilation.</summary>
    internal sealed record BoundCalls(EquatableArray<FileInterceptors> Files, EquatableArray<UsedClass> Classes);

    /// <summary>One field of the registry: a class name, its <c>LockClassKind</c> member name and its declared-order rank (-1 for none).</summary>
    internal sealed record RegistryEntry(string Name, string Kind, int Rank);

    /// <summary>A contradiction among declared orders, as LDG001 reports it.</summary>
    internal sealed record OrderCycleReport(string Cycle, SourceSpan? Where);

    /// <summary>The registry file and the order contradictions found while ranking.</summary>
    internal sealed record RegistryModel(EquatableArray<RegistryEntry> Entries, EquatableArray<OrderCycleReport> Cycles);
}
