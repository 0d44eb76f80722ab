using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AzureRdsFix.Core.Reporting;

/// <summary>report.json, schemaVersion 1 (DESIGN.md; JSON Schema in docs/report.schema.json), written a VM at a time.</summary>
public sealed class JsonReportWriter : IReportWriter, IDisposable
{
    private const int FlushAt = 64 * 1024;

    private TextWriter _writer = TextWriter.Null;
    private StreamWriter? _file;
    private ArrayBufferWriter<byte>? _buffer;
    private Utf8JsonWriter? _json;
    private RunReport? _run;

    public string Format => "json";

    public string FileName => "report.json";

    public void Begin(RunReport run, TextWriter writer)
    {
        _writer = writer;
        _run = run;
        if (writer is StreamWriter { Encoding: UTF8Encoding } file && file.Encoding.GetPreamble().Length == 0)
        {
            // A file: the UTF-8 goes straight to it.
            file.Flush();
            _file = file;
            _json = new Utf8JsonWriter(file.BaseStream, ReportJson.Options);
        }
        else
        {
            _buffer = new ArrayBufferWriter<byte>();
            _json = new Utf8JsonWriter(_buffer, ReportJson.Options);
        }

        ReportJson.WriteHeader(_json, run);
    }

    public void WriteVm(VmReport vm)
    {
        ReportJson.WriteVm(_json!, vm);
        if (_json!.BytesPending > FlushAt || _buffer?.WrittenCount > FlushAt)
        {
            Drain();
        }
    }

    public void End()
    {
        ReportJson.WriteFooter(_json!, _run!);
        Drain();
        _json!.Dispose();
        if (_file is not null)
        {
            _file.Write('\n');
        }
        else
        {
            _writer.Write('\n');
        }
    }

    public void Dispose() => _json?.Dispose();

    /// <summary>Hands what is written so far on (whole tokens: the bytes are whole UTF-8).</summary>
    private void Drain()
    {
        _json!.Flush();
        if (_buffer is { WrittenCount: > 0 })
        {
            _writer.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _buffer.ResetWrittenCount();
        }
    }
}
