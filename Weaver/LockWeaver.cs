using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace LockDiscipline.Weaving
{
    /// <summary>What one weaving pass did, for the build log and the tests.</summary>
    public sealed class WeaveResult
    {
        /// <summary>Why nothing was woven (no site table, no symbols, already woven), or null when the pass ran.</summary>
        public string? NothingDoneBecause { get; internal set; }

        /// <summary>The sites of the table rewritten.</summary>
        public int WovenSites { get; internal set; }

        /// <summary>The sites of the table.</summary>
        public int TableSites { get; internal set; }

        /// <summary>Compiler-emitted releases (a <c>lock</c> statement's <c>Monitor.Exit</c>, a scope's <c>Dispose</c>) paired with a woven acquisition.</summary>
        public int PairedReleases { get; internal set; }

        /// <summary>Sites left unchecked, and why.</summary>
        public List<string> Skipped { get; } = new List<string>();
    }

    /// <summary>
    /// Weaves runtime lock checks into a compiled Debug assembly: each call the generator's site table lists
    /// is found in IL through the portable PDB's sequence points and rewritten. A lock call or annotated call
    /// with a checked call in the table is redirected to it (the generated <c>CheckedCalls</c> method takes
    /// the same arguments, then the site table and the site's index); a <c>lock</c> statement's
    /// <c>Monitor.Enter</c> or <c>Lock.EnterScope</c>, <c>EnterScope</c>, and <c>Monitor</c>/<c>Lock</c> calls
    /// on locks classed by type call <c>LockDiscipline.Validation.WovenLocks</c> with the site's index, and
    /// the releases the compiler emits for them are paired with their acquisitions. Class identity is the
    /// generator's: the weaver only finds calls.
    /// </summary>
    /// <remarks>
    /// Matching: a site is inside the smallest sequence point (of any method) that contains its position;
    /// the k-th listed lock call under a sequence point is the k-th site in it, in source order. A sequence
    /// point whose calls and sites do not agree in number and API is left alone, and said so: a missed
    /// check, never a wrong one.
    /// </remarks>
    public static class LockWeaver
    {
        /// <summary>The generated registry holding the site table.</summary>
        public const string RegistryType = "LockDiscipline.Generated.LockClasses";

        /// <summary>The generated class of the checked calls the table's rows may name.</summary>
        public const string CheckedCallsType = "LockDiscipline.Generated.CheckedCalls";

        private const string GeneratedNamespace = "LockDiscipline.Generated";
        private const string HooksNamespace = "LockDiscipline.Validation";
        private const string HooksType = "WovenLocks";

        private const string MonitorEnter = "System.Threading.Monitor.Enter";
        private const string MonitorExit = "System.Threading.Monitor.Exit";
        private const string LockEnter = "System.Threading.Lock.Enter";
        private const string LockExit = "System.Threading.Lock.Exit";
        private const string LockEnterScope = "System.Threading.Lock.EnterScope";
        private const string ScopeDispose = "System.Threading.Lock/Scope.Dispose";

        /// <summary>Weaves the assembly at <paramref name="assemblyPath"/> and its PDB in place.</summary>
        /// <param name="assemblyPath">The intermediate assembly, with its portable PDB beside it or embedded.</param>
        /// <param name="referenceDirectories">Where the assembly's references are, should writing need to resolve one.</param>
        public static WeaveResult Weave(string assemblyPath, IEnumerable<string> referenceDirectories)
        {
            var result = new WeaveResult();
            using var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(assemblyPath)));
            foreach (var directory in referenceDirectories.Distinct(StringComparer.Ordinal))
            {
                resolver.AddSearchDirectory(directory);
            }

            var pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
            var separatePdb = File.Exists(pdbPath);
            ModuleDefinition module;
            try
            {
                module = ModuleDefinition.ReadModule(assemblyPath, new ReaderParameters { ReadSymbols = true, InMemory = true, AssemblyResolver = resolver });
            }
            catch (SymbolsNotFoundException)
            {
                result.NothingDoneBecause = "the assembly has no portable PDB (DebugType none?), so lock calls cannot be matched to their source";
                return result;
            }

            using (module)
            {
                if (!Weave(module, result))
                {
                    return result;
                }

                // Written to memory, then over the files: a failed write must not leave a broken assembly that the
                // next incremental build would not recompile. Writing streams keeps the PDB path the debug
                // directory records (the original one, which debuggers and stack traces look up).
                using var assembly = new MemoryStream();
                using var symbols = new MemoryStream();
                var parameters = new WriterParameters
                {
                    WriteSymbols = true,
                    SymbolWriterProvider = separatePdb ? new PortablePdbWriterProvider() : new EmbeddedPortablePdbWriterProvider(),
                    SymbolStream = separatePdb ? symbols : null,
                };
                module.Write(assembly, parameters);
                File.WriteAllBytes(assemblyPath, assembly.ToArray());
                if (separatePdb)
                {
                    File.WriteAllBytes(pdbPath, symbols.ToArray());
                }
            }

            return result;
        }

        /// <summary>Rewrites the module in memory; false when there was nothing to do.</summary>
        internal static bool Weave(ModuleDefinition module, WeaveResult result)
        {
            var registry = module.GetType(RegistryType);
            var tableField = registry?.Fields.FirstOrDefault(f => f.Name == "SiteTable" && f.HasConstant);
            var sitesField = registry?.Fields.FirstOrDefault(f => f.Name == "Sites" && f.IsStatic);
            var runtime = module.AssemblyReferences.FirstOrDefault(r => r.Name == "LockDiscipline");
            if (tableField?.Constant is not string text || sitesField is null || runtime is null)
            {
                result.NothingDoneBecause = "the generator wrote no site table (no lock operation or annotated call to check, or runtime checks off)";
                return false;
            }

            if (module.GetTypeReferences().Any(t => t.Namespace == HooksNamespace && t.Name == HooksType))
            {
                result.NothingDoneBecause = "the assembly is already woven";
                return false;
            }

            var rows = SiteTable.Parse(text);
            result.TableSites = rows.Count;
            var hooks = new Hooks(module, runtime, sitesField, module.GetType(CheckedCallsType));
            // Methods without sequence points are the compiler's (an iterator's finally method): releases only.
            var methods = module.GetTypes()
                .Where(type => !IsGenerated(type))
                .SelectMany(type => type.Methods)
                .Where(method => method.HasBody)
                .ToList();

            // Everything is found before anything moves: rewriting shifts the offsets sequence points are read by.
            var matched = Match(methods.Where(method => method.DebugInformation.HasSequencePoints).ToList(), rows, result);
            var releases = methods.ToDictionary(method => method, CompilerReleases);
            var lockTemps = new HashSet<string>(StringComparer.Ordinal);
            var scopeStashes = new Dictionary<(MethodDefinition, int), VariableDefinition>();
            var touched = new HashSet<MethodDefinition>();
            foreach (var method in methods)
            {
                if (!matched.TryGetValue(method, out var calls))
                {
                    continue;
                }

                method.Body.SimplifyMacros();
                touched.Add(method);
                foreach (var (call, row) in calls)
                {
                    if (Rewrite(method, call, row, hooks, lockTemps, scopeStashes, result))
                    {
                        result.WovenSites++;
                    }
                }
            }

            foreach (var method in methods)
            {
                if (releases[method].Count > 0 && (lockTemps.Count > 0 || scopeStashes.Count > 0))
                {
                    if (touched.Add(method))
                    {
                        method.Body.SimplifyMacros();
                    }

                    PairReleases(method, releases[method], hooks, lockTemps, scopeStashes, result);
                }
            }

            foreach (var method in touched)
            {
                method.Body.OptimizeMacros();
            }

            return result.WovenSites > 0;
        }

        private static bool IsGenerated(TypeDefinition type)
        {
            while (type.DeclaringType is not null)
            {
                type = type.DeclaringType;
            }

            return type.Namespace == GeneratedNamespace;
        }

        /// <summary>The listed lock calls of each method, each with the site table row it is.</summary>
        private static Dictionary<MethodDefinition, List<(Instruction Call, SiteRow Row)>> Match(List<MethodDefinition> methods, IReadOnlyList<SiteRow> rows, WeaveResult result)
        {
            // Every visible sequence point, by document.
            var byDocument = new Dictionary<string, List<(MethodDefinition Method, SequencePoint Point)>>(StringComparer.Ordinal);
            foreach (var method in methods)
            {
                foreach (var point in method.DebugInformation.SequencePoints)
                {
                    if (point.IsHidden)
                    {
                        continue;
                    }

                    var url = point.Document.Url.Replace('\\', '/');
                    if (!byDocument.TryGetValue(url, out var points))
                    {
                        points = new List<(MethodDefinition, SequencePoint)>();
                        byDocument.Add(url, points);
                    }

                    points.Add((method, point));
                }
            }

            // Each site into the smallest sequence point around it.
            var documentOf = new Dictionary<string, List<(MethodDefinition Method, SequencePoint Point)>?>(StringComparer.Ordinal);
            var sitesAt = new Dictionary<MethodDefinition, Dictionary<int, List<SiteRow>>>();
            foreach (var row in rows)
            {
                if (!documentOf.TryGetValue(row.File, out var points))
                {
                    points = byDocument.Where(document => SameFile(document.Key, row.File)).Select(document => document.Value).FirstOrDefault();
                    documentOf.Add(row.File, points);
                }

                // A lock statement on a System.Threading.Lock gets no sequence point of its own in Debug builds (its
                // EnterScope runs under the statement before it): such a site goes with the last one starting before it.
                (MethodDefinition Method, SequencePoint Point)? best = null;
                (MethodDefinition Method, SequencePoint Point)? preceding = null;
                foreach (var candidate in points ?? Enumerable.Empty<(MethodDefinition Method, SequencePoint Point)>())
                {
                    if (Contains(candidate.Point, row.Line, row.Column))
                    {
                        if (best is null || Size(candidate.Point) < Size(best.Value.Point))
                        {
                            best = candidate;
                        }
                    }
                    else if (StartsBefore(candidate.Point, row.Line, row.Column) && (preceding is null || StartsBefore(preceding.Value.Point, candidate.Point.StartLine, candidate.Point.StartColumn)))
                    {
                        preceding = candidate;
                    }
                }

                best ??= row.Api == LockEnterScope ? preceding : null;

                if (best is null)
                {
                    result.Skipped.Add(Where(row) + ": no sequence point covers it");
                    continue;
                }

                if (!sitesAt.TryGetValue(best.Value.Method, out var inMethod))
                {
                    inMethod = new Dictionary<int, List<SiteRow>>();
                    sitesAt.Add(best.Value.Method, inMethod);
                }

                if (!inMethod.TryGetValue(best.Value.Point.Offset, out var list))
                {
                    list = new List<SiteRow>();
                    inMethod.Add(best.Value.Point.Offset, list);
                }

                list.Add(row);
            }

            // The listed calls under each of those sequence points (calls of the APIs its sites name), in IL order,
            // against the sites in source order.
            var matched = new Dictionary<MethodDefinition, List<(Instruction, SiteRow)>>();
            foreach (var method in methods)
            {
                if (!sitesAt.TryGetValue(method, out var inMethod))
                {
                    continue;
                }

                var pointAt = PointsByOffset(method);
                SequencePoint? current = null;
                SequencePoint? lastVisible = null;
                var callsAt = new Dictionary<int, List<Instruction>>();
                foreach (var instruction in method.Body.Instructions)
                {
                    if (pointAt.TryGetValue(instruction.Offset, out var point))
                    {
                        current = point.IsHidden ? null : point;
                        lastVisible = current ?? lastVisible;
                    }

                    // A lock statement's EnterScope may follow the hidden finally of the statement before it: it belongs
                    // with the last visible sequence point, as its site does.
                    var api = ApiOf(instruction);
                    var under = current ?? (api == LockEnterScope ? lastVisible : null);
                    if (under is not null && inMethod.TryGetValue(under.Offset, out var sitesHere) && sitesHere.Exists(site => site.Api == api))
                    {
                        if (!callsAt.TryGetValue(under.Offset, out var list))
                        {
                            list = new List<Instruction>();
                            callsAt.Add(under.Offset, list);
                        }

                        list.Add(instruction);
                    }
                }

                foreach (var pair in inMethod)
                {
                    var sites = pair.Value.OrderBy(r => r.Line).ThenBy(r => r.Column).ToList();
                    callsAt.TryGetValue(pair.Key, out var calls);
                    if (calls is null || calls.Count != sites.Count || calls.Where((call, k) => ApiOf(call) != sites[k].Api).Any())
                    {
                        result.Skipped.AddRange(sites.Select(site => Where(site) + ": " + (calls?.Count ?? 0) + " lock call(s) in IL for " + sites.Count + " site(s) under its sequence point"));
                        continue;
                    }

                    if (!matched.TryGetValue(method, out var list))
                    {
                        list = new List<(Instruction, SiteRow)>();
                        matched.Add(method, list);
                    }

                    list.AddRange(calls.Select((call, k) => (call, sites[k])));
                }
            }

            return matched;
        }

        private static string Where(SiteRow row) => row.File + "(" + row.Line + "," + row.Column + ")";

        /// <summary>
        /// Whether a PDB document (a full path) is the file a site row names: relative to the project's folder, or,
        /// for a file compiled in from outside it (<c>Compile Include="../Shared/*.cs"</c>), as the project names it,
        /// climbing out of its folder first.
        /// </summary>
        internal static bool SameFile(string documentUrl, string file)
        {
            var inside = file;
            while (inside.StartsWith("../", StringComparison.Ordinal) || inside.StartsWith("./", StringComparison.Ordinal))
            {
                inside = inside.Substring(inside.IndexOf('/') + 1);
            }

            return documentUrl == file || documentUrl.EndsWith("/" + inside, StringComparison.Ordinal);
        }

        private static bool Contains(SequencePoint point, int line, int column)
            => (point.StartLine < line || (point.StartLine == line && point.StartColumn <= column))
                && (point.EndLine > line || (point.EndLine == line && point.EndColumn > column));

        private static bool StartsBefore(SequencePoint point, int line, int column)
            => point.StartLine < line || (point.StartLine == line && point.StartColumn < column);

        private static long Size(SequencePoint point) => ((long)(point.EndLine - point.StartLine) << 20) + point.EndColumn - point.StartColumn;

        /// <summary><c>Namespace.Type.Method</c> of a call instruction (nested types joined by '/', generic types by their metadata name), or empty.</summary>
        private static string ApiOf(Instruction instruction)
            => (instruction.OpCode.Code is Code.Call or Code.Callvirt) && instruction.Operand is MethodReference method
                ? method.DeclaringType.GetElementType().FullName + "." + method.Name
                : string.Empty;

        private static bool Rewrite(
            MethodDefinition method,
            Instruction call,
            SiteRow row,
            Hooks hooks,
            HashSet<string> lockTemps,
            Dictionary<(MethodDefinition, int), VariableDefinition> scopeStashes,
            WeaveResult result)
        {
            var target = (MethodReference)call.Operand;
            var il = method.Body.GetILProcessor();
            if (row.CheckedCall.Length > 0)
            {
                return Redirect(il, call, target, row, hooks, result);
            }

            switch (row.Api)
            {
                case MonitorEnter:
                {
                    var withFlag = target.Parameters.Count == 2;
                    if (withFlag && LockObjectSource(LockObjectLoad(call)) is { } source)
                    {
                        // The lock statement's temporary: its compiler-emitted Monitor.Exit is this acquisition's release.
                        lockTemps.Add(Key(method, source));
                    }

                    var moved = InsertBefore(il, call, hooks.LoadSites(), Instruction.Create(OpCodes.Ldc_I4, row.Index));
                    moved.Operand = withFlag ? hooks.MonitorEnterWithFlag : hooks.MonitorEnter;
                    return true;
                }

                case MonitorExit:
                {
                    var moved = InsertBefore(il, call, hooks.LoadSites(), Instruction.Create(OpCodes.Ldc_I4, row.Index));
                    moved.Operand = hooks.MonitorExit;
                    return true;
                }

                case LockEnter:
                    InsertBefore(il, call, Instruction.Create(OpCodes.Dup), hooks.LoadSites(), Instruction.Create(OpCodes.Ldc_I4, row.Index), Instruction.Create(OpCodes.Call, hooks.Acquiring));
                    return true;

                case LockExit:
                {
                    // lock; lock; IsHeld; sites; site -> Releasing: a bool says whether to exit (false only for a
                    // reported release with Lockdep.SkipBadUnlocks), so the skip drops the lock left for Exit.
                    var exit = InsertBefore(
                        il,
                        call,
                        Instruction.Create(OpCodes.Dup),
                        Instruction.Create(OpCodes.Dup),
                        Instruction.Create(OpCodes.Callvirt, hooks.IsHeldByCurrentThread(target.DeclaringType)),
                        hooks.LoadSites(),
                        Instruction.Create(OpCodes.Ldc_I4, row.Index),
                        Instruction.Create(OpCodes.Call, hooks.Releasing));
                    var after = Instruction.Create(OpCodes.Nop);
                    il.InsertAfter(exit, after);
                    il.InsertBefore(exit, Instruction.Create(OpCodes.Brtrue, exit));
                    il.InsertBefore(exit, Instruction.Create(OpCodes.Pop));
                    il.InsertBefore(exit, Instruction.Create(OpCodes.Br, after));
                    return true;
                }

                case LockEnterScope:
                {
                    // The scope goes to a local whose Dispose releases the lock; the lock itself is kept beside it
                    // so the release can be reported (a Lock.Scope does not expose its lock).
                    if (call.Next is not { OpCode.Code: Code.Stloc } store || store.Operand is not VariableDefinition scope)
                    {
                        result.Skipped.Add(Where(row) + ": the scope is not stored in a local, so its release could not be found");
                        return false;
                    }

                    var stash = new VariableDefinition(target.DeclaringType);
                    method.Body.Variables.Add(stash);
                    method.Body.InitLocals = true;
                    scopeStashes[(method, scope.Index)] = stash;
                    InsertBefore(
                        il,
                        call,
                        Instruction.Create(OpCodes.Dup),
                        Instruction.Create(OpCodes.Stloc, stash),
                        Instruction.Create(OpCodes.Dup),
                        hooks.LoadSites(),
                        Instruction.Create(OpCodes.Ldc_I4, row.Index),
                        Instruction.Create(OpCodes.Call, hooks.Acquiring));
                    return true;
                }

                default:
                    result.Skipped.Add(Where(row) + ": " + row.Api + " is not a call the weaver rewrites");
                    return false;
            }
        }

        /// <summary>
        /// Puts the row's checked call in place of the call: it takes the call's receiver and arguments as they
        /// are on the stack, then the site table and the site's index. A call the checked call's signature does
        /// not fit (another overload than the generator bound) or that has a prefix (<c>constrained.</c>) is
        /// left alone.
        /// </summary>
        private static bool Redirect(ILProcessor il, Instruction call, MethodReference target, SiteRow row, Hooks hooks, WeaveResult result)
        {
            if (hooks.CheckedCall(row.CheckedCall) is not { } checkedCall)
            {
                result.Skipped.Add(Where(row) + ": the generated checked call " + row.CheckedCall + " is missing");
                return false;
            }

            if (call.Previous?.OpCode.OpCodeType == OpCodeType.Prefix)
            {
                result.Skipped.Add(Where(row) + ": the call has an " + call.Previous.OpCode.Name + " prefix");
                return false;
            }

            if (!Fits(checkedCall, target))
            {
                result.Skipped.Add(Where(row) + ": " + checkedCall.Name + " does not take the arguments of " + target.FullName);
                return false;
            }

            var moved = InsertBefore(il, call, hooks.LoadSites(), Instruction.Create(OpCodes.Ldc_I4, row.Index));
            moved.OpCode = OpCodes.Call;
            moved.Operand = checkedCall;
            return true;
        }

        /// <summary>Whether the checked call takes the receiver (if any) and the arguments of <paramref name="target"/>, then the site table and an index.</summary>
        private static bool Fits(MethodDefinition checkedCall, MethodReference target)
        {
            var receiver = target.HasThis ? 1 : 0;
            var parameters = checkedCall.Parameters;
            if (parameters.Count != receiver + target.Parameters.Count + 2 || parameters[parameters.Count - 1].ParameterType.MetadataType != MetadataType.Int32)
            {
                return false;
            }

            // An instantiated generic method or type lists its parameters as declared (T): the count is the check.
            if (target is GenericInstanceMethod || target.DeclaringType is GenericInstanceType)
            {
                return true;
            }

            for (var i = 0; i < target.Parameters.Count; i++)
            {
                if (parameters[receiver + i].ParameterType.FullName != target.Parameters[i].ParameterType.FullName)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The releases the compiler emits under hidden sequence points: a <c>lock</c> statement's
        /// <c>Monitor.Exit(temp)</c> in its <c>finally</c>, paired with the woven <c>Monitor.Enter(temp, ref taken)</c>
        /// by the temporary (a local, or a field of an iterator's state machine), and a <c>Lock.Scope</c>'s
        /// <c>Dispose</c>, paired with its woven <c>EnterScope</c> by the scope's local.
        /// </summary>
        private static void PairReleases(
            MethodDefinition method,
            List<Instruction> releases,
            Hooks hooks,
            HashSet<string> lockTemps,
            Dictionary<(MethodDefinition, int), VariableDefinition> scopeStashes,
            WeaveResult result)
        {
            var il = method.Body.GetILProcessor();
            foreach (var release in releases)
            {
                if (ApiOf(release) == MonitorExit)
                {
                    if (LockObjectSource(release.Previous) is { } source && lockTemps.Contains(Key(method, source)))
                    {
                        release.Operand = hooks.LockStatementExit;
                        result.PairedReleases++;
                    }
                }
                else if (release.Previous is { OpCode.Code: Code.Ldloca } load
                    && load.Operand is VariableDefinition scope
                    && scopeStashes.TryGetValue((method, scope.Index), out var stash))
                {
                    InsertBefore(il, load, Instruction.Create(OpCodes.Ldloc, stash), Instruction.Create(OpCodes.Call, hooks.ScopeDisposing));
                    result.PairedReleases++;
                }
            }
        }

        /// <summary>The <c>Monitor.Exit</c> calls under hidden sequence points (a <c>lock</c> statement's) and every <c>Lock.Scope.Dispose</c>.</summary>
        private static List<Instruction> CompilerReleases(MethodDefinition method)
        {
            // Code before the first sequence point, or in a method with none, is the compiler's.
            var pointAt = PointsByOffset(method);
            var hidden = true;
            var releases = new List<Instruction>();
            foreach (var instruction in method.Body.Instructions)
            {
                if (pointAt.TryGetValue(instruction.Offset, out var point))
                {
                    hidden = point.IsHidden;
                }

                var api = ApiOf(instruction);
                if ((api == MonitorExit && hidden) || api == ScopeDispose)
                {
                    releases.Add(instruction);
                }
            }

            return releases;
        }

        private static Dictionary<int, SequencePoint> PointsByOffset(MethodDefinition method)
            => method.DebugInformation.SequencePoints.GroupBy(p => p.Offset).ToDictionary(g => g.Key, g => g.First());

        /// <summary>
        /// The instruction loading the lock object of <c>Monitor.Enter(obj, ref taken)</c>: before the flag's
        /// address, which is a local's (<c>ldloca</c>) or, in a state machine, a field's (<c>ldarg.0; ldflda</c>).
        /// </summary>
        private static Instruction? LockObjectLoad(Instruction enter)
        {
            var flag = enter.Previous;
            return flag?.OpCode.Code == Code.Ldflda ? flag.Previous?.Previous : flag?.Previous;
        }

        /// <summary>Where the lock object of a <c>lock</c> statement is kept: the local or field the instruction loads.</summary>
        private static object? LockObjectSource(Instruction? load) => load switch
        {
            { OpCode.Code: Code.Ldloc, Operand: VariableDefinition local } => local,
            { OpCode.Code: Code.Ldfld, Operand: FieldReference field } => field,
            _ => null,
        };

        /// <summary>A local is its method's; a state machine's field is shared by MoveNext and the finally methods.</summary>
        private static string Key(MethodDefinition method, object source) => source switch
        {
            VariableDefinition local => method.FullName + "#" + local.Index,
            FieldReference field => field.FullName,
            _ => throw new ArgumentException("Not a lock object source.", nameof(source)),
        };

        /// <summary>
        /// Inserts instructions before <paramref name="target"/> such that branches, exception handler bounds and
        /// sequence points that pointed at it now point at the first inserted one; returns the instruction that
        /// now does what <paramref name="target"/> did.
        /// </summary>
        private static Instruction InsertBefore(ILProcessor il, Instruction target, params Instruction[] inserted)
        {
            var moved = Instruction.Create(OpCodes.Nop);
            moved.OpCode = target.OpCode;
            moved.Operand = target.Operand;
            target.OpCode = inserted[0].OpCode;
            target.Operand = inserted[0].Operand;
            var last = target;
            for (var i = 1; i < inserted.Length; i++)
            {
                il.InsertAfter(last, inserted[i]);
                last = inserted[i];
            }

            il.InsertAfter(last, moved);
            return moved;
        }

        /// <summary>References to the runtime's hooks and the generated site table, made once per module.</summary>
        private sealed class Hooks
        {
            private readonly ModuleDefinition _module;
            private readonly FieldReference _sites;

            private readonly Dictionary<string, MethodDefinition> _checkedCalls = new Dictionary<string, MethodDefinition>(StringComparer.Ordinal);

            public Hooks(ModuleDefinition module, AssemblyNameReference runtime, FieldReference sites, TypeDefinition? checkedCalls)
            {
                _module = module;
                _sites = sites;
                foreach (var method in checkedCalls?.Methods ?? Enumerable.Empty<MethodDefinition>())
                {
                    _checkedCalls[method.Name] = method;
                }

                var hooks = new TypeReference(HooksNamespace, HooksType, module, runtime);
                var table = new TypeReference(HooksNamespace, "LockSiteTable", module, runtime);
                var system = module.TypeSystem;
                MonitorEnter = Method(hooks, "MonitorEnter", system.Object, table, system.Int32);
                MonitorEnterWithFlag = Method(hooks, "MonitorEnter", system.Object, new ByReferenceType(system.Boolean), table, system.Int32);
                MonitorExit = Method(hooks, "MonitorExit", system.Object, table, system.Int32);
                Acquiring = Method(hooks, "Acquiring", system.Object, table, system.Int32);
                Releasing = Method(hooks, "Releasing", system.Object, system.Boolean, table, system.Int32);
                Releasing.ReturnType = system.Boolean;
                LockStatementExit = Method(hooks, "LockStatementExit", system.Object);
                ScopeDisposing = Method(hooks, "ScopeDisposing", system.Object);
            }

            public MethodReference MonitorEnter { get; }

            public MethodReference MonitorEnterWithFlag { get; }

            public MethodReference MonitorExit { get; }

            public MethodReference Acquiring { get; }

            public MethodReference Releasing { get; }

            public MethodReference LockStatementExit { get; }

            public MethodReference ScopeDisposing { get; }

            public Instruction LoadSites() => Instruction.Create(OpCodes.Ldsfld, _sites);

            public MethodDefinition? CheckedCall(string name) => _checkedCalls.TryGetValue(name, out var method) ? method : null;

            public MethodReference IsHeldByCurrentThread(TypeReference lockType)
                => new MethodReference("get_IsHeldByCurrentThread", _module.TypeSystem.Boolean, lockType) { HasThis = true };

            private MethodReference Method(TypeReference type, string name, params TypeReference[] parameters)
            {
                var method = new MethodReference(name, _module.TypeSystem.Void, type);
                foreach (var parameter in parameters)
                {
                    method.Parameters.Add(new ParameterDefinition(parameter));
                }

                return method;
            }
        }
    }
}
