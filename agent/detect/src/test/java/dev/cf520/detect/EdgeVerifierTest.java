package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EdgeVerifierTest {

    private static final EdgeVerifier DEFAULT = new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of());
    private static final EdgeVerifier BEHIND_PROXY =
            new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of("10.0.0.0/8", "127.0.0.1/32", "fd00::/8"));

    @TempDir
    Path dir;

    @Test
    void defaultRangesAreThePublishedOnes() {
        assertEquals(22, EdgeVerifier.CLOUDFLARE_RANGES.size());
        assertTrue(EdgeVerifier.CLOUDFLARE_RANGES.contains("173.245.48.0/20"));
        assertTrue(EdgeVerifier.CLOUDFLARE_RANGES.contains("2c0f:f248::/32"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"173.245.48.1", "173.245.63.255", "103.21.244.7", "103.22.203.255", "103.31.4.1",
        "141.101.127.1", "108.162.192.0", "190.93.255.254", "188.114.96.5", "197.234.243.1", "198.41.255.1",
        "162.158.0.1", "162.159.255.255", "104.16.0.1", "104.23.255.255", "104.24.0.0", "104.27.255.255",
        "172.64.0.1", "172.71.255.254", "131.0.75.255"})
    void cloudflareIpv4(String peer) {
        assertEquals(Boolean.TRUE, DEFAULT.verify(peer, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2400:cb00::1", "2400:cb00:2049:1::a29f:1804", "2606:4700::6810:84e5", "2606:4700:ffff::1",
        "2803:f800::1", "2405:b500::1", "2405:8100::1", "2a06:98c0::1", "2a06:98c7:ffff::1", "2c0f:f248::1",
        "[2606:4700::1]", "2606:4700:0000:0000:0000:0000:0000:0001", "2606:4700::"})
    void cloudflareIpv6(String peer) {
        assertEquals(Boolean.TRUE, DEFAULT.verify(peer, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "8.8.8.8", "10.1.2.3", "173.245.64.0", "173.245.47.255", "104.28.0.0",
        "104.15.255.255", "131.0.76.0", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::1", "2606:4701::1",
        "2a06:98c8::1", "2400:cb01::1"})
    void notCloudflare(String peer) {
        assertEquals(Boolean.FALSE, DEFAULT.verify(peer, null));
    }

    @Test
    void ipv4MappedIpv6IsFoldedToIpv4() {
        assertEquals(Boolean.TRUE, DEFAULT.verify("::ffff:104.16.0.1", null));
        assertEquals(Boolean.FALSE, DEFAULT.verify("::ffff:127.0.0.1", null));
    }

    @Test
    void xForwardedForIsIgnoredForAnUntrustedPeer() {
        assertEquals(Boolean.FALSE, DEFAULT.verify("203.0.113.9", "104.16.0.1"));
        assertEquals(Boolean.TRUE, DEFAULT.verify("104.16.0.1", "203.0.113.9"));
    }

    @Test
    void trustedProxyWithCloudflareAsNearestUntrustedHop() {
        assertEquals(Boolean.TRUE, BEHIND_PROXY.verify("10.1.2.3", "203.0.113.9, 104.16.0.1"));
        assertEquals(Boolean.TRUE, BEHIND_PROXY.verify("127.0.0.1", "198.51.100.1,104.16.0.1,10.0.0.5"),
                "trusted hops are skipped from the right");
        assertEquals(Boolean.TRUE, BEHIND_PROXY.verify("fd00::1", "2606:4700::1"));
    }

    @Test
    void spoofedLeftmostHopIsNotBelieved() {
        assertEquals(Boolean.FALSE, BEHIND_PROXY.verify("10.1.2.3", "104.16.0.1, 203.0.113.9"));
    }

    @Test
    void trustedPeerWithoutUsableForwardedForCannotBeJudged() {
        assertNull(BEHIND_PROXY.verify("10.1.2.3", null));
        assertNull(BEHIND_PROXY.verify("10.1.2.3", "10.0.0.1, 127.0.0.1"), "only trusted hops");
        assertNull(BEHIND_PROXY.verify("10.1.2.3", "104.16.0.1, not-an-address"));
        assertNull(BEHIND_PROXY.verify("10.1.2.3", ""));
    }

    @Test
    void hopsBeyondTheNearestUntrustedOneAreNotRead() {
        assertEquals(Boolean.TRUE, BEHIND_PROXY.verify("10.1.2.3", "garbage!, 104.16.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "localhost", "cloudflare.example", "256.0.0.1", "1.2.3.", ".1.2.3",
        "1..2.3", "1.2.3", "1.2.3.4.5", "1.2.3.1000", "0x68.16.0.1", "104.16.0.1:443", "fe80::1%eth0", ".1:2",
        "2606:4700::1/32", "[]", "[", "2606:4700:::1"})
    void nonLiteralsAreNeverResolved(String peer) {
        assertNull(DEFAULT.verify(peer, null), peer);
        assertNull(BEHIND_PROXY.verify("10.0.0.1", peer), "as X-Forwarded-For hop: " + peer);
    }

    @Test
    void nullPeer() {
        assertNull(DEFAULT.verify(null, "104.16.0.1"));
    }

    @Test
    void testHostsFileWouldResolveTheTrapNames() throws Exception {
        // The surefire argLine points name lookups at src/test/resources/dns-trap-hosts, where these
        // names "resolve" to Cloudflare addresses: nonLiteralsAreNeverResolved fails if any is looked up.
        assumeTrue(System.getProperty("jdk.net.hosts.file") != null, "run through Maven");
        assertArrayEquals(new byte[] {104, 16, 0, 1}, InetAddress.getByName("example.com").getAddress());
        assertArrayEquals(new byte[] {104, 16, 0, 2}, InetAddress.getByName("256.0.0.1").getAddress());
    }

    @Test
    void literalParsing() {
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, EdgeVerifier.literal("192.0.2.1"));
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, EdgeVerifier.literal("[192.0.2.1]"));
        assertEquals(16, EdgeVerifier.literal("2606:4700::1").length);
        assertEquals(4, EdgeVerifier.literal("::ffff:1.2.3.4").length);
        assertNull(EdgeVerifier.literal("a".repeat(46)));
    }

    // ---- custom ranges ---------------------------------------------------------------------------

    @Test
    void wholeSpaceAndSingleHostRanges() {
        EdgeVerifier all4 = new EdgeVerifier(List.of("0.0.0.0/0"), List.of());
        assertEquals(Boolean.TRUE, all4.verify("8.8.8.8", null));
        assertEquals(Boolean.FALSE, all4.verify("2001:db8::1", null), "an IPv4 range never matches IPv6");
        EdgeVerifier host = new EdgeVerifier(List.of("192.0.2.7", "2001:db8::7/128"), List.of());
        assertEquals(Boolean.TRUE, host.verify("192.0.2.7", null));
        assertEquals(Boolean.FALSE, host.verify("192.0.2.8", null));
        assertEquals(Boolean.TRUE, host.verify("2001:db8::7", null));
        assertEquals(Boolean.FALSE, host.verify("2001:db8::8", null));
    }

    @Test
    void rangeWithHostBitsSetStillMatchesItsNetwork() {
        EdgeVerifier v = new EdgeVerifier(List.of("192.0.2.77/24"), List.of());
        assertEquals(Boolean.TRUE, v.verify("192.0.2.1", null));
        assertEquals(Boolean.FALSE, v.verify("192.0.3.1", null));
    }

    @Test
    void badRangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EdgeVerifier(List.of("10.0.0.0/33"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EdgeVerifier(List.of("10.0.0.0/-1"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EdgeVerifier(List.of("2001:db8::/129"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EdgeVerifier(List.of("example.com/24"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EdgeVerifier(List.of(), List.of("10.0.0.0/x")));
    }

    @Test
    void readRangesSkipsCommentsAndBlankLines() throws IOException {
        Path f = dir.resolve("ips.txt");
        Files.write(f, ("# Cloudflare ranges, fetched 2026-01-01\n"
                + "\n"
                + "192.0.2.0/24   # documentation range\n"
                + "   2001:db8::/32\n"
                + "# 198.51.100.0/24 commented out\n").getBytes(StandardCharsets.UTF_8));
        List<String> ranges = EdgeVerifier.readRanges(f);
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"), ranges);
        EdgeVerifier v = new EdgeVerifier(ranges, List.of());
        assertEquals(Boolean.TRUE, v.verify("192.0.2.9", null));
        assertEquals(Boolean.TRUE, v.verify("2001:db8:1::1", null));
        assertEquals(Boolean.FALSE, v.verify("198.51.100.1", null));
        assertEquals(Boolean.FALSE, v.verify("104.16.0.1", null), "the file replaces the defaults");
    }

    @Test
    void readRangesNamesTheBadLine() throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.write(f, "192.0.2.0/24\nnot-a-range # oops\n2001:db8::/32\n".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EdgeVerifier.readRanges(f));
        assertTrue(e.getMessage().contains("not-a-range"), e.getMessage());
    }

    @Test
    void readRangesNamesABadPrefix() throws IOException {
        Path f = dir.resolve("prefix.txt");
        Files.write(f, "192.0.2.0/40\n".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EdgeVerifier.readRanges(f));
        assertTrue(e.getMessage().contains("192.0.2.0/40"), e.getMessage());
        assertTrue(e.getMessage().contains("prefix"), e.getMessage());
    }

    @Test
    void readRangesRefusesAFileWithoutRanges() throws IOException {
        Path f = dir.resolve("empty.txt");
        Files.write(f, "# nothing here\n\n".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EdgeVerifier.readRanges(f));
        assertTrue(e.getMessage().contains("no address ranges"), e.getMessage());
    }

    @Test
    void readRangesEscapesControlCharactersInTheMessage() throws IOException {
        Path f = dir.resolve("ctl.txt");
        Files.write(f, "bad\u001b[2Jrange\n".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EdgeVerifier.readRanges(f));
        assertTrue(e.getMessage().contains("bad\\x1b[2Jrange"), e.getMessage());
    }
}
