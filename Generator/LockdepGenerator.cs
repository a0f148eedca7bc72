using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Generator.Emit;
using LockDiscipline.Generator.Model;
using LockDiscipline.Generator.Parse;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Generator
{
    /// <summary>
    /// Emits runtime lockdep checks as C# interceptors: a registry of the assembly's lock classes and
    /// their declared orders, and at each explicit lock operation on a field or property, and each
    /// call of a method with a lock contract or IRQ context, a call into the LockDiscipline engine
    /// (<c>LockDiscipline.Validation.LockdepHooks</c>) around the real call.
    /// </summary>
    /// <remarks>
    /// Pipeline: attributes are found with <c>ForAttributeWithMetadataName</c>; invocations are found by
    /// syntax and filtered by simple name (the lock APIs' names and the annotated methods' names) before
    /// anything is bound, because binding is the expensive part and re-runs on every edit; the survivors
    /// are bound together in one step whose output is plain data, then split per source file so an edit
    /// regenerates only the files whose calls changed. Nothing is emitted when
    /// <c>LockDisciplineRuntimeChecks</c> is off.
    /// </remarks>
    [Generator(LanguageNames.CSharp)]
    public sealed class LockdepGenerator : IIncrementalGenerator
    {
        /// <summary>The MSBuild property that switches the runtime checks (compiler-visible through the package's props).</summary>
        public const string RuntimeChecksProperty = "LockDisciplineRuntimeChecks";

        /// <summary>
        /// Set to true by the package's targets when they, not the project, chose the value of
        /// <see cref="RuntimeChecksProperty"/>: checks that are only on by default switch off quietly where
        /// the project's language version cannot have them.
        /// </summary>
        public const string RuntimeChecksIsDefaultProperty = "LockDisciplineRuntimeChecksIsDefault";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var settings = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => ReadProperties(options.GlobalOptions))
                .Combine(context.CompilationProvider.Select(static (compilation, _) => (
                    Debug: compilation.Options.OptimizationLevel == OptimizationLevel.Debug,
                    HasHooks: compilation.GetTypeByMetadataName(KnownTypes.HooksTypeName) is not null)))
                .Combine(context.ParseOptionsProvider.Select(static (options, _) => ReadParseOptions(options)))
                .Select(static (input, _) => CreateSettings(input.Left.Left, input.Left.Right, input.Right))
                .WithTrackingName(TrackingNames.Settings);

            var annotatedNames = AnnotatedMethodNames(context, settings);

            var candidates = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => (node is InvocationExpressionSyntax invocation && SimpleName(invocation) is not null) || node is LockStatementSyntax,
                    static (syntaxContext, _) => Candidate(syntaxContext.Node))
                .WithTrackingName(TrackingNames.Candidates)
                .Combine(annotatedNames)
                .Where(static pair => pair.Left.Name == CallBinder.LockStatementName || CallBinder.LockApiMethodNames.Contains(pair.Left.Name) || pair.Right.Contains(pair.Left.Name))
                .Select(static (pair, _) => pair.Left)
                .WithTrackingName(TrackingNames.FilteredCandidates);

            // Binding asks the shared lock model, which reads the whole compilation (declared classes and
            // orders included), so it is one step over all candidates.
            var bound = candidates
                .Collect()
                .Combine(context.CompilationProvider)
                .Combine(settings)
                .Select(static (input, cancellationToken) => input.Right.Emits
                    ? CallBinder.Bind(input.Left.Left, input.Left.Right, input.Right.ProjectDirectory, cancellationToken)
                    : BoundCalls.Empty)
                .WithTrackingName(TrackingNames.BoundCalls);

            var files = bound
                .SelectMany(static (calls, _) => calls.Files)
                .WithTrackingName(TrackingNames.Files);
            context.RegisterSourceOutput(files, static (output, file) => output.AddSource(Names.InterceptorsHint(file.Path), InterceptorEmitter.Write(file)));

            var registry = bound
                .Combine(settings)
                .Select(static (input, _) => input.Right.Emits ? RegistryEmitter.Build(input.Left) : null)
                .WithTrackingName(TrackingNames.Registry);
            context.RegisterSourceOutput(registry, static (output, model) =>
            {
                if (model is null)
                {
                    return;
                }

                foreach (var cycle in model.Cycles)
                {
                    output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.DeclaredOrderCycle, cycle.Where?.ToLocation() ?? Location.None, cycle.Cycle));
                }

                // No class, no registry: a project with nothing to check gets no generated code at all.
                if (model.Classes.Count > 0)
                {
                    output.AddSource(RegistryEmitter.HintName, RegistryEmitter.Write(model));
                }
            });

            context.RegisterSourceOutput(settings, static (output, value) =>
            {
                if (value.Enabled && value.Unavailable is not null)
                {
                    output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.RuntimeChecksUnavailable, Location.None, value.Unavailable));
                }
            });
        }

        private static (string? Checks, bool IsDefault, string ProjectDirectory) ReadProperties(AnalyzerConfigOptions options)
        {
            options.TryGetValue("build_property." + RuntimeChecksProperty, out var checks);
            options.TryGetValue("build_property." + RuntimeChecksIsDefaultProperty, out var isDefault);
            options.TryGetValue("build_property.ProjectDir", out var projectDirectory);
            return (checks, string.Equals(isDefault?.Trim(), "true", StringComparison.OrdinalIgnoreCase), projectDirectory ?? string.Empty);
        }

        private static (bool InterceptorsEnabled, LanguageVersion Version) ReadParseOptions(ParseOptions options)
        {
            if (options is not CSharpParseOptions csharp)
            {
                return (false, LanguageVersion.Default);
            }

            // The Csc task passes MSBuild's InterceptorsNamespaces and InterceptorsPreviewNamespaces together as this one feature.
            var enabled = csharp.Features.TryGetValue("InterceptorsNamespaces", out var namespaces)
                && namespaces.Split(';').Any(ns => ns.Trim() == Names.Namespace);
            return (enabled, csharp.LanguageVersion);
        }

        /// <summary>
        /// On when the property says so; without the property (the package's build files not imported),
        /// on for unoptimised builds, as the default is on in Debug. A runtime library without the engine
        /// (older than the generator) gets no checks: generated code could not compile against it.
        /// Checks that are on only by default are off, without a word, below C# 11 (netstandard2.0,
        /// net48 and net6.0 projects by default): such a project asked for nothing it does not get. A
        /// project that asked for the checks is told why it gets none (LDG002), and so is one whose
        /// InterceptorsNamespaces property lost the generated namespace, which is a mistake to fix.
        /// </summary>
        private static GeneratorSettings CreateSettings((string? Checks, bool IsDefault, string ProjectDirectory) properties, (bool Debug, bool HasHooks) compilation, (bool InterceptorsEnabled, LanguageVersion Version) parse)
        {
            var isSet = bool.TryParse(properties.Checks?.Trim(), out var value);
            var isExplicit = isSet && !properties.IsDefault;
            var requested = isSet ? value : compilation.Debug;
            var enabled = requested && compilation.HasHooks;
            string? unavailable = null;
            if (enabled && parse.Version < LanguageVersion.CSharp11)
            {
                if (!isExplicit)
                {
                    return new GeneratorSettings(false, null, properties.ProjectDirectory);
                }

                unavailable = "the generated interceptors need C# 11 or later (LangVersion is " + parse.Version.ToDisplayString() + ")";
            }
            else if (enabled && !parse.InterceptorsEnabled)
            {
                unavailable = "the namespace " + Names.Namespace + " is not in the InterceptorsNamespaces property";
            }

            return new GeneratorSettings(enabled, unavailable, properties.ProjectDirectory);
        }

        /// <summary>
        /// The names of methods whose calls get a wrapper: those declared here with a contract or context
        /// attribute, and those of referenced assemblies built against LockDiscipline (read only when
        /// checks are on, since that walk repeats on every edit).
        /// </summary>
        private static IncrementalValueProvider<NameSet> AnnotatedMethodNames(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<GeneratorSettings> settings)
        {
            IncrementalValueProvider<ImmutableArray<string>>? source = null;
            foreach (var attributeName in KnownTypes.ContractAttributeNames)
            {
                var names = context.SyntaxProvider
                    .ForAttributeWithMetadataName(
                        attributeName,
                        static (node, _) => node is MethodDeclarationSyntax,
                        static (attributeContext, _) => attributeContext.TargetSymbol.Name)
                    .Collect();
                source = source is null ? names : source.Value.Combine(names).Select(static (pair, _) => pair.Left.AddRange(pair.Right));
            }

            var referenced = context.CompilationProvider
                .Combine(settings)
                .Select(static (input, cancellationToken) => input.Right.Emits ? ReferencedAnnotatedNames(input.Left, cancellationToken) : new NameSet(Array.Empty<string>()))
                .WithTrackingName(TrackingNames.ReferencedAnnotatedNames);

            return source!.Value
                .Combine(referenced)
                .Select(static (input, _) => new NameSet(input.Left.Concat(input.Right.Names)))
                .WithTrackingName(TrackingNames.AnnotatedNames);
        }

        private static NameSet ReferencedAnnotatedNames(Compilation compilation, System.Threading.CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (!assembly.Modules.Any(module => module.ReferencedAssemblies.Any(reference => reference.Name == "LockDiscipline")))
                {
                    continue;
                }

                var pending = new Stack<INamespaceOrTypeSymbol>();
                pending.Push(assembly.GlobalNamespace);
                while (pending.Count > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (var member in pending.Pop().GetMembers())
                    {
                        if (member is INamespaceOrTypeSymbol container)
                        {
                            pending.Push(container);
                        }
                        else if (member is IMethodSymbol method && !names.Contains(method.Name) && method.GetAttributes().Any(IsContractAttribute))
                        {
                            names.Add(method.Name);
                        }
                    }
                }
            }

            return new NameSet(names);
        }

        private static bool IsContractAttribute(AttributeData attribute)
            => attribute.AttributeClass is { } type && type.ContainingNamespace?.ToDisplayString() == "LockDiscipline" && KnownTypes.ContractAttributeNames.Contains("LockDiscipline." + type.Name);

        private static CallCandidate Candidate(SyntaxNode node)
            => new CallCandidate(node.SyntaxTree.FilePath, node.Span.Start, node.Span.Length, node is InvocationExpressionSyntax invocation ? SimpleName(invocation)! : CallBinder.LockStatementName);

        private static string? SimpleName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax name => name.Identifier.ValueText,
            _ => null,
        };
    }
}
