using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
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
    /// Emits what the weaver needs to add runtime lockdep checks after compilation: a registry of the
    /// assembly's lock classes and their declared orders, the site table (every lock operation and call of
    /// an annotated method to check, with its class and site), and the checked calls the weaver redirects
    /// explicit lock calls and annotated calls to, one per API overload or annotated method, not per site.
    /// </summary>
    /// <remarks>
    /// Pipeline: attributes are found with <c>ForAttributeWithMetadataName</c>; invocations and <c>lock</c>
    /// statements are found by syntax and invocations filtered by simple name (the lock APIs' names and the
    /// annotated methods' names) before anything is bound, because binding is the expensive part; the
    /// survivors are bound together in one step whose output is plain data. A project with no candidate
    /// binds nothing. Nothing is emitted when <c>LockDisciplineRuntimeChecks</c> is off. The generated code
    /// compiles in any language version from C# 7.3: there are no interceptors.
    /// </remarks>
    [Generator(LanguageNames.CSharp)]
    public sealed class LockdepGenerator : IIncrementalGenerator
    {
        /// <summary>The MSBuild property that switches the runtime checks (compiler-visible through the package's props).</summary>
        public const string RuntimeChecksProperty = "LockDisciplineRuntimeChecks";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var settings = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => ReadProperties(options.GlobalOptions))
                .Combine(context.CompilationProvider.Select(static (compilation, _) => (
                    Debug: compilation.Options.OptimizationLevel == OptimizationLevel.Debug,
                    HasHooks: compilation.GetTypeByMetadataName(KnownTypes.SiteTableTypeName) is not null)))
                .Combine(context.ParseOptionsProvider.Select(static (options, _) => options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp8 }))
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
            // orders included), so it is one step over all candidates. With no candidate and no declared
            // order there is nothing to bind: the step returns at once.
            var bound = candidates
                .Collect()
                .Combine(HasDeclaredOrders(context))
                .Combine(context.CompilationProvider)
                .Combine(settings)
                .Select(static (input, cancellationToken) => input.Right.Emits && (!input.Left.Left.Left.IsEmpty || input.Left.Left.Right)
                    ? CallBinder.Bind(input.Left.Left.Left, input.Left.Right, input.Right.ProjectDirectory, input.Right.Nullable, cancellationToken)
                    : BoundCalls.Empty)
                .WithTrackingName(TrackingNames.BoundCalls);

            var checkedCalls = bound
                .Select(static (calls, _) => calls.CheckedCalls)
                .WithTrackingName(TrackingNames.CheckedCalls);
            context.RegisterSourceOutput(checkedCalls, static (output, model) =>
            {
                if (model.Locks.Count + model.Contracts.Count > 0)
                {
                    output.AddSource(CheckedCallEmitter.HintName, CheckedCallEmitter.Write(model));
                }
            });

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

                // No class and no site, no registry: a project with nothing to check gets no generated code at all.
                if (model.Classes.Count > 0 || model.Woven.Count > 0)
                {
                    output.AddSource(RegistryEmitter.HintName, RegistryEmitter.Write(model));
                }
            });
        }

        private static (string? Checks, string ProjectDirectory) ReadProperties(AnalyzerConfigOptions options)
        {
            options.TryGetValue("build_property." + RuntimeChecksProperty, out var checks);
            options.TryGetValue("build_property.ProjectDir", out var projectDirectory);
            return (checks, projectDirectory ?? string.Empty);
        }

        /// <summary>
        /// On when the property says so; without the property (the package's build files not imported),
        /// on for unoptimised builds, as the default is on in Debug. A runtime library without the site table
        /// (older than the generator) gets no checks: generated code could not compile against it.
        /// </summary>
        private static GeneratorSettings CreateSettings((string? Checks, string ProjectDirectory) properties, (bool Debug, bool HasHooks) compilation, bool nullable)
        {
            var requested = bool.TryParse(properties.Checks?.Trim(), out var value) ? value : compilation.Debug;
            return new GeneratorSettings(requested && compilation.HasHooks, properties.ProjectDirectory, nullable);
        }

        /// <summary>
        /// Whether the project declares a lock order (<c>[assembly: LockOrder]</c>, <c>[AcquiredBefore]</c>,
        /// <c>[AcquiredAfter]</c>): the registry hands those to the runtime and reports their contradictions
        /// (LDG001) even where no lock operation needs checking. Found by attribute name, without binding.
        /// </summary>
        private static IncrementalValueProvider<bool> HasDeclaredOrders(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValueProvider<bool>? any = null;
            foreach (var attributeName in KnownTypes.OrderAttributeNames)
            {
                var declared = context.SyntaxProvider
                    .ForAttributeWithMetadataName(attributeName, static (_, _) => true, static (_, _) => true)
                    .Collect()
                    .Select(static (found, _) => !found.IsEmpty);
                any = any is null ? declared : any.Value.Combine(declared).Select(static (pair, _) => pair.Left || pair.Right);
            }

            return any!.Value;
        }

        /// <summary>
        /// The names of methods whose calls get a checked call: those declared here with a contract or context
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

        /// <summary>
        /// The annotated method names of each referenced assembly, walked once per assembly symbol: the compiler
        /// reuses a reference's symbol across the compilations of edits, so an edit does not walk it again.
        /// </summary>
        private static readonly ConditionalWeakTable<IAssemblySymbol, string[]> AnnotatedNamesByAssembly = new ConditionalWeakTable<IAssemblySymbol, string[]>();

        private static NameSet ReferencedAnnotatedNames(Compilation compilation, System.Threading.CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                cancellationToken.ThrowIfCancellationRequested();
                names.UnionWith(AnnotatedNamesByAssembly.GetValue(assembly, AnnotatedNamesOf));
            }

            return new NameSet(names);
        }

        private static string[] AnnotatedNamesOf(IAssemblySymbol assembly)
        {
            if (!assembly.Modules.Any(module => module.ReferencedAssemblies.Any(reference => reference.Name == "LockDiscipline")))
            {
                return Array.Empty<string>();
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
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

            return names.ToArray();
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
