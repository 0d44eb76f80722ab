namespace AzureRdsFix.Core.Rules;

public enum Severity { Info, Warning, Error }
