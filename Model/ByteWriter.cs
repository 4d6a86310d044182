using System.Runtime.CompilerServices;

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

    /// <summary>Counts <paramref name="n"/> bytes already written into the buffer by someone else.</summary>
    public void Skip(int n) => _pos += n;

    private void Grow() => Array.Resize(ref _buf, _buf.Length * 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Byte(byte b)
    {
        var buf = _buf;
        var pos = _pos;
        if ((uint)pos < (uint)buf.Length)
        {
            buf[pos] = b;
            _pos = pos + 1;
            return;
        }
        Grow();
        _buf[_pos++] = b;
    }

    /// <summary>LEB128: one byte below 128 (the common case, inlined), more otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Var(ulong v)
    {
        var buf = _buf;
        var pos = _pos;
        if (v < 0x80 && (uint)pos < (uint)buf.Length)
        {
            buf[pos] = (byte)v;
            _pos = pos + 1;
            return;
        }
        VarSlow(v);
    }

    private void VarSlow(ulong v)
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
