using AzureRdsFix.Azure.Tests.SerialConsole;

namespace AzureRdsFix.Azure.Tests.SerialConsole;

/// <summary>
/// Recorded sessions in the shape of real SAC output (strings from ReactOS sacmsg.mc; NULs in prompts and echo as the Go
/// driver saw them; VT100 redraws as Server 2016/2019 cmd channels print them; reference/serial-console.md §3).
/// </summary>
public static class SacTranscripts
{
    public const string Password = "Transcript-Pa55!";

    public const string Banner = "\r\nComputer is booting, SAC started and initialized.\r\n\r\nUse the \"ch -?\" command for information about using channels.\r\nUse the \"?\" command for general help.\r\n\r\n\r\nSAC>";

    public const string Prompt = "\r\nC:\\Windows\\\0system32>";

    public static string Header(string name) =>
        $"\r\nName:                  {name}\r\nDescription:           Command Prompt\r\nType:                  VT-UTF8\r\nChannel GUID:          {{6b1f1d0c-9d7e-11ee-8c90-0242ac120002}}\r\n"
        + "Application Type GUID: {63d02271-8aa4-11d5-bccf-00b0d014a2d0}\r\n\r\nPress <esc><tab> for next channel.\r\nPress <esc><tab>0 to return to the SAC channel.\r\nUse any other key to view this channel.\r\n";

    public static IEnumerable<SacStep> Login(string channel = "Cmd0002") =>
    [
        new("", "\r\nSAC>"),
        new("cmd", $"\r\nThe Command Prompt session was successfully launched.\r\nSAC>\r\nEVENT:   A new channel has been created.  Use \"ch -?\" for channel help.\r\nChannel: {channel}\r\nSAC>"),
        new($"ch -sn {channel}", Header(channel)),
        new("", "\x1b[2J\x1b[1;1HPlease enter login credentials.\r\n\0Username: "),
        new("rdsadmin", "\r\n\0Domain  : "),
        new("", "\r\nPassword: "),
        new(System.Text.RegularExpressions.Regex.Escape(Password), "\r\n\x1b[3;1HC:\\Windows\\\0system32>", Echo: false),
        new("", Prompt),
    ];

    /// <summary>One command between its markers, with the given output and exit code.</summary>
    public static IEnumerable<SacStep> Command(int n, string command, string output, int exitCode) =>
    [
        new($"echo AZRDSFIX\\^-BEGIN {n}", $"\r\nAZRDSFIX-BEGIN {n}\r\n" + Prompt),
        new(command, "\r\n" + output + "\r\n" + Prompt),
        new($"echo AZRDSFIX\\^-END {n} %ERRORLEVEL%", $"\r\nAZRDSFIX-END {n} {exitCode}\r\n" + Prompt),
    ];

    public static IEnumerable<SacStep> Logout(string channel = "Cmd0002") =>
    [
        new("exit", "\r\n" + Header("SAC").Replace("Command Prompt", "Special Administration Console", StringComparison.Ordinal)),
        new("\x1b\t0", "\r\nSAC>"),
        new($"ch -cn {channel}", "\r\nError: Could not find a channel with that name.\r\nSAC>"),
    ];
}
