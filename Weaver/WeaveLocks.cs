using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace LockDiscipline.Weaving
{
    /// <summary>
    /// The MSBuild task the package's targets run after CoreCompile in builds with runtime checks: weaves
    /// the intermediate assembly (and its PDB) in place, then writes <see cref="MarkerPath"/>, which makes
    /// an incremental build that did not recompile skip it.
    /// </summary>
    public sealed class WeaveLocks : Task
    {
        /// <summary>The intermediate assembly (obj/.../Name.dll).</summary>
        [Required]
        public string AssemblyPath { get; set; } = string.Empty;

        /// <summary>The compile references, whose folders the weaver may need to resolve types when writing.</summary>
        public ITaskItem[] References { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Written after weaving: the target's output.</summary>
        [Required]
        public string MarkerPath { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override bool Execute()
        {
            WeaveResult result;
            try
            {
                result = LockWeaver.Weave(AssemblyPath, References.Select(r => Path.GetDirectoryName(r.GetMetadata("FullPath"))));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The assembly is as the compiler wrote it: the build goes on without the woven checks.
                Log.LogWarning(null, "LDW001", null, AssemblyPath, 0, 0, 0, 0, "LockDiscipline could not weave runtime lock checks into this assembly; it is left as compiled: {0}", e.Message);
                return true;
            }

            if (result.NothingDoneBecause is not null)
            {
                Log.LogMessage(MessageImportance.Low, "LockDiscipline: nothing woven into {0}: {1}.", AssemblyPath, result.NothingDoneBecause);
            }
            else
            {
                Log.LogMessage(MessageImportance.Normal, "LockDiscipline: woven {0} of {1} lock sites and {2} compiler-emitted releases into {3}.", result.WovenSites, result.TableSites, result.PairedReleases, AssemblyPath);
            }

            foreach (var skipped in result.Skipped)
            {
                Log.LogMessage(MessageImportance.Normal, "LockDiscipline: left unchecked at run time: {0}", skipped);
            }

            File.WriteAllText(MarkerPath, result.WovenSites + " of " + result.TableSites + " lock sites woven" + Environment.NewLine);
            return true;
        }
    }
}
