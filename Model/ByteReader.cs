using System.Runtime.CompilerServices;

namespace Model;

/// <summary>Reads what <see cref="ByteWriter"/> wrote.</summary>
internal ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _buf;
    private int _pos;

    public ByteReader(ReadOnlySpan<byte> buf) { _buf = buf; _pos = 0; }

    public byte Byte() => _buf[_pos++];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Var()
    {
        var b0 = _buf[_pos];
        if (b0 < 0x80)
        {
            _pos++;
            return b0;
        }
        return VarSlow();
    }

    private ulong VarSlow()
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
