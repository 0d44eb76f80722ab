namespace AzureRdsFix.Cli.Hosting;

/// <summary>Environment variables and the working directory, behind a seam so tests control them.</summary>
public interface ICliEnvironment
{
    string? GetVariable(string name);

    string CurrentDirectory { get; }
}

public sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string?> variables, string currentDirectory) : ICliEnvironment
{
    public string? GetVariable(string name) => variables.TryGetValue(name, out var value) ? value : null;

    public string CurrentDirectory => currentDirectory;
}
