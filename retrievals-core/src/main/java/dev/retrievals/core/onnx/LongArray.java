package dev.retrievals.core.onnx;

import java.util.Arrays;

/** A growable list of primitive longs, for repeated integer fields. */
final class LongArray {
    private long[] values = new long[8];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    long get(int index) {
        return values[index];
    }

    long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
