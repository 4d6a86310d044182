namespace Model;

/// <summary>Appends the canonical encoding: bytes and LEB128 varints, into a growable buffer it owns.</summary>
internal struct ByteWriter
{
    private byte[] _buf;
    private int _pos;

    public ByteWriter(int capacity) { _buf = new byte[capacity]; _pos = 0; }
    public ByteWriter(byte[] buffer) { _buf = buffer; _pos = 0; }

    public readonly int Length => _pos;
    public readonly byte[] Buffer => _buf;
    public readonly ReadOnlySpan<byte> Written => _buf.AsSpan(0, _pos);
    public void Reset() => _pos = 0;

    private void Grow() => Array.Resize(ref _buf, _buf.Length * 2);

    public void Byte(byte b)
    {
        if (_pos == _buf.Length) Grow();
        _buf[_pos++] = b;
    }

    public void Var(ulong v)
    {
        if (_pos + 10 > _buf.Length) Grow();
        while (v >= 0x80) { _buf[_pos++] = (byte)(v | 0x80); v >>= 7; }
        _buf[_pos++] = (byte)v;
    }

    public void List(List<int> list)
    {
        Var((uint)list.Count);
        foreach (var x in list) Var((uint)x);
    }

    public readonly byte[] ToArray() => _buf.AsSpan(0, _pos).ToArray();
}

/// <summary>Reads what <see cref="ByteWriter"/> wrote.</summary>
internal ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _buf;
    private int _pos;

    public ByteReader(ReadOnlySpan<byte> buf) { _buf = buf; _pos = 0; }

    public byte Byte() => _buf[_pos++];

    public ulong Var()
    {
        ulong v = 0;
        var shift = 0;
        while (true)
        {
            var b = _buf[_pos++];
            v |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return v;
            shift += 7;
        }
    }

    public void List(List<int> list)
    {
        list.Clear();
        var n = (int)Var();
        for (var i = 0; i < n; i++) list.Add((int)Var());
    }
}
