using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Dots.Infrastructure.Database;

/// <summary>
/// PostgreSQL binary COPY written straight into a byte buffer (the documented COPY BINARY file format) and sent through
/// <see cref="NpgsqlConnection.BeginRawBinaryCopyAsync"/>. Npgsql's <c>NpgsqlBinaryImporter</c> resolves a converter and
/// binds a parameter for every value (its per-field await cost more CPU per row than the database's own work in the
/// demand ingestion profile); bulk writers that know their columns encode them here instead. Supports what those
/// writers need: text (varchar), int4, int8 and timestamptz, each nullable.
/// </summary>
public sealed class PgBinaryCopy : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly NpgsqlRawCopyStream _stream;
    private byte[] _buffer;
    private int _length;
    private bool _completed;

    private PgBinaryCopy(NpgsqlRawCopyStream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        Header.CopyTo(_buffer, 0);
        _length = Header.Length;
    }

    /// <summary>Starts <paramref name="copyFromStdinBinary"/> (<c>COPY t (cols) FROM STDIN (FORMAT BINARY)</c>) on the connection (and its current transaction).</summary>
    public static async Task<PgBinaryCopy> BeginAsync(NpgsqlConnection connection, string copyFromStdinBinary, CancellationToken ct) =>
        new(await connection.BeginRawBinaryCopyAsync(copyFromStdinBinary, ct));

    public int Rows { get; private set; }

    /// <summary>True when the buffer should be sent (<see cref="FlushAsync"/>) before the next row: memory stays at one small buffer however many rows.</summary>
    public bool Full => _length > BufferSize - 8 * 1024;

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await _stream.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
    }

    private Span<byte> Take(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var span = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }

    public void StartRow(short fields)
    {
        BinaryPrimitives.WriteInt16BigEndian(Take(2), fields);
        Rows++;
    }

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Take(4), -1);

    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }
        var span = Take(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        int n = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, n);
        _length -= span.Length - 4 - n;
    }

    public void Int32(int value)
    {
        var span = Take(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
    }

    public void Int32(int? value)
    {
        if (value is { } v) Int32(v);
        else Null();
    }

    public void Int64(long value)
    {
        var span = Take(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    /// <summary>timestamptz: microseconds since 2000-01-01 UTC.</summary>
    public void TimestampTz(DateTimeOffset value) => Int64((value.UtcTicks - PostgresEpochTicks) / 10);

    /// <summary>Sends the trailer and ends the COPY (its rows are then in the table, in the connection's transaction).</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        BinaryPrimitives.WriteInt16BigEndian(Take(2), -1);
        await FlushAsync(ct);
        _completed = true;
        await _stream.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Not completed (an error on the way): the COPY is cancelled, nothing of it is kept.
            try { await _stream.CancelAsync(); } catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException) { }
            await _stream.DisposeAsync();
        }
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
