package dev.cf520.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Encodes a batch of spans as an OTLP {@code ExportTraceServiceRequest} in protobuf, in one pass into one array.
 * The SDK's marshaler first walks every span to size each nested message (UTF-8 lengths of every string included),
 * then walks them again to write: on /hello in {@code all} mode that was most of the export threads' CPU, as much
 * as a third of cf520's. Here each nested message is written first and its length put in front afterwards: one
 * byte is reserved for it, and the message moves up only when it turns out longer than 127 bytes (a span, not its
 * attributes). Equivalence with the SDK's encoding is {@code OtlpTraceEncoderTest}'s job.
 *
 * <p>Throws {@link UnsupportedOperationException} for an attribute type it does not know (a newer SDK's), so the
 * caller can hand that batch to the SDK's own exporter.
 */
final class OtlpTraceEncoder {
    // field numbers and wire types of opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto
    private static final int LEN = 2;
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int FIXED32 = 5;

    private static final int FLAG_HAS_IS_REMOTE = 0x100; // SpanFlags: whether the parent / link is remote is known
    private static final int FLAG_IS_REMOTE = 0x200;

    /**
     * Each export thread's working array, kept from one batch to the next: a batch of cf520's spans is ~1.4 MB,
     * and allocating (zeroed, humongous for G1) and growing a new one per batch was 2.2 KB allocated per span,
     * three times what the request itself needs. The request is an exact copy, as the sender may still be reading
     * the last one when the next batch is encoded.
     */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);
    private static final int SCRATCH_KEPT_AT_MOST = 16 << 20; // a larger one (a burst of huge spans) is let go
    /**
     * Attribute keys as their encoded {@code KeyValue.key} field, by identity: cf520 puts the same ~20 constant keys
     * on every span, so each is encoded once. Another key (a resource's, a sampler's) may take a slot over: it is
     * encoded again next time, never wrong. Entries are immutable (final fields), so a racy read sees a whole one.
     */
    private static final KeyField[] KEY_FIELDS = new KeyField[256];
    /** Hex digits' values by character (the API keeps ids valid: lower case 0-9a-f), one look-up per digit. */
    private static final byte[] NIBBLE = new byte[128];

    static {
        for (int i = 0; i < 16; i++) {
            NIBBLE["0123456789abcdef".charAt(i)] = (byte) i;
            NIBBLE["0123456789ABCDEF".charAt(i)] = (byte) i;
        }
    }

    private byte[] buf;
    private int pos;

    private OtlpTraceEncoder(byte[] buf) {
        this.buf = buf;
    }

    /** The request's bytes, in a new array of their own. */
    static byte[] encode(Collection<SpanData> spans) {
        byte[][] scratch = SCRATCH.get();
        byte[] start = scratch[0];
        OtlpTraceEncoder e = new OtlpTraceEncoder(start != null ? start : new byte[Math.max(1024, spans.size() * 768)]);
        try {
            e.request(spans);
            return Arrays.copyOf(e.buf, e.pos);
        } finally {
            scratch[0] = e.buf.length <= SCRATCH_KEPT_AT_MOST ? e.buf : null;
        }
    }

    private void request(Collection<SpanData> spans) {
        for (ResourceGroup r : ResourceGroup.of(spans)) {
            int resourceSpans = begin(1);
            int resource = begin(1);
            attributes(1, r.resource.getAttributes());
            end(resource);
            for (ScopeGroup g : r.scopes) {
                int scopeSpans = begin(2);
                scope(g.scope);
                for (SpanData s : g.spans) {
                    int span = begin(2);
                    span(s);
                    end(span);
                }
                string(3, g.scope.getSchemaUrl());
                end(scopeSpans);
            }
            string(3, r.resource.getSchemaUrl());
            end(resourceSpans);
        }
    }

    /**
     * The spans of one resource by scope, in the order first seen; batches have one or a few of these. By identity, as
     * the SDK's marshaler groups them: two equal Resource objects make two ResourceSpans there too.
     */
    private static final class ResourceGroup {
        final Resource resource;
        final List<ScopeGroup> scopes = new ArrayList<>(2);

        private ResourceGroup(Resource resource) {
            this.resource = resource;
        }

        static List<ResourceGroup> of(Collection<SpanData> spans) {
            List<ResourceGroup> groups = new ArrayList<>(2);
            ScopeGroup last = null;
            for (SpanData s : spans) {
                if (last == null || last.resource != s.getResource() || last.scope != s.getInstrumentationScopeInfo()) {
                    last = find(groups, s.getResource()).scope(s.getInstrumentationScopeInfo());
                }
                last.spans.add(s);
            }
            return groups;
        }

        private static ResourceGroup find(List<ResourceGroup> groups, Resource resource) {
            for (ResourceGroup g : groups) {
                if (g.resource == resource) {
                    return g;
                }
            }
            ResourceGroup g = new ResourceGroup(resource);
            groups.add(g);
            return g;
        }

        private ScopeGroup scope(InstrumentationScopeInfo scope) {
            for (ScopeGroup g : scopes) {
                if (g.scope == scope) {
                    return g;
                }
            }
            ScopeGroup g = new ScopeGroup(resource, scope);
            scopes.add(g);
            return g;
        }
    }

    private static final class ScopeGroup {
        final Resource resource;
        final InstrumentationScopeInfo scope;
        final List<SpanData> spans = new ArrayList<>();

        ScopeGroup(Resource resource, InstrumentationScopeInfo scope) {
            this.resource = resource;
            this.scope = scope;
        }
    }

    private void scope(InstrumentationScopeInfo scope) {
        int m = begin(1);
        string(1, scope.getName());
        string(2, scope.getVersion());
        attributes(3, scope.getAttributes());
        end(m);
    }

    private void span(SpanData s) {
        SpanContext c = s.getSpanContext();
        hex(1, c.getTraceId());
        hex(2, c.getSpanId());
        traceState(3, c.getTraceState());
        SpanContext parent = s.getParentSpanContext();
        if (parent.isValid()) {
            hex(4, parent.getSpanId());
        }
        string(5, s.getName());
        int kind = s.getKind().ordinal() + 1; // INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER: 1 to 5 in OTLP
        tag(6, VARINT);
        varint(kind);
        fixed64(7, s.getStartEpochNanos());
        fixed64(8, s.getEndEpochNanos());
        attributes(9, s.getAttributes());
        uint32(10, s.getTotalAttributeCount() - s.getAttributes().size());
        for (EventData ev : s.getEvents()) {
            int m = begin(11);
            fixed64(1, ev.getEpochNanos());
            string(2, ev.getName());
            attributes(3, ev.getAttributes());
            uint32(4, ev.getDroppedAttributesCount());
            end(m);
        }
        uint32(12, s.getTotalRecordedEvents() - s.getEvents().size());
        for (LinkData l : s.getLinks()) {
            int m = begin(13);
            SpanContext lc = l.getSpanContext();
            hex(1, lc.getTraceId());
            hex(2, lc.getSpanId());
            traceState(3, lc.getTraceState());
            attributes(4, l.getAttributes());
            uint32(5, l.getTotalAttributeCount() - l.getAttributes().size());
            fixed32(6, flags(lc));
            end(m);
        }
        uint32(14, s.getTotalRecordedLinks() - s.getLinks().size());
        status(s.getStatus());
        fixed32(16, flags(c.getTraceFlags().asByte(), parent.isRemote()));
    }

    private static int flags(SpanContext link) {
        return flags(link.getTraceFlags().asByte(), link.isRemote());
    }

    private static int flags(byte traceFlags, boolean remote) {
        return (traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (remote ? FLAG_IS_REMOTE : 0);
    }

    private void status(StatusData status) {
        int m = begin(15);
        string(2, status.getDescription());
        StatusCode code = status.getStatusCode();
        int value = code == StatusCode.OK ? 1 : code == StatusCode.ERROR ? 2 : 0;
        if (value != 0) {
            tag(3, VARINT);
            varint(value);
        }
        end(m);
    }

    private void traceState(int field, TraceState state) {
        if (state.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        state.forEach((k, v) -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(k).append('=').append(v);
        });
        string(field, b.toString());
    }

    private void attributes(int field, Attributes attributes) {
        if (attributes.isEmpty()) {
            return;
        }
        if (attributes instanceof AttributeList) { // cf520's own spans: no lambda, no map
            AttributeList a = (AttributeList) attributes;
            for (int i = 0; i < a.size(); i++) {
                keyValue(field, a.keyAt(i), a.valueAt(i));
            }
        } else {
            attributes.forEach((k, v) -> keyValue(field, k, v));
        }
    }

    private void keyValue(int field, AttributeKey<?> key, Object value) {
        int kv = begin(field);
        key(key);
        int any = begin(2);
        AttributeType element = elementType(key.getType());
        if (element == null) {
            scalar(key.getType(), value);
        } else {
            int array = begin(5);
            for (Object v : (List<?>) value) {
                int one = begin(1);
                scalar(element, v);
                end(one);
            }
            end(array);
        }
        end(any);
        end(kv);
    }

    private void key(AttributeKey<?> key) {
        int slot = System.identityHashCode(key) & (KEY_FIELDS.length - 1);
        KeyField k = KEY_FIELDS[slot];
        if (k == null || k.key != key) {
            k = new KeyField(key);
            KEY_FIELDS[slot] = k;
        }
        ensure(k.field.length);
        System.arraycopy(k.field, 0, buf, pos, k.field.length);
        pos += k.field.length;
    }

    private static final class KeyField {
        final AttributeKey<?> key;
        final byte[] field;

        KeyField(AttributeKey<?> key) {
            this.key = key;
            OtlpTraceEncoder e = new OtlpTraceEncoder(new byte[16]);
            e.string(1, key.getKey());
            this.field = Arrays.copyOf(e.buf, e.pos);
        }
    }

    private static AttributeType elementType(AttributeType arrayType) {
        switch (arrayType) {
            case STRING_ARRAY:
                return AttributeType.STRING;
            case BOOLEAN_ARRAY:
                return AttributeType.BOOLEAN;
            case LONG_ARRAY:
                return AttributeType.LONG;
            case DOUBLE_ARRAY:
                return AttributeType.DOUBLE;
            default:
                return null;
        }
    }

    /** The AnyValue field of a single value. */
    private void scalar(AttributeType type, Object value) {
        switch (type) {
            case STRING:
                stringAlways(1, (String) value);
                break;
            case BOOLEAN:
                bool(2, (Boolean) value);
                break;
            case LONG:
                tag(3, VARINT);
                varint((Long) value);
                break;
            case DOUBLE:
                tag(4, FIXED64);
                fixed64Value(Double.doubleToRawLongBits((Double) value));
                break;
            default:
                throw new UnsupportedOperationException("attribute type " + type);
        }
    }

    // --- protobuf primitives ------------------------------------------------------------------------------

    /** Starts a nested message; returns where its content starts, for {@link #end}. */
    private int begin(int field) {
        tag(field, LEN);
        ensure(1);
        pos++; // its length, if under 128
        return pos;
    }

    private void end(int start) {
        int length = pos - start;
        int n = varintSize(length);
        if (n > 1) {
            ensure(n - 1);
            System.arraycopy(buf, start, buf, start + n - 1, length);
        }
        int end = pos + n - 1;
        pos = start - 1;
        varint(length);
        pos = end;
    }

    private void tag(int field, int wireType) {
        varint((field << 3) | wireType);
    }

    private void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private static int varintSize(int v) {
        return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
    }

    private void uint32(int field, int v) {
        if (v != 0) {
            tag(field, VARINT);
            varint(v & 0xFFFFFFFFL);
        }
    }

    private void bool(int field, boolean v) {
        tag(field, VARINT);
        varint(v ? 1 : 0);
    }

    private void fixed32(int field, int v) {
        if (v != 0) {
            tag(field, FIXED32);
            ensure(4);
            for (int i = 0; i < 4; i++) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
        }
    }

    private void fixed64(int field, long v) {
        if (v != 0) {
            tag(field, FIXED64);
            fixed64Value(v);
        }
    }

    private void fixed64Value(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /** A proto3 string field: left out when empty (or null), as the SDK does. */
    private void string(int field, String s) {
        if (s != null && !s.isEmpty()) {
            stringAlways(field, s);
        }
    }

    /** A string inside a oneof (an attribute's value): written even when empty, so its type stays known. */
    private void stringAlways(int field, String s) {
        tag(field, LEN);
        int n = s.length();
        ensure(5 + n);
        int start = pos + varintSize(n);
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch >= 0x80) { // not ASCII: the length in bytes differs from the length in chars
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                varint(utf8.length);
                ensure(utf8.length);
                System.arraycopy(utf8, 0, buf, pos, utf8.length);
                pos += utf8.length;
                return;
            }
            buf[start + i] = (byte) ch;
        }
        varint(n);
        pos += n;
    }

    /** A trace or span id, kept as lowercase hex by the API, as its bytes. */
    private void hex(int field, String hex) {
        int n = hex.length() / 2;
        tag(field, LEN);
        varint(n);
        ensure(n);
        byte[] b = buf;
        int p = pos;
        for (int i = 0, c = 0; i < n; i++, c += 2) {
            b[p + i] = (byte) ((NIBBLE[hex.charAt(c) & 0x7f] << 4) | NIBBLE[hex.charAt(c + 1) & 0x7f]);
        }
        pos = p + n;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
