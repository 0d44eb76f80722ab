using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Tests;

/// <summary>Questions tests ask of journal events.</summary>
internal static class JournalQueries
{
    public static bool Is(this JournalEvent e, JournalStep step, StepStatus status) => status == StepStatus.Started
        ? e is StepStarted started && started.Step == step
        : e is StepFinished finished && finished.Step == step && finished.Status == status;

    public static bool IsCancelledStep(this JournalEvent e) => e is StepFinished { Status: StepStatus.Cancelled };

    public static string? VmId(this JournalEvent e) => e switch
    {
        StepStarted s => s.VmId,
        StepFinished f => f.VmId,
        VmFinished v => v.VmId,
        VmDiscovered d => d.Vm.Id,
        _ => null,
    };
}
