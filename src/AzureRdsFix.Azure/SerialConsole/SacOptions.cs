namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// Waits and pacing of the SAC driver. The figures follow the open-source drivers (reference/serial-console.md §6):
/// 2 s for the SAC prompt, 10 s for the Username prompt, 45 s for the cmd prompt after login; typing paced because
/// the serial port drops or doubles characters typed too fast (microsoft/azserialconsole #78, #85).
/// </summary>
public sealed record SacOptions
{
    /// <summary>SAC only accepts pastes up to 2,048 characters; the driver keeps every line well below that.</summary>
    public const int MaxLineLength = 1000;

    public TimeSpan SacPromptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ChannelTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan LoginPromptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan CmdPromptTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>How long one command (reg, dism, the PowerShell reach test) may take to print its end marker.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>dism can take many minutes to disable a role.</summary>
    public TimeSpan LongCommandTimeout { get; init; } = TimeSpan.FromMinutes(20);

    public TimeSpan EchoTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Characters typed at once before pausing.</summary>
    public int TypingChunk { get; init; } = 16;

    public TimeSpan TypingDelay { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>No pauses and short waits: for tests against the simulator.</summary>
    public static SacOptions Fast { get; } = new()
    {
        TypingDelay = TimeSpan.Zero,
        TypingChunk = 64,
        SacPromptTimeout = TimeSpan.FromSeconds(5),
        ChannelTimeout = TimeSpan.FromSeconds(10),
        LoginPromptTimeout = TimeSpan.FromSeconds(10),
        CmdPromptTimeout = TimeSpan.FromSeconds(10),
        CommandTimeout = TimeSpan.FromSeconds(10),
        LongCommandTimeout = TimeSpan.FromSeconds(10),
        EchoTimeout = TimeSpan.FromSeconds(10),
    };
}
