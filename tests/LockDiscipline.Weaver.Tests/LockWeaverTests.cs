using System.Collections.Concurrent;
using System.Reflection;
using LockDiscipline.Validation;
using LockDiscipline.Weaving;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace LockDiscipline.Weaver.Tests;

/// <summary>
/// The weaver on a real Debug assembly (<see cref="WovenSample"/>): which calls it rewrites, that the PDB
/// still maps the code to the same source, that it leaves alone what it must, and that the woven code runs
/// on real threads and reports the lock-statement ABBA.
/// </summary>
public sealed class LockWeaverTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "LockDiscipline.Weaver.Tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A loaded assembly keeps its file open on some systems; the temporary folder is cleaned up later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Theory]
    [InlineData("/src/Shop/Cache.cs", "Cache.cs", true)]
    [InlineData("/src/Shop/Orders/Cache.cs", "Orders/Cache.cs", true)]
    [InlineData("/src/Shop/Orders/Cache.cs", "Cache.cs", true)]
    [InlineData("/src/Shared/Iommu/Iommu.cs", "../Shared/Iommu/Iommu.cs", true)]
    [InlineData("/src/Iommu/Iommu.cs", "../Iommu/Iommu.cs", true)]
    [InlineData("/src/Iommu/Iommu.cs", "../../src/Iommu/Iommu.cs", true)]
    [InlineData("/src/Iommu/Iommu.cs", "../Intel/Iommu.cs", false)]
    [InlineData("/src/Shop/MyCache.cs", "Cache.cs", false)]
    public void A_site_row_names_its_pdb_document_relative_to_the_project_also_from_outside_its_folder(string documentUrl, string file, bool same)
    {
        // IommuCore's module projects compile sibling folders (../Iommu/*.cs): their rows were left unwoven.
        Assert.Equal(same, LockWeaver.SameFile(documentUrl, file));
    }

    [Fact]
    public void Every_site_is_woven_and_every_compiler_emitted_release_is_paired()
    {
        string assembly = WovenSample.Emit(_directory);

        WeaveResult result = LockWeaver.Weave(assembly, Array.Empty<string>());

        Assert.Null(result.NothingDoneBecause);
        Assert.Empty(result.Skipped);
        Assert.Equal(8, result.TableSites);
        Assert.Equal(8, result.WovenSites);

        // Two lock statements on an object (Monitor.Exit), two on a Lock and two using scopes (Dispose).
        Assert.Equal(6, result.PairedReleases);
    }

    /// <summary>
    /// The compiler moves these lock statements into closures, state machines and an iterator's finally
    /// method (where the lock object is a field); each is found, and each release paired, so the engine's
    /// held stack stays exact when they run.
    /// </summary>
    [Fact]
    public void Lock_statements_in_lambdas_local_functions_async_methods_and_iterators_are_woven_and_paired()
    {
        string assembly = WovenSample.Emit(_directory, source: WovenSample.MovedSource);

        WeaveResult result = LockWeaver.Weave(assembly, Array.Empty<string>());

        Assert.Empty(result.Skipped);
        Assert.Equal(4, result.WovenSites);
        Assert.Equal(4, result.PairedReleases);

        Type mover = Assembly.LoadFile(assembly).GetType("Sample.Mover")!;
        object instance = Activator.CreateInstance(mover)!;
        RunOnThread(() =>
        {
            ((Action)mover.GetMethod("Lambda")!.Invoke(instance, null)!)();
            mover.GetMethod("Local")!.Invoke(instance, null);
            ((Task)mover.GetMethod("Async")!.Invoke(instance, null)!).GetAwaiter().GetResult();
            foreach (int item in (IEnumerable<int>)mover.GetMethod("Iterator")!.Invoke(instance, null)!)
            {
                Assert.True(Lockdep.IsHeld("Mover._gate"));
            }

            Assert.False(Lockdep.IsHeld("Mover._gate"));
        });
    }

    [Fact]
    public void Lock_calls_go_through_the_hooks_and_no_bare_monitor_call_is_left()
    {
        string assembly = WovenSample.Emit(_directory);
        LockWeaver.Weave(assembly, Array.Empty<string>());

        using ModuleDefinition module = ModuleDefinition.ReadModule(assembly);
        TypeDefinition ledger = module.GetType("Sample.Ledger");
        Assert.Equal(
            new[] { "WovenLocks.MonitorEnter(object, bool&)", "WovenLocks.Acquiring", "Lock.EnterScope", "WovenLocks.ScopeDisposing", "Lock/Scope.Dispose", "WovenLocks.LockStatementExit" },
            Calls(ledger.Methods.Single(m => m.Name == "Post")));
        Assert.Equal(
            new[]
            {
                "WovenLocks.Acquiring", "Lock.EnterScope", "WovenLocks.ScopeDisposing", "Lock/Scope.Dispose",
                "WovenLocks.Acquiring", "Lock.EnterScope", "WovenLocks.MonitorEnter(object)", "WovenLocks.MonitorExit",
                "WovenLocks.ScopeDisposing", "Lock/Scope.Dispose",
            },
            Calls(ledger.Methods.Single(m => m.Name == "Scopes")));
    }

    [Fact]
    public void The_woven_pdb_maps_every_method_to_the_same_source_as_before()
    {
        string assembly = WovenSample.Emit(_directory);
        Dictionary<string, string[]> before = SequencePoints(assembly);

        LockWeaver.Weave(assembly, Array.Empty<string>());

        Dictionary<string, string[]> after = SequencePoints(assembly);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach ((string method, string[] points) in before)
        {
            Assert.Equal(points, after[method]);
        }

        // The debug directory still names the PDB beside the assembly, so debuggers and stack traces find it.
        using ModuleDefinition module = ModuleDefinition.ReadModule(assembly, new ReaderParameters { ReadSymbols = true });
        Assert.True(module.HasSymbols);
    }

    [Fact]
    public void An_assembly_woven_once_or_built_without_checks_is_left_alone()
    {
        string assembly = WovenSample.Emit(_directory);
        LockWeaver.Weave(assembly, Array.Empty<string>());
        byte[] woven = File.ReadAllBytes(assembly);

        WeaveResult again = LockWeaver.Weave(assembly, Array.Empty<string>());

        Assert.Equal("the assembly is already woven", again.NothingDoneBecause);
        Assert.Equal(woven, File.ReadAllBytes(assembly));

        string withoutChecks = WovenSample.Emit(Path.Combine(_directory, "off"), runtimeChecks: false);
        byte[] compiled = File.ReadAllBytes(withoutChecks);
        Assert.NotNull(LockWeaver.Weave(withoutChecks, Array.Empty<string>()).NothingDoneBecause);
        Assert.Equal(compiled, File.ReadAllBytes(withoutChecks));
    }

    [Fact]
    public void The_woven_lock_statements_report_the_ABBA_run_on_two_threads()
    {
        string assembly = WovenSample.Emit(_directory);
        LockWeaver.Weave(assembly, Array.Empty<string>());
        Type ledgerType = Assembly.LoadFile(assembly).GetType("Sample.Ledger")!;
        object ledger = Activator.CreateInstance(ledgerType)!;
        var reports = new ConcurrentQueue<LockdepReport>();
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = reports.Enqueue;

        RunOnThread(() => ledgerType.GetMethod("Post")!.Invoke(ledger, null));
        RunOnThread(() => ledgerType.GetMethod("Audit")!.Invoke(ledger, null));

        LockdepReport report = Assert.Single(reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Contains("(Ledger._accounts, Monitor), at: Ledger.Audit (Ledger.cs:24)", report.Text, StringComparison.Ordinal);
        Assert.Contains("(Ledger._audit, Lock), at: Ledger.Audit (Ledger.cs:22)", report.Text, StringComparison.Ordinal);
        Assert.Contains("Ledger.Post (Ledger.cs:14)", report.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Explicit lock calls and annotated calls go to the generated checked calls, wherever they are: no bare
    /// KMutex or Monitor call is left in the user's methods, and each checked call takes the site's index.
    /// </summary>
    [Fact]
    public void Explicit_lock_calls_and_annotated_calls_are_redirected_to_their_checked_calls()
    {
        string assembly = WovenSample.Emit(_directory, source: WovenSample.ExplicitSource);

        WeaveResult result = LockWeaver.Weave(assembly, Array.Empty<string>());

        Assert.Empty(result.Skipped);
        Assert.Equal(11, result.TableSites);
        Assert.Equal(11, result.WovenSites);
        using ModuleDefinition module = ModuleDefinition.ReadModule(assembly);
        TypeDefinition device = module.GetType("Sample.Device");
        Assert.Equal(new[] { "CheckedCalls.Lock_0", "CheckedCalls.Lock_0", "CheckedCalls.Unlock_1", "CheckedCalls.Unlock_1" }, Redirected(device.Methods.Single(m => m.IsConstructor)));
        Assert.Equal(new[] { "CheckedCalls.Lock_0", "CheckedCalls.Probe_4", "CheckedCalls.Unlock_1" }, Redirected(device.Methods.Single(m => m.Name == "get_Config")));
        Assert.Equal(new[] { "CheckedCalls.TryEnter_2", "CheckedCalls.Exit_3" }, Redirected(device.Methods.Single(m => m.Name.Contains("Take", StringComparison.Ordinal))));
        Assert.DoesNotContain(device.Methods.SelectMany(m => m.Body.Instructions), i => i.OpCode.Code is Code.Call or Code.Callvirt && i.Operand is MethodReference { DeclaringType.Name: "KMutex" or "Monitor" });
    }

    /// <summary>
    /// The woven explicit calls on real threads: the constructor's order and the getter's, through the
    /// annotated call (whose required lock is held), are an ABBA reported at the source's sites; the stack
    /// traces show the user's frames, never the checked calls.
    /// </summary>
    [Fact]
    public void Woven_explicit_calls_report_an_inversion_at_their_sites()
    {
        string assembly = WovenSample.Emit(_directory, source: WovenSample.ExplicitSource);
        LockWeaver.Weave(assembly, Array.Empty<string>());
        Type deviceType = Assembly.LoadFile(assembly).GetType("Sample.Device")!;
        var reports = new ConcurrentQueue<LockdepReport>();
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = reports.Enqueue;

        object device = null!;
        RunOnThread(() => device = Activator.CreateInstance(deviceType)!);
        RunOnThread(() => deviceType.GetProperty("Config")!.GetValue(device));
        RunOnThread(() => Assert.True((bool)deviceType.GetMethod("Stats")!.Invoke(device, null)!));

        LockdepReport report = Assert.Single(reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Contains("(Device._probe){+.+.}-{3:3}, at: Device.Probe (Ledger.cs:50)", report.Text, StringComparison.Ordinal);
        Assert.Contains("(Device._config){+.+.}-{3:3}, at: Device.Config (Ledger.cs:24)", report.Text, StringComparison.Ordinal);
        Assert.Contains("Device..ctor (Ledger.cs:15)", report.Text, StringComparison.Ordinal);
        Assert.Contains("Sample.Device.get_Config (", report.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("CheckedCalls", report.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>Monitor.TryEnter</c> on a parameter goes through its checked call, classed by the parameter's type;
    /// the release, a blocking API's, through the runtime hook as a <c>lock</c> statement's would. Run, the
    /// engine holds the lock while the monitor is held, and nothing after.
    /// </summary>
    [Fact]
    public void A_try_acquisition_on_a_lock_classed_by_type_is_checked()
    {
        string assembly = WovenSample.Emit(_directory, source: WovenSample.ClassedByTypeSource);

        WeaveResult result = LockWeaver.Weave(assembly, Array.Empty<string>());

        Assert.Empty(result.Skipped);
        Assert.Equal(2, result.WovenSites);
        using (ModuleDefinition module = ModuleDefinition.ReadModule(assembly))
        {
            MethodDefinition tryUse = module.GetType("Sample.Pool").Methods.Single(m => m.Name == "TryUse");
            Assert.Equal(new[] { "CheckedCalls.TryEnter_0" }, Redirected(tryUse));
            Assert.Contains("WovenLocks.MonitorExit", Calls(tryUse));
        }

        Type poolType = Assembly.LoadFile(assembly).GetType("Sample.Pool")!;
        var reports = new ConcurrentQueue<LockdepReport>();
        Lockdep.Mode = LockdepMode.Callback;
        Lockdep.Callback = reports.Enqueue;
        bool heldInside = false;
        RunOnThread(() =>
        {
            Action whileHeld = () => heldInside = Lockdep.IsHeld("Pool");
            Assert.True((bool)poolType.GetMethod("TryUse")!.Invoke(Activator.CreateInstance(poolType), new[] { Activator.CreateInstance(poolType), whileHeld })!);
            Assert.False(Lockdep.IsHeld("Pool"));
        });

        Assert.True(heldInside, "The engine did not see the try-acquisition.");
        Assert.Empty(reports);
    }

    /// <summary>The checked calls a method's calls were redirected to, as <c>CheckedCalls.Name</c>.</summary>
    private static string[] Redirected(MethodDefinition method)
        => method.Body.Instructions
            .Where(i => i.OpCode.Code == Code.Call && i.Operand is MethodReference { DeclaringType.Name: "CheckedCalls" })
            .Select(i => "CheckedCalls." + ((MethodReference)i.Operand).Name)
            .ToArray();

    private static void RunOnThread(Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "The thread did not finish.");
        Assert.Null(error);
    }

    /// <summary>The calls a method makes to lock APIs and hooks, as <c>Type.Method</c> (the Monitor.Enter hooks with their lock parameters).</summary>
    private static string[] Calls(MethodDefinition method)
        => method.Body.Instructions
            .Where(i => i.OpCode.Code is Code.Call or Code.Callvirt)
            .Select(i => (MethodReference)i.Operand)
            .Where(m => m.DeclaringType.Namespace is "System.Threading" or "LockDiscipline.Validation" || m.DeclaringType.DeclaringType?.Namespace == "System.Threading")
            .Select(m => (m.DeclaringType.DeclaringType is { } outer ? outer.Name + "/" : string.Empty) + m.DeclaringType.Name + "." + m.Name
                + (m.Name == "MonitorEnter" ? "(" + string.Join(", ", m.Parameters.Take(m.Parameters.Count - 2).Select(p => p.ParameterType.Name == "Boolean&" ? "bool&" : "object")) + ")" : string.Empty))
            .ToArray();

    /// <summary>Each method's sequence points as text: document, lines and columns, in IL order.</summary>
    private static Dictionary<string, string[]> SequencePoints(string assembly)
    {
        using ModuleDefinition module = ModuleDefinition.ReadModule(assembly, new ReaderParameters { ReadSymbols = true });
        return module.GetTypes()
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody)
            .ToDictionary(
                m => m.FullName,
                m => m.DebugInformation.SequencePoints
                    .Select(p => p.IsHidden ? "hidden" : $"{Path.GetFileName(p.Document.Url)}({p.StartLine},{p.StartColumn})-({p.EndLine},{p.EndColumn})")
                    .ToArray());
    }
}
