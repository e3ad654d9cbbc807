package dev.cf520.detect;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Says whether a request came from Cloudflare: the TCP peer is in Cloudflare's published ranges,
 * or the peer is a trusted proxy (a local load balancer, cloudflared) and the nearest untrusted
 * hop in {@code X-Forwarded-For} is. Addresses are only ever parsed as literals: no DNS.
 */
public final class EdgeVerifier {

    /** https://www.cloudflare.com/ips/ — override with cf520.cloudflare-ips-file when it changes. */
    public static final List<String> CLOUDFLARE_RANGES = List.of(
            "173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22", "141.101.64.0/18",
            "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
            "162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
            "2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32",
            "2a06:98c0::/29", "2c0f:f248::/32");

    private final List<byte[][]> cloudflare;
    private final List<byte[][]> trusted;
    private final V4Ranges cloudflareV4;
    private final V4Ranges trustedV4;

    public EdgeVerifier(List<String> cloudflareCidrs, List<String> trustedProxyCidrs) {
        this.cloudflare = parseAll(cloudflareCidrs);
        this.trusted = parseAll(trustedProxyCidrs);
        this.cloudflareV4 = new V4Ranges(cloudflare);
        this.trustedV4 = new V4Ranges(trusted);
    }

    /** Reads CIDRs, one per line, {@code #} starts a comment. */
    public static List<String> readRanges(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!s.isEmpty()) {
                parse(s); // throws IllegalArgumentException naming the bad line
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no address ranges");
        }
        return out;
    }

    /** TRUE/FALSE, or null when it cannot be judged (a trusted proxy without a usable X-Forwarded-For). */
    public Boolean verify(String peer, String xForwardedFor) {
        Boolean fromCloudflare = in(cloudflare, cloudflareV4, peer);
        if (fromCloudflare == null || fromCloudflare) {
            return fromCloudflare;
        }
        if (!in(trusted, trustedV4, peer)) {
            return Boolean.FALSE;
        }
        if (xForwardedFor == null) {
            return null;
        }
        String[] hops = xForwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            Boolean viaTrusted = in(trusted, trustedV4, hop);
            if (viaTrusted == null) {
                return null;
            }
            if (!viaTrusted) {
                return in(cloudflare, cloudflareV4, hop);
            }
        }
        return null;
    }

    /**
     * Whether {@code addr} is in {@code ranges}; null when it is no IP literal. A plain IPv4 address
     * (the usual peer) is matched as a number against {@code v4}: this runs for every exchange, and allocates nothing.
     */
    private static Boolean in(List<byte[][]> ranges, V4Ranges v4, String addr) {
        long a = ipv4(addr);
        if (a >= 0) {
            return v4.contains((int) a);
        }
        byte[] bytes = literal(addr);
        return bytes == null ? null : matches(ranges, bytes);
    }

    /**
     * The IPv4 ones of a list of ranges as network and mask numbers side by side, one pass over two int arrays per
     * look-up (walking the byte arrays of every range was a sixth of cf520's work at the end of an exchange).
     */
    private static final class V4Ranges {
        private final int[] nets;
        private final int[] masks;

        V4Ranges(List<byte[][]> ranges) {
            int n = 0;
            int[] nets = new int[ranges.size()];
            int[] masks = new int[ranges.size()];
            for (byte[][] r : ranges) {
                if (r[0].length == 4) {
                    int prefix = r[1][0] & 0xff;
                    masks[n] = prefix == 0 ? 0 : -1 << (32 - prefix);
                    nets[n] = bits(r[0]) & masks[n];
                    n++;
                }
            }
            this.nets = Arrays.copyOf(nets, n);
            this.masks = Arrays.copyOf(masks, n);
        }

        boolean contains(int addr) {
            for (int i = 0; i < nets.length; i++) {
                if ((addr & masks[i]) == nets[i]) {
                    return true;
                }
            }
            return false;
        }
    }

    private static int bits(byte[] v4) {
        return (v4[0] & 0xff) << 24 | (v4[1] & 0xff) << 16 | (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
    }

    private static boolean matches(List<byte[][]> ranges, byte[] addr) {
        for (byte[][] r : ranges) {
            byte[] net = r[0];
            int prefix = r[1][0] & 0xff;
            if (net.length != addr.length) {
                continue;
            }
            int full = prefix / 8;
            int rest = prefix % 8;
            boolean ok = Arrays.equals(net, 0, full, addr, 0, full);
            if (ok && rest > 0) {
                int mask = (0xff << (8 - rest)) & 0xff;
                ok = (net[full] & mask) == (addr[full] & mask);
            }
            if (ok) {
                return true;
            }
        }
        return false;
    }

    private static List<byte[][]> parseAll(List<String> cidrs) {
        List<byte[][]> out = new ArrayList<>();
        for (String c : cidrs) {
            out.add(parse(c));
        }
        return out;
    }

    static byte[][] parse(String cidr) {
        int slash = cidr.indexOf('/');
        byte[] addr = literal(slash < 0 ? cidr : cidr.substring(0, slash));
        if (addr == null) {
            throw new IllegalArgumentException("\"" + Text.sanitize(cidr, 64) + "\" is not an IP address range");
        }
        int prefix;
        try {
            prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > addr.length * 8) {
            throw new IllegalArgumentException("\"" + Text.sanitize(cidr, 64) + "\" has an invalid prefix length");
        }
        return new byte[][] {addr, {(byte) prefix}};
    }

    /**
     * A dotted-quad IPv4 address (four decimal parts 0-255) as a number, or -1 for anything else:
     * InetAddress would resolve "256.0.0.1" through DNS.
     */
    private static long ipv4(String v) {
        if (v == null || v.length() > 15) {
            return -1;
        }
        long bits = 0;
        int parts = 0;
        int n = 0;
        int digits = 0;
        for (int i = 0; i <= v.length(); i++) {
            char c = i < v.length() ? v.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                n = n * 10 + (c - '0');
                digits++;
            } else if (c != '.' || digits == 0 || digits > 3 || n > 255 || parts == 4) {
                return -1;
            } else {
                bits = bits << 8 | n;
                parts++;
                n = 0;
                digits = 0;
            }
        }
        return parts == 4 ? bits : -1;
    }

    /** The address bytes of an IP literal (v4-mapped v6 folded to v4), or null for anything else. */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        String v = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean v6 = v.indexOf(':') >= 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || (v6 && (c == ':' || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return null;
            }
        }
        if (!v6) {
            long bits = ipv4(v);
            return bits < 0 ? null : new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
        }
        if (Character.digit(v.charAt(0), 16) < 0 && v.charAt(0) != ':') {
            return null; // InetAddress would take anything else for a host name and ask DNS
        }
        try {
            return InetAddress.getByName(v).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
