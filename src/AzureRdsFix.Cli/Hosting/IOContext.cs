namespace AzureRdsFix.Cli.Hosting;

/// <summary>
/// The process's standard streams, injected so tests run the real CLI in-process and read what a user would see.
/// <see cref="OutputIsTerminal"/> picks the live progress display; <see cref="InputIsTerminal"/> decides whether
/// `fix` may ask for confirmation.
/// </summary>
public sealed record IOContext(TextReader In, TextWriter Out, TextWriter Error, bool OutputIsTerminal, bool InputIsTerminal)
{
    public static IOContext ForStrings(StringWriter output, StringWriter error, string input = "")
        => new(new StringReader(input), output, error, OutputIsTerminal: false, InputIsTerminal: false);
}
