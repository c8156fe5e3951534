package io.hmapstore.bench.subjects;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * LMDB through lmdbjava, in a temporary directory deleted on close. Configured as the file-backed hmapstore
 * is: a shared writable mapping ({@code MDB_WRITEMAP}), durable against a process crash but not a power
 * loss ({@code MDB_NOSYNC}, {@code MDB_NOMETASYNC}); {@code MDB_INTEGERKEY} for the native-order
 * {@code long} keys; {@code MDB_NOTLS} so a thread may hold a read and a write transaction at once.
 *
 * <p>Two ways to use it, named by their subject:
 * <ul>
 *   <li><b>per batch</b> ({@link Subject#LmdbTxnPerBatch}): a handle keeps one read transaction and resets
 *       and renews it every {@value #BATCH} operations; its writes go into one write transaction committed
 *       every {@value #BATCH} operations (reads in the meantime go through that write transaction). Issue 7's
 *       "one read transaction for all gets" is this with an unbounded batch.
 *   <li><b>per operation</b> ({@link Subject#LmdbTxnPerOp}): every get opens and closes a read transaction,
 *       every put or remove opens and commits a write transaction.
 * </ul>
 */
final class LmdbStore implements Store {

    /** Operations per transaction for {@link Subject#LmdbTxnPerBatch}. */
    static final int BATCH = 1024;

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final ValueKind kind;
    private final boolean batched;
    private final Path dir;
    private final List<Handle> handles = new ArrayList<>();

    private LmdbStore(Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, ValueKind kind, boolean batched, Path dir) {
        this.env = env;
        this.dbi = dbi;
        this.kind = kind;
        this.batched = batched;
        this.dir = dir;
    }

    static LmdbStore open(ValueKind kind, long capacity, boolean batched) {
        Path dir = TempDirs.create("lmdb-bench");
        // A B-tree filled by random inserts keeps its leaves ~70 % full, and copy-on-write needs free pages
        // beside the live ones: three times the node size (8-byte header + key + value + 2-byte slot) is
        // ample. The file is sparse, so the reserve costs nothing until it is written.
        long mapSize = (64L << 20) + capacity * (8 + kind.payloadBytes() + 2) * 3;
        Env<ByteBuffer> env = Env.create().setMapSize(mapSize).setMaxDbs(1).setMaxReaders(64)
                .open(dir.toFile(), EnvFlags.MDB_WRITEMAP, EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOMETASYNC,
                        EnvFlags.MDB_NOTLS, EnvFlags.MDB_NORDAHEAD);
        Dbi<ByteBuffer> dbi = env.openDbi("bench", DbiFlags.MDB_CREATE, DbiFlags.MDB_INTEGERKEY);
        return new LmdbStore(env, dbi, kind, batched, dir);
    }

    @Override
    public synchronized Handle handle() {
        Handle h = batched ? new PerBatch(this) : new PerOp(this);
        handles.add(h);
        return h;
    }

    @Override
    public synchronized Handle loader() {
        Handle h = new PerBatch(this);
        handles.add(h);
        return h;
    }

    @Override
    public long offHeapBytes() {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            Stat s = dbi.stat(txn);
            return (s.branchPages + s.leafPages + s.overflowPages) * (long) s.pageSize;
        }
    }

    @Override
    public synchronized void close() {
        if (env.isClosed()) {
            return;
        }
        handles.forEach(Handle::close);
        handles.clear();
        env.close();
        TempDirs.delete(dir);
    }

    /** A handle's buffers: the key (native order, as {@code MDB_INTEGERKEY} wants), the value, the copy out. */
    private abstract static class Buffers implements Handle {
        final Env<ByteBuffer> env;
        final Dbi<ByteBuffer> dbi;
        final ByteBuffer key = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
        final ByteBuffer value;
        final byte[] out;

        Buffers(LmdbStore store) {
            env = store.env;
            dbi = store.dbi;
            int bytes = store.kind.bytes();
            value = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            value.put(0, Payloads.payload(bytes));
            out = new byte[bytes];
        }

        /** Copies the value out of the mapping (valid only inside its transaction). */
        final long copyOut(ByteBuffer v) {
            if (v == null) {
                return ABSENT;
            }
            v.get(0, out, 0, out.length);
            return Payloads.stamp(out);
        }
    }

    private static final class PerOp extends Buffers {
        PerOp(LmdbStore store) {
            super(store);
        }

        @Override
        public long get(long k, Long boxedKey) {
            key.putLong(0, k);
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                return copyOut(dbi.get(txn, key));
            }
        }

        @Override
        public void put(long k, Long boxedKey, long v) {
            key.putLong(0, k);
            value.putLong(0, v);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                dbi.put(txn, key, value);
                txn.commit();
            }
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            key.putLong(0, k);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                boolean removed = dbi.delete(txn, key);
                txn.commit();
                return removed;
            }
        }

        @Override
        public void close() {
        }
    }

    private static final class PerBatch extends Buffers {
        private Txn<ByteBuffer> read;
        private boolean readLive;
        private Txn<ByteBuffer> write;
        private int ops;
        private boolean closed;

        PerBatch(LmdbStore store) {
            super(store);
        }

        private Txn<ByteBuffer> reader() {
            if (write != null) {
                return write;
            }
            if (read == null) {
                read = env.txnRead();
                readLive = true;
            } else if (!readLive) {
                read.renew();
                readLive = true;
            }
            return read;
        }

        private Txn<ByteBuffer> writer() {
            if (write == null) {
                write = env.txnWrite();
            }
            return write;
        }

        /** Ends the batch every {@link #BATCH} operations: commits the writes, lets the snapshot go. */
        private void tick() {
            if (++ops == BATCH) {
                ops = 0;
                endBatch();
            }
        }

        private void endBatch() {
            if (write != null) {
                write.commit();
                write.close();
                write = null;
            }
            if (readLive) {
                read.reset();
                readLive = false;
            }
        }

        @Override
        public long get(long k, Long boxedKey) {
            key.putLong(0, k);
            long v = copyOut(dbi.get(reader(), key));
            tick();
            return v;
        }

        @Override
        public void put(long k, Long boxedKey, long v) {
            key.putLong(0, k);
            value.putLong(0, v);
            dbi.put(writer(), key, value);
            tick();
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            key.putLong(0, k);
            boolean removed = dbi.delete(writer(), key);
            tick();
            return removed;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            endBatch();
            if (read != null) {
                read.close();
            }
        }
    }
}
