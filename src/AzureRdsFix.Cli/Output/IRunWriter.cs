using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>
/// One end-of-run output (a report file, the table, the pipeline's logging commands), fed by the one pass over the
/// journal's fold that <see cref="RunOutput"/> makes: <see cref="Begin"/> with the run (summary counts, scope errors,
/// --fail-on; its VMs are not read), <see cref="WriteVm"/> per VM in report order, <see cref="End"/>. None reads the
/// journal itself.
/// </summary>
public interface IRunWriter
{
    void Begin(RunReport run);

    void WriteVm(VmReport vm);

    void End();
}
