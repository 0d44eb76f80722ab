using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Engine;

/// <summary>A step of one VM failed; <see cref="Failure"/> says why in one sentence and how it bears on the outcome.</summary>
public sealed class StepFailedException(JournalStep step, AzureFailure failure, Exception? inner = null)
    : Exception(failure.Message, inner)
{
    public JournalStep Step { get; } = step;

    public AzureFailure Failure { get; } = failure;
}
