using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;

namespace AzureRdsFix.Cli.Commands;

/// <summary>Commands that change VMs ask first on a terminal; without one they need --yes.</summary>
public static class Confirmation
{
    public static async Task<bool> AskAsync(IOContext io, string command, string question)
    {
        if (!io.InputIsTerminal)
        {
            throw new UsageException($"{command} changes VMs and needs confirmation: run it from a terminal, or pass {OptionNames.Yes}.");
        }

        await io.Out.WriteAsync($"{question} Continue? [y/N] ");
        var yes = (await io.In.ReadLineAsync())?.Trim().ToUpperInvariant() is "Y" or "YES";
        if (!yes)
        {
            await io.Error.WriteLineAsync("azrdsfix: not confirmed; nothing was changed.");
        }

        return yes;
    }
}
