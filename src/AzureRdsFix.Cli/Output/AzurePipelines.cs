using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>
/// Azure DevOps logging commands, used when TF_BUILD is set: an issue per VM that needs a person (written as the run's
/// pass reaches it) and per scope that could not be read; then <see cref="UploadSummary"/> puts report.md on the summary tab.
/// </summary>
public sealed class AzurePipelines(TextWriter writer) : IRunWriter
{
    public const string Variable = "TF_BUILD";

    private RunReport? _run;

    public static bool IsActive(Func<string, string?> getVariable) => !string.IsNullOrEmpty(getVariable(Variable));

    public void Begin(RunReport run) => _run = run;

    public void WriteVm(VmReport vm)
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

    public void End()
    {
        foreach (var error in _run!.ScopeErrors)
        {
            writer.WriteLine($"##vso[task.logissue type=error;]{Escape($"{error.Scope}: {error.Message}")}");
        }
    }

    public void UploadSummary(string markdownSummaryPath) => writer.WriteLine($"##vso[task.uploadsummary]{Path.GetFullPath(markdownSummaryPath)}");

    /// <summary>Logging-command message escaping, so a reason cannot end the command or start a new one.</summary>
    public static string Escape(string text) => text
        .Replace("%", "%AZP25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);
}
