using System.CommandLine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Rules;
using Spectre.Console;

namespace AzureRdsFix.Cli.Commands;

/// <summary>`azrdsfix rules`: the rule catalogue.</summary>
public sealed class RulesCommand(CliServices services)
{
    public Command Build()
    {
        var command = new Command("rules", "List the rule catalogue: id, severity, what it finds and what fix does about it.");
        command.SetAction(_ => Execute());
        return command;
    }

    private int Execute()
    {
        var console = ConsoleFactory.For(services.IO);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Id").AddColumn("Severity").AddColumn("Name").AddColumn("Finding").AddColumn("Fixable by").AddColumn("Help");
        foreach (var rule in RuleCatalog.All)
        {
            var m = rule.Metadata;
            table.AddRow(new Text(m.Id), new Text(m.Severity.ToString()), new Text(m.Name), new Text(m.Title), new Text(m.FixableBy), new Text(m.HelpPath));
        }

        console.Write(table);
        return ExitCodes.Success;
    }
}
