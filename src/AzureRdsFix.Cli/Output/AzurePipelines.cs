using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>Azure DevOps logging commands, used when TF_BUILD is set: an issue per VM that needs a person, and the summary tab.</summary>
public static class AzurePipelines
{
    public const string Variable = "TF_BUILD";

    public static bool IsActive(Func<string, string?> getVariable) => !string.IsNullOrEmpty(getVariable(Variable));

    public static void Write(TextWriter writer, RunReport report, string markdownSummaryPath)
    {
        foreach (var vm in report.Vms)
        {
            var type = vm.Outcome switch
            {
                VmOutcome.Failed => "error",
                VmOutcome.NeedsAttention or VmOutcome.Unreachable => "warning",
                _ => null,
            };
            if (type is not null)
            {
                writer.WriteLine($"##vso[task.logissue type={type};]{Escape($"{vm.Name} ({vm.ResourceGroup}): {vm.Outcome} - {vm.Reason}")}");
            }
        }

        foreach (var error in report.ScopeErrors)
        {
            writer.WriteLine($"##vso[task.logissue type=error;]{Escape($"{error.Scope}: {error.Message}")}");
        }

        writer.WriteLine($"##vso[task.uploadsummary]{Path.GetFullPath(markdownSummaryPath)}");
    }

    /// <summary>Logging-command message escaping, so a reason cannot end the command or start a new one.</summary>
    public static string Escape(string text) => text
        .Replace("%", "%AZP25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);
}
