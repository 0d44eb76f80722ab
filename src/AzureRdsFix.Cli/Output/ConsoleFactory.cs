using AzureRdsFix.Cli.Hosting;
using Spectre.Console;

namespace AzureRdsFix.Cli.Output;

public static class ConsoleFactory
{
    /// <summary>A Spectre console over the injected writer: colours and redraws on a terminal, plain wide text otherwise.</summary>
    public static IAnsiConsole For(IOContext io)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(io.Out),
            Ansi = io.OutputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = io.OutputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = io.OutputIsTerminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!io.OutputIsTerminal)
        {
            // Logs are read later in a wide viewer; wrapping reasons at 80 columns makes them hard to grep.
            console.Profile.Width = 200;
        }

        return console;
    }
}
