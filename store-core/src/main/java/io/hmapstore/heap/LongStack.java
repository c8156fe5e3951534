package io.hmapstore.heap;

/** A growable stack of longs, so the heap's free lists and slab lists box nothing. */
final class LongStack {
    private long[] items = new long[8];
    private int size;

    void push(long v) {
        if (size == items.length) {
            items = java.util.Arrays.copyOf(items, size * 2);
        }
        items[size++] = v;
    }

    long pop() {
        return items[--size];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long get(int i) {
        return items[i];
    }

    void set(int i, long v) {
        items[i] = v;
    }

    void truncate(int n) {
        size = n;
    }
}
