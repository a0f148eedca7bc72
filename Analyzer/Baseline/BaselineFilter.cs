using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Baseline
{
    /// <summary>
    /// Drops the findings the baseline accepts before they are reported, one compilation at a time. A filter,
    /// not a <c>DiagnosticSuppressor</c>: the compiler lets suppressors silence warnings only, never errors,
    /// and most rules are errors. Accepted findings stay discoverable through <c>lockdiscipline</c>, which
    /// counts them and writes them into SARIF as suppressed.
    /// </summary>
    internal sealed class BaselineFilter
    {
        private readonly Compilation _compilation;
        private readonly BaselineFile _baseline;
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();

        public BaselineFilter(Compilation compilation, BaselineFile baseline)
        {
            _compilation = compilation;
            _baseline = baseline;
        }

        /// <summary><paramref name="report"/> itself when the baseline is empty, so that a project without one pays nothing.</summary>
        public System.Action<Diagnostic> Wrap(System.Action<Diagnostic> report)
        {
            if (_baseline.Keys.IsEmpty)
            {
                return report;
            }

            return diagnostic =>
            {
                if (!_baseline.Keys.Contains(BaselineKey.Of(diagnostic, ModelOf).Text))
                {
                    report(diagnostic);
                }
            };
        }

        // Only for findings about to be reported while a baseline exists: a few models, never one per body.
#pragma warning disable RS1030 // The enclosing member of a compilation-end finding needs its tree's model.
        private SemanticModel ModelOf(SyntaxTree tree) => _models.GetOrAdd(tree, t => _compilation.GetSemanticModel(t));
#pragma warning restore RS1030
    }
}
