using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using IommuCore.Scenarios;
using LockDiscipline;

namespace RuntimeLockdep
{
    /// <summary>
    /// Runs the five regressions' broken code paths (samples/Regressions, driven by SeedScenarios.cs) and
    /// IommuCore's fixed scenarios under the generated runtime lockdep checks, each in a process of its own:
    /// the engine is process-wide and keys classes by name, and the broken code reuses the kernel's class
    /// names, so a shared process would mix one scenario's dependencies into another's report. Each broken scenario
    /// prints its report next to the seed's splat and the report kind it is expected to make; the fixed
    /// scenarios should print none. Whether they do is for tests/IommuCore.Tests (RuntimeLockdepSampleTests)
    /// to judge: this program shows, and ends with one summary line per scenario. Exit code 0 when every
    /// scenario ran to its end, 1 when one threw or did not finish.
    /// </summary>
    public static class Program
    {
        private const string Rule = "==============================================================================";

        /// <summary>The seeds' modules, one assembly each (Modules/), whose locks all report to this process's one engine.</summary>
        private static readonly Assembly[] SeedModules =
        {
            typeof(Regressions.Seed003.CpuHotplug).Assembly,
            typeof(Regressions.Seed000.Iommu).Assembly,
            typeof(Regressions.Seed000.IntelIommu).Assembly,
            typeof(Regressions.Seed000.Vfio).Assembly,
            typeof(Regressions.Seed003.Coretemp).Assembly,
            typeof(Regressions.Seed002.RkIommu).Assembly,
            typeof(Regressions.Seed004.Iommu).Assembly,
        };

        /// <summary>IommuCore's module assemblies, which its scenarios load.</summary>
        private static IEnumerable<Assembly> IommuCoreModules =>
            typeof(IommuScenarios).Assembly.GetReferencedAssemblies()
                .Where(name => name.Name!.StartsWith("IommuCore.", StringComparison.Ordinal))
                .OrderBy(name => name.Name, StringComparer.Ordinal)
                .Select(Assembly.Load);

        private static readonly Scenario[] Scenarios =
        {
            new("000", "000_752a93a4473dd53d", "dmar_global_lock vs &group->mutex (boot, then VFIO attach)",
                "boot on thread swapper/0, then VFIO_SET_IOMMU on qemu-system-x86, one after the other",
                LockdepReportKind.CircularDependency, new[] { "dmar_global_lock", "&group->mutex" },
                "WARNING: possible circular locking dependency detected", "*** DEADLOCK ***",
                Regressions.Seed000.Scenario.Run, null),
            new("001", "001_63d1b2f7394d89e4", "&k->k_lock taken in the DMAR fault interrupt",
                "memory_dev_init on swapper/0 (k_lock, IRQs on), then dmar_fault in hard-IRQ context on rngd",
                LockdepReportKind.InconsistentLockState, new[] { "&k->k_lock" },
                "WARNING: inconsistent lock state", "*** DEADLOCK ***",
                Regressions.Seed001.Scenario.Run, null),
            new("002", "002_382c9c215823b4cd", "async probe: __iommu_probe_device() unserialised",
                "rk_iommu_probe of four IOMMUs on kworker/u12:1..4, one after the other",
                LockdepReportKind.LockNotHeld, new[] { "iommu_probe_device_lock" },
                "Unable to handle kernel NULL pointer dereference", "__driver_attach_async_helper",
                Regressions.Seed002.Scenario.Run,
                "The race itself (two probes in dev_iommu_get()/dev_iommu_free() at once: a double free) is not a lock " +
                "operation, and [GuardedBy] is checked at compile time only (LD0008): no run reports the unguarded " +
                "dev->iommu. The runtime reports the contract the fix added, lockdep_assert_held(&iommu_probe_device_lock) " +
                "in __iommu_probe_device(), declared on the broken code as [RequiresLock]. The probes run one after the " +
                "other, so the double free does not happen in this run; the check needs no race to fire."),
            new("003", "003_ba5013d5ce36ceb8", "cpuhp_state-up -> cpu_hotplug_lock -> bus notifier rwsem",
                "coretemp init and a device add on modprobe, _cpu_up on cpuhp/0-ctl, then cpuhp_thread_fun on cpuhp/0",
                LockdepReportKind.CircularDependency, new[] { "&(&priv->bus_notifier)->rwsem", "cpu_hotplug_lock", "cpuhp_state-up" },
                "WARNING: possible circular locking dependency detected", "*** DEADLOCK ***",
                Regressions.Seed003.Scenario.Run, null),
            new("004", "004_3684cd5eade811ca", "DMA ownership claimed before the group exists",
                "bind (pci_dma_configure) then unbind (pci_dma_cleanup) of e1000e on tee",
                LockdepReportKind.BadUnlockBalance, new[] { "&dev->dma_owner" },
                "------------[ cut here ]------------", "iommu_device_unuse_default_domain+0x68/0x100",
                Regressions.Seed004.Scenario.Run,
                "The broken contract (iommu_device_use_default_domain() returning 0 without claiming) is checked at " +
                "compile time only (LD0010): at run time nothing happens on that path. The runtime sees the consequence " +
                "at unbind, and only because the sample makes the claim a real acquisition of the &dev->dma_owner map on " +
                "the thread that binds and unbinds; IommuCore never acquires it at run time, since there the claim " +
                "outlives the thread that took it (an async probe worker binds, another thread unbinds)."),
        };

        private static readonly (string Name, Func<object> Run)[] Fixed =
        {
            ("boot", () => IommuScenarios.Boot()),
            ("VFIO attach", () => IommuScenarios.VfioAttach()),
            ("DMA faults during device add", () => IommuScenarios.DmaFaultDuringDeviceAdd()),
            ("CPU hotplug during device add", () => IommuScenarios.CpuHotplugDuringDeviceAdd()),
            ("async probe of four IOMMUs", () => IommuScenarios.AsyncProbe()),
            ("driver bind and unbind", () => IommuScenarios.DriverBindUnbind()),
        };

        public static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "--child")
            {
                return Child(args[1]);
            }

            return Parent();
        }

        private static int Parent()
        {
            Console.WriteLine("RuntimeLockdep: the five IOMMU regressions of 2022 under LockDiscipline's runtime lockdep checks;");
            foreach (Assembly module in SeedModules.Concat(IommuCoreModules))
            {
                Console.WriteLine("  " + GeneratedChecks.Describe(module.GetName().Name!, module));
            }

            Console.WriteLine("  seeds: " + (Seeds.Folder ?? "not found, embedded excerpts"));
            var summaries = new List<string>();
            bool ranToEnd = true;

            foreach (Scenario s in Scenarios)
            {
                Console.WriteLine();
                Console.WriteLine(Rule);
                Console.WriteLine($"[{s.Id}] {s.Title}");
                Console.WriteLine($"      seed {s.Seed}; runs: {s.Runs}");
                // Classes as the report prints them, "(name)": a cycle's middle classes appear only in its chain.
                Console.WriteLine($"      expected: {s.Expected} naming {string.Join(", ", s.Classes)}");
                Console.WriteLine($"---- LockDiscipline runtime report ({s.Id}) ----");
                ChildResult child = RunChild(s.Id);
                Console.Write(child.Output);
                (string source, IReadOnlyList<string> splat) = Seeds.Excerpt(s.Seed, s.SplatStart, s.SplatEnd, Embedded.Splat(s.Id));
                Console.WriteLine($"---- the seed's splat ({source}) ----");
                foreach (string line in splat)
                {
                    Console.WriteLine("  | " + line);
                }

                if (s.CannotShow is not null)
                {
                    Console.WriteLine("---- what the runtime cannot show ----");
                    Console.WriteLine("  " + s.CannotShow);
                }

                ranToEnd &= child.ExitCode == 0;
                summaries.Add($"result [{s.Id}]: expected {s.Expected}, reported {child.Summary}");
            }

            Console.WriteLine();
            Console.WriteLine(Rule);
            Console.WriteLine("[fixed] IommuCore's scenarios, as upstream has the code after the fixes, in one process");
            Console.WriteLine("---- LockDiscipline runtime reports (fixed) ----");
            ChildResult fixedRun = RunChild("fixed");
            Console.Write(fixedRun.Output);
            ranToEnd &= fixedRun.ExitCode == 0;
            summaries.Add($"result [fixed]: expected no report, reported {fixedRun.Summary}");

            Console.WriteLine();
            Console.WriteLine(Rule);
            foreach (string summary in summaries)
            {
                Console.WriteLine(summary);
            }

            return ranToEnd ? 0 : 1;
        }

        /// <summary>One scenario, alone in this process: every report printed whole, then a marker line the parent reads.</summary>
        private static int Child(string id)
        {
            int reports = 0;
            Lockdep.Mode = LockdepMode.Callback;
            Lockdep.Callback = report =>
            {
                Interlocked.Increment(ref reports);

                // One write, which Console keeps whole: a lock here would be checked too, and the callback
                // runs wherever the report is raised, in a simulated interrupt as well.
                Console.Out.Write(report.Text.TrimEnd('\n') + "\n" + $"lockdep-report [{id}]: {report.Kind}: {string.Join(" | ", report.Classes)}" + "\n");
            };

            try
            {
                if (id == "fixed")
                {
                    foreach ((string name, Func<object> run) in Fixed)
                    {
                        int before = Volatile.Read(ref reports);
                        run();
                        Console.WriteLine($"  {name}: {Volatile.Read(ref reports) - before} report(s)");
                    }

                    LockdepStatistics stats = Lockdep.Statistics;
                    Console.WriteLine($"  validated: {stats.Classes} lock classes, {stats.Dependencies} dependencies, {stats.ChainLookups} chain lookups, {stats.Reports} report(s)");
                }
                else
                {
                    Scenarios.Single(s => s.Id == id).Run();
                }
            }
            catch (Exception e)
            {
                Console.WriteLine($"scenario {id} threw: {e}");
                return 2;
            }

            return 0;
        }

        private static ChildResult RunChild(string id)
        {
            string host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
            var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (string.Equals(System.IO.Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(typeof(Program).Assembly.Location);
            }

            start.ArgumentList.Add("--child");
            start.ArgumentList.Add(id);
            var output = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                output.AppendLine($"scenario {id} did not finish in 3 minutes");
            }

            process.WaitForExit();
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            var reports = text.Split('\n')
                .Select(l => l.TrimEnd('\r'))
                .Where(l => l.StartsWith($"lockdep-report [{id}]: ", StringComparison.Ordinal))
                .Select(l => l[$"lockdep-report [{id}]: ".Length..].Split(": ", 2))
                .Select(p => new ChildReport(p[0], p.Length > 1 ? p[1].Split(" | ") : Array.Empty<string>()))
                .ToArray();
            return new ChildResult(process.HasExited ? process.ExitCode : -1, text, reports);
        }

        private sealed record Scenario(
            string Id,
            string Seed,
            string Title,
            string Runs,
            LockdepReportKind Expected,
            string[] Classes,
            string SplatStart,
            string SplatEnd,
            Action Run,
            string? CannotShow);

        private sealed record ChildReport(string Kind, string[] Classes);

        private sealed record ChildResult(int ExitCode, string Output, IReadOnlyList<ChildReport> Reports)
        {
            /// <summary>The reports' kinds and classes, and the exit code when the scenario did not run to its end.</summary>
            public string Summary =>
                (Reports.Count == 0 ? "no report" : string.Join("; ", Reports.Select(r => r.Kind + " (" + string.Join(", ", r.Classes) + ")"))) +
                (ExitCode == 0 ? string.Empty : $" (exit code {ExitCode})");
        }
    }
}
