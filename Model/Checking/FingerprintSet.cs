namespace Model.Checking;

/// <summary>
/// The visited set: 64-bit fingerprints, each with an order key (depth, parent's index in the previous level,
/// action index) that keeps the smallest key offered within a level, so parents (and so counterexample paths) do not
/// depend on which thread found a state first. Striped open addressing; each stripe grows on its own.
/// </summary>
internal sealed class FingerprintSet
{
    private const int StripeBits = 8;
    private readonly Stripe[] _stripes = new Stripe[1 << StripeBits];
    private readonly bool _concurrent;

    public FingerprintSet(bool concurrent, long expected = 1 << 16)
    {
        _concurrent = concurrent;
        var per = (int)Math.Clamp(expected * 2 / _stripes.Length, 16, 1 << 26);
        var cap = 16;
        while (cap < per) cap <<= 1;
        for (var i = 0; i < _stripes.Length; i++) _stripes[i] = new Stripe(cap);
    }

    public long Count
    {
        get
        {
            long n = 0;
            foreach (var s in _stripes) n += s.Count;
            return n;
        }
    }

    /// <summary>0 is the empty-slot marker; fingerprint 0 is stored as 1.</summary>
    private static ulong Key(ulong fp) => fp == 0 ? 1 : fp;

    /// <summary>Adds the fingerprint; true when it was not there. An existing key of the same depth keeps the smaller order.</summary>
    public bool Add(ulong fp, long order)
    {
        fp = Key(fp);
        var stripe = _stripes[fp >> (64 - StripeBits)];
        if (!_concurrent) return stripe.Add(fp, order);
        lock (stripe) return stripe.Add(fp, order);
    }

    /// <summary>The order key stored for the fingerprint, or -1.</summary>
    public long Order(ulong fp)
    {
        fp = Key(fp);
        var stripe = _stripes[fp >> (64 - StripeBits)];
        if (!_concurrent) return stripe.Get(fp);
        lock (stripe) return stripe.Get(fp);
    }

    /// <summary>A fingerprint and its order key, side by side so a probe touches one cache line.</summary>
    private struct Entry
    {
        public ulong Key;
        public long Order;
    }

    private sealed class Stripe(int capacity)
    {
        private Entry[] _entries = new Entry[capacity];
        public int Count;
        // Keeps two stripes' hot fields off one cache line when threads insert into neighbouring stripes.
#pragma warning disable CS0169, IDE0051
        private readonly long _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6, _pad7;
#pragma warning restore CS0169, IDE0051

        public bool Add(ulong key, long order)
        {
            if ((Count + 1) * 4 > _entries.Length * 3) Grow();
            var entries = _entries;
            var mask = entries.Length - 1;
            var i = (int)(key & (ulong)mask);
            while (true)
            {
                ref var e = ref entries[i];
                if (e.Key == 0)
                {
                    e.Key = key;
                    e.Order = order;
                    Count++;
                    return true;
                }
                if (e.Key == key)
                {
                    if ((e.Order >> 48) == (order >> 48) && order < e.Order) e.Order = order;
                    return false;
                }
                i = (i + 1) & mask;
            }
        }

        public long Get(ulong key)
        {
            var entries = _entries;
            var mask = entries.Length - 1;
            var i = (int)(key & (ulong)mask);
            while (true)
            {
                ref var e = ref entries[i];
                if (e.Key == 0) return -1;
                if (e.Key == key) return e.Order;
                i = (i + 1) & mask;
            }
        }

        private void Grow()
        {
            var old = _entries;
            var entries = new Entry[old.Length * 4]; // fewer rehashes of a table that will keep growing
            var mask = entries.Length - 1;
            foreach (var e in old)
            {
                if (e.Key == 0) continue;
                var i = (int)(e.Key & (ulong)mask);
                while (entries[i].Key != 0) i = (i + 1) & mask;
                entries[i] = e;
            }
            _entries = entries;
        }
    }
}
