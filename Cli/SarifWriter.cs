using System.Text;
using System.Text.Json;
using LockDiscipline.Analyzer;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Cli;

/// <summary>
/// The findings as SARIF 2.1.0, one run for all projects. Findings accepted in the baseline are kept, with
/// an external suppression (those suppressed in source with an inSource one); each result's partial
/// fingerprint is its baseline key, which survives edits as the baseline does.
/// </summary>
internal static class SarifWriter
{
    public const string FingerprintName = "lockDisciplineBaselineKey/v1";

    public static string Write(IReadOnlyList<AnalyzedProject> projects)
    {
        var rules = LockDisciplineAnalyzer.Rules;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "LockDiscipline");
            json.WriteString("version", typeof(LockDisciplineAnalyzer).Assembly.GetName().Version?.ToString(3));
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title.ToString());
                json.WriteEndObject();
                json.WriteStartObject("fullDescription");
                json.WriteString("text", rule.Description.ToString());
                json.WriteEndObject();
                if (!string.IsNullOrEmpty(rule.HelpLinkUri))
                {
                    json.WriteString("helpUri", rule.HelpLinkUri);
                }

                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", Level(rule.DefaultSeverity));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("results");
            foreach (var project in projects)
            {
                foreach (var diagnostic in project.Findings)
                {
                    WriteResult(json, project, diagnostic, rules.IndexOf(diagnostic.Descriptor));
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteResult(Utf8JsonWriter json, AnalyzedProject project, Diagnostic diagnostic, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", diagnostic.Id);
        if (ruleIndex >= 0)
        {
            json.WriteNumber("ruleIndex", ruleIndex);
        }

        json.WriteString("level", Level(diagnostic.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteStartArray("locations");
        WriteLocation(json, diagnostic.Location);
        json.WriteEndArray();
        if (diagnostic.AdditionalLocations.Count > 0)
        {
            json.WriteStartArray("relatedLocations");
            foreach (var location in diagnostic.AdditionalLocations)
            {
                WriteLocation(json, location);
            }

            json.WriteEndArray();
        }

        json.WriteStartObject("partialFingerprints");
        json.WriteString(FingerprintName, project.KeyOf(diagnostic).Text);
        json.WriteEndObject();
        var accepted = project.IsAccepted(diagnostic);
        if (diagnostic.IsSuppressed || accepted)
        {
            var inBaseline = accepted;
            json.WriteStartArray("suppressions");
            json.WriteStartObject();
            json.WriteString("kind", inBaseline ? "external" : "inSource");
            json.WriteString("justification", inBaseline ? "accepted in the LockDiscipline baseline" : "suppressed in source");
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteLocation(Utf8JsonWriter json, Location location)
    {
        var span = location.GetLineSpan();
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", string.IsNullOrEmpty(span.Path) ? string.Empty : new Uri(Path.GetFullPath(span.Path)).AbsoluteUri);
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", span.StartLinePosition.Line + 1);
        json.WriteNumber("startColumn", span.StartLinePosition.Character + 1);
        json.WriteNumber("endLine", span.EndLinePosition.Line + 1);
        json.WriteNumber("endColumn", span.EndLinePosition.Character + 1);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "note",
        _ => "none",
    };
}
