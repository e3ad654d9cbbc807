package dev.cf520.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span's attributes as two arrays, in the order they were put: what an exchange's span needs, since each key is
 * put once. The SDK's span keeps a HashMap (a node per attribute, resized at the 13th of a span's ~18) and copies it
 * sorted for export; this is two small arrays, read as they are by the exporter. Null values are left out. String
 * values are cut to the configured attribute length limit ({@code otel.attribute.value.length.limit}), as the SDK
 * does; cf520 caps header-derived values at 256 characters itself.
 */
final class AttributeList implements Attributes {
    private static final int INITIAL = 24; // a healthy span from Cloudflare has ~18

    private final int valueLengthLimit;
    private AttributeKey<?>[] keys = new AttributeKey<?>[INITIAL];
    private Object[] values = new Object[INITIAL];
    private int size;

    AttributeList(int valueLengthLimit) {
        this.valueLengthLimit = valueLengthLimit;
    }

    /**
     * Adds the attribute, or replaces the value of the same key object: cf520's keys are constants, so a key is
     * found by identity (comparing each new key with every earlier one by equals was a third of this class's cost).
     * Foreign keys (a sampler's) go through {@link #putForeign}.
     */
    <T> AttributeList put(AttributeKey<T> key, T value) {
        if (key == null || value == null) {
            return this;
        }
        Object v = limit(value);
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                values[i] = v;
                return this;
            }
        }
        add(key, v);
        return this;
    }

    /** As {@link #put}, for a key that may equal one of cf520's without being the same object. */
    <T> AttributeList putForeign(AttributeKey<T> key, T value) {
        int i = indexOf(key);
        if (i >= 0 && value != null) {
            values[i] = limit(value);
            return this;
        }
        return put(key, value);
    }

    private void add(AttributeKey<?> key, Object v) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = v;
        size++;
    }

    private int indexOf(AttributeKey<?> key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        int h = key.hashCode();
        for (int i = 0; i < size; i++) {
            if (keys[i].hashCode() == h && keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private Object limit(Object value) {
        if (valueLengthLimit == Integer.MAX_VALUE) {
            return value;
        }
        if (value instanceof String && ((String) value).length() > valueLengthLimit) {
            return ((String) value).substring(0, valueLengthLimit);
        }
        if (value instanceof List) {
            List<Object> cut = new ArrayList<>();
            for (Object o : (List<?>) value) {
                cut.add(o instanceof String && ((String) o).length() > valueLengthLimit
                        ? ((String) o).substring(0, valueLengthLimit) : o);
            }
            return Collections.unmodifiableList(cut);
        }
        return value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        int i = key == null ? -1 : indexOf(key);
        return i < 0 ? null : (T) values[i];
    }

    @Override
    public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(keys[i], values[i]);
        }
    }

    /** The i-th key put, for the exporter's encoder: no lambda per span. */
    AttributeKey<?> keyAt(int i) {
        return keys[i];
    }

    Object valueAt(int i) {
        return values[i];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Map<AttributeKey<?>, Object> asMap() {
        Map<AttributeKey<?>, Object> m = new LinkedHashMap<>();
        forEach(m::put);
        return Collections.unmodifiableMap(m);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public AttributesBuilder toBuilder() {
        AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < size; i++) {
            b.put((AttributeKey) keys[i], values[i]);
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes && asMap().equals(((Attributes) o).asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
