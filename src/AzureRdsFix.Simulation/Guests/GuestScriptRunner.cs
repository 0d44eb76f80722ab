using System.Text;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>What the guest printed (before Run Command cuts it) for one RunPowerShellScript.</summary>
public sealed record GuestScriptOutput(string StdOut, string StdErr);

/// <summary>Per-run output faults of a VM (see <see cref="Fleets.VmFaults"/>).</summary>
public sealed record OutputFaults(bool FloodStdOutAfterLine, bool ProgressNoiseOnStdErr);

/// <summary>
/// Recognises the tool's scripts by their first line and answers with their documented effect. Anything else is
/// not run: the guest says so on stderr, because the simulator cannot execute PowerShell.
/// </summary>
public static class GuestScriptRunner
{
    private const string ProgressNoise =
        "#< CLIXML\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj S=\"progress\" RefId=\"0\">"
        + "<TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N=\"SourceId\">1</I64>"
        + "<PR N=\"Record\"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR>"
        + "<SD> </SD></PR></MS></Obj></Objs>";

    /// <summary>The first line of the script text, however the client split it into lines.</summary>
    public static string FirstLine(IReadOnlyList<string> script)
    {
        var text = string.Join('\n', script).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }

    /// <summary>True when running the script may change the guest (the caller must pass an owned copy).</summary>
    public static bool Writes(IReadOnlyList<string> script) => FirstLine(script) == RemediationEmulator.Header;

    public static GuestScriptOutput Run(
        GuestState guest, IReadOnlyList<string> script, IReadOnlyList<KeyValuePair<string, string>> parameters, OutputFaults faults)
    {
        var header = FirstLine(script);
        var passed = CmdExeLayer.Pass(parameters);
        if (passed.Parameters is null)
        {
            return new GuestScriptOutput(string.Empty, passed.StdErr);
        }

        var output = header switch
        {
            ProbeEmulator.Header => new GuestScriptOutput(ProbeEmulator.OutputLine(guest) + "\n", string.Empty),
            RemediationEmulator.Header => RunRemediation(guest, passed.Parameters),
            _ => new GuestScriptOutput(
                string.Empty,
                $"The simulated guest cannot run this script: its first line '{Shorten(header)}' is not a known AZRDSFIX-SCRIPT header.\n"),
        };
        output = output with { StdErr = output.StdErr + passed.StdErr };
        if (faults.FloodStdOutAfterLine && output.StdOut.Length > 0)
        {
            // Something printed after the result line (a chatty module, a transcript): enough that Run Command's
            // last-4,096-byte window starts in the middle of the AZRDSFIX line.
            var line = Encoding.UTF8.GetByteCount(output.StdOut);
            var flood = new StringBuilder();
            while (flood.Length < RunCommandOutput.MaxBytes - (line / 2))
            {
                flood.Append("VERBOSE: Loading module from path 'C:\\Program Files\\WindowsPowerShell\\Modules\\Noise\\Noise.psm1'.\n");
            }

            output = output with { StdOut = output.StdOut + flood };
        }

        return faults.ProgressNoiseOnStdErr ? output with { StdErr = ProgressNoise + output.StdErr } : output;
    }

    private static GuestScriptOutput RunRemediation(GuestState guest, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var unknown = RemediationParameters.UnknownNames(parameters).FirstOrDefault();
        return unknown is null
            ? new GuestScriptOutput(RemediationEmulator.Run(guest, parameters) + "\n", string.Empty)
            // PowerShell refuses to bind the parameter, so the script never starts and prints nothing.
            : new GuestScriptOutput(string.Empty, $"A parameter cannot be found that matches parameter name '{unknown}'.\n");
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
