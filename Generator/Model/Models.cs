using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Generator.Model
{
    // The pipeline's models. Each is plain data (strings, ints, bools, EquatableArray) compared by
    // value, so the incremental driver can tell that an edit left a step's output unchanged and skip
    // the steps after it. Symbols, syntax, locations and semantic models never leave a transform.

    /// <summary>What the project asked for.</summary>
    /// <param name="Emits">Runtime checks are switched on (LockDisciplineRuntimeChecks, else a Debug build) and the runtime library can take them.</param>
    /// <param name="ProjectDirectory">The project's directory, to print call sites relative to it; empty when unknown.</param>
    /// <param name="Nullable">The language version has nullable reference types (C# 8), so generated code may say <c>#nullable enable</c>.</param>
    internal sealed record GeneratorSettings(bool Emits, string ProjectDirectory, bool Nullable);

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

        public static SourceSpan? From(Location location)
        {
            if (!location.IsInSource || location.SourceTree is null)
            {
                return null;
            }

            var lines = location.GetLineSpan();
            return new SourceSpan(location.SourceTree.FilePath, location.SourceSpan.Start, location.SourceSpan.Length, lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
        }

        public Location ToLocation()
            => Location.Create(Path, new TextSpan(Start, Length), new LinePositionSpan(new LinePosition(StartLine, StartCharacter), new LinePosition(EndLine, EndCharacter)));
    }

    /// <summary>
    /// A lock class as the generated code registers it: the lock model's stable <paramref name="Key"/>
    /// (identity), the <paramref name="Name"/> reports print, and <paramref name="Kind"/>, a
    /// <c>LockClassKind</c> member name.
    /// </summary>
    internal sealed record ClassRef(string Key, string Name, string Kind);

    /// <summary>A declared order: a lock of class <paramref name="FirstKey"/> is acquired before one of <paramref name="SecondKey"/>, declared at <paramref name="DeclaredAt"/> (<c>File.cs:line</c>).</summary>
    internal sealed record DeclaredOrderPair(string FirstKey, string SecondKey, string DeclaredAt);

    /// <summary>An invocation whose simple name is worth binding, found by syntax alone.</summary>
    internal sealed record CallCandidate(string Path, int Start, int Length, string Name);

    /// <summary>The call site as the engine prints it: file relative to the project, 1-based line, <c>Type.Member</c>.</summary>
    internal sealed record LockSiteInfo(string File, int Line, string Member);

    /// <summary>What a checked call does around the real call.</summary>
    internal enum ApiShape
    {
        /// <summary>Blocking acquisition: <c>Acquire</c> before, <c>AcquireFailed</c> if the real call throws.</summary>
        Acquire,

        /// <summary><c>Monitor.Enter(obj, ref lockTaken)</c>: acquired unless the call throws with <c>lockTaken</c> still false.</summary>
        AcquireWithFlag,

        /// <summary>Try-acquisition returning whether it acquired: <c>TryAcquired</c> after.</summary>
        TryAcquire,

        /// <summary>Try-acquisition reporting through <c>ref bool lockTaken</c>: <c>TryAcquired</c> after, even if it throws.</summary>
        TryAcquireWithFlag,

        /// <summary><c>SemaphoreSlim.WaitAsync</c> without a timeout: <c>Acquire</c> before, <c>AcquireFailed</c> if the task faults or is cancelled.</summary>
        AcquireAsync,

        /// <summary><c>SemaphoreSlim.WaitAsync</c> with a timeout: <c>TryAcquired</c> when the task completes.</summary>
        TryAcquireAsync,

        /// <summary>Release returning nothing: <c>Release</c> before; the real release is skipped when the engine says this thread does not hold it (and the lock agrees).</summary>
        Release,

        /// <summary><c>SemaphoreSlim.Release</c>, which returns the previous count.</summary>
        ReleaseCount,

        /// <summary><c>KRwSem.DowngradeWrite</c>: <c>Downgrade</c> before.</summary>
        Downgrade,
    }

    /// <summary>A parameter of a lock API method, written as its checked call declares it.</summary>
    /// <param name="Modifier">"" or "ref ".</param>
    internal sealed record ApiParameter(string Modifier, string Type, string Name);

    /// <summary>
    /// One overload of a lock API as its checked call declares and forwards it: the lock model's
    /// <c>LockApi</c> row, specialised to the overload bound at the call. Every call of that overload with
    /// those flags shares one checked call; the class and the site come from the site table at run time.
    /// </summary>
    /// <param name="Type">The declaring type, fully qualified.</param>
    /// <param name="IsStatic">A static method (Monitor) locks its first argument, <c>obj</c>; an instance method locks <c>self</c>, its first parameter.</param>
    /// <param name="Flags">The <c>AcquireFlags</c> member names, joined with " | ".</param>
    /// <param name="HeldCheck">For releases: true when the real lock is held (see <c>LockApi.HeldCheck</c>).</param>
    /// <param name="Subclass">The nesting subclass expression: "0", or the parameter that carries it.</param>
    internal sealed record InterceptedApi(
        string Type,
        string Method,
        bool IsStatic,
        string ReturnType,
        ApiShape Shape,
        string Flags,
        string HeldCheck,
        string Subclass,
        EquatableArray<ApiParameter> Parameters)
    {
        /// <summary>The expression of the locked object inside the checked call.</summary>
        public string LockObject => IsStatic ? Parameters[0].Name : "self";
    }

    /// <summary>A parameter of an annotated method, as its checked call must declare it.</summary>
    /// <param name="Modifier">"", "ref ", "out ", "in " or "ref readonly ".</param>
    internal sealed record ContractParameter(string Modifier, string Type, bool IsParams, bool IsScoped);

    /// <summary>
    /// One check before a call of an annotated method: <paramref name="Hook"/> is <c>AssertHeld</c>,
    /// <c>AssertHeldShared</c> or <c>AssertNotHeld</c>, on the lock class <paramref name="Class"/>.
    /// </summary>
    internal sealed record ContractCheck(string Hook, ClassRef Class);

    /// <summary>How the checked call reaches the annotated method.</summary>
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
    /// One annotated method with its checks, as bound at its calls: all of them share one checked call. The
    /// signature is the method's as bound at the call (generic arguments substituted), which the non-generic
    /// checked call must match exactly: the weaver puts it in place of the call without touching the stack.
    /// </summary>
    /// <param name="ContainingType">The declaring type, fully qualified.</param>
    /// <param name="MethodName">The method's name.</param>
    /// <param name="IsInstance">An instance method: the checked call's first parameter is the receiver, <c>ContainingType self</c>.</param>
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
        string? IrqContext);

    /// <summary>
    /// A lock operation or annotated call the weaver rewrites in the compiled assembly: one row of the site table.
    /// </summary>
    /// <param name="Api">The call as the weaver finds it in IL: the declaring type's metadata name (nested types after '/') and the method's name, such as <c>System.Threading.Monitor.Enter</c>.</param>
    /// <param name="Class">The lock class, or null for a call of an annotated method (its checks name their classes).</param>
    /// <param name="Site">The file, line and member reports print; the weaver finds the site by file, line and <paramref name="Column"/>.</param>
    /// <param name="Column">The 1-based column of the <c>lock</c> keyword or the called method's name.</param>
    /// <param name="Path">The syntax tree's path, to order the table.</param>
    /// <param name="Position">The position in the tree, to order the table.</param>
    /// <param name="CheckedCall">The generated method the call is redirected to (<see cref="Emit.Names.CheckedCallsClass"/>), or empty when a runtime hook does the work (<c>lock</c> statements, scopes, locks classed by type).</param>
    internal sealed record WovenSite(string Api, ClassRef? Class, LockSiteInfo Site, int Column, string Path, int Position, string CheckedCall);

    /// <summary>The checked calls the weaver redirects lock API calls and annotated calls to.</summary>
    /// <param name="HideFrames">Mark them <c>[StackTraceHidden]</c> (.NET 6 and later), so stack traces show the user's call, not the generated one.</param>
    /// <param name="Nullable">The language version allows <c>#nullable enable</c> and <c>!</c>.</param>
    internal sealed record CheckedCallsModel(EquatableArray<InterceptedApi> Locks, EquatableArray<ContractCall> Contracts, bool HideFrames, bool Nullable)
    {
        public static CheckedCallsModel Empty { get; } = new CheckedCallsModel(EquatableArray<InterceptedApi>.Empty, EquatableArray<ContractCall>.Empty, false, false);

        /// <summary>The name of the checked call for the <paramref name="index"/>-th lock API overload: its method's name and a number unique in the class.</summary>
        public string NameOf(InterceptedApi api, int index) => api.Method + "_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The name of the checked call for the <paramref name="index"/>-th annotated method, numbered after the lock APIs'.</summary>
        public string NameOf(ContractCall call, int index) => call.MethodName + "_" + (Locks.Count + index).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A contradiction among declared orders, as LDG001 reports it.</summary>
    internal sealed record OrderCycleReport(string Cycle, SourceSpan? Where);

    /// <summary>
    /// Everything bound from the compilation: the checked calls, and the registry (every class the sites or
    /// the declared orders name, the orders, the order contradictions left out of them, and the site table).
    /// </summary>
    internal sealed record BoundCalls(
        CheckedCallsModel CheckedCalls,
        EquatableArray<ClassRef> Classes,
        EquatableArray<DeclaredOrderPair> Orders,
        EquatableArray<OrderCycleReport> Cycles,
        EquatableArray<WovenSite> Woven)
    {
        public static BoundCalls Empty { get; } = new BoundCalls(
            CheckedCallsModel.Empty,
            EquatableArray<ClassRef>.Empty,
            EquatableArray<DeclaredOrderPair>.Empty,
            EquatableArray<OrderCycleReport>.Empty,
            EquatableArray<WovenSite>.Empty);
    }

    /// <summary>The registry file's content: what <see cref="BoundCalls"/> says of classes and orders, and the weaver's site table; <paramref name="Nullable"/> as in <see cref="CheckedCallsModel"/>.</summary>
    internal sealed record RegistryModel(EquatableArray<ClassRef> Classes, EquatableArray<DeclaredOrderPair> Orders, EquatableArray<OrderCycleReport> Cycles, EquatableArray<WovenSite> Woven, bool Nullable);
}
