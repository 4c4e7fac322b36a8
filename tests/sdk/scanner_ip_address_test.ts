import assert from "node:assert/strict";
import { isPersonalIPv6, parseIPv4, parseIPv6 } from "../../sdk/src/scanner/helpers/ip_parse.ts";
import { foundAs } from "./scanner_support.ts";

Deno.test("IP: IPv4 in logs, URLs, CIDR and header lists", () => {
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "Failed login from 81.2.69.160 at 03:14."), [
    "81.2.69.160",
  ]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "open http://85.214.7.9:8080/admin"), [
    "85.214.7.9",
  ]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "allow 81.2.69.0/24"), ["81.2.69.0/24"]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "X-Forwarded-For: 85.12.33.1, 85.12.33.2"), [
    "85.12.33.1",
    "85.12.33.2",
  ]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "ssh root@91.198.174.192"), ["91.198.174.192"]);
});

Deno.test("IP: IPv6 full, compressed, bracketed, zoned and IPv4-mapped", () => {
  for (
    const ip of [
      "2a00:1450:4001:0829:0000:0000:0000:200e",
      "2a01:4f8::1",
      "2606:2800:220:1:248:1893:25c8:1946",
      "::ffff:81.2.69.160",
      "2a00:1450:85a3::8a2e:370:7334",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", `from ${ip}.`), [ip], ip);
  }
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "GET http://[2a01:4f8::42]:443/"), ["2a01:4f8::42"]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "ping 2a01:4f8::1%eth0"), ["2a01:4f8::1"]);
});

Deno.test("IP: strict parsers", () => {
  assert.deepEqual(parseIPv4("192.168.1.1"), [192, 168, 1, 1]);
  assert.equal(parseIPv4("256.1.1.1"), null);
  assert.equal(parseIPv4("01.2.3.4"), null);
  assert.equal(parseIPv4("1.2.3"), null);
  assert.deepEqual(parseIPv6("2001:db8::1"), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(parseIPv6("::ffff:1.2.3.4"), [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
  assert.equal(parseIPv6("1:2:3:4:5:6:7"), null);
  assert.equal(parseIPv6("1::2::3"), null);
  assert.equal(parseIPv6("12345::1"), null);
  assert.equal(isPersonalIPv6(parseIPv6("::1")!), false);
  assert.equal(isPersonalIPv6(parseIPv6("::ffff:127.0.0.1")!), false);
});

Deno.test("IP: hard negatives are not (personal) IP addresses", () => {
  for (
    const text of [
      "listen on 127.0.0.1 and 0.0.0.0, netmask 255.255.255.0",
      "bind [::1]:8080 or [::]:80",
      "version 1.2.3.4",
      "upgrade to 4.8.0.1 tonight",
      "OID 1.3.6.1.4.1.311",
      "Chrome/120.0.6099.109",
      "256.1.1.1",
      "1.2.3.4.5",
      "mac 00:1A:2B:3C:4D:5E",
      "at 12:30:45 sharp",
      "std::vector<int> and Foo::Bar",
      "John 3:16, ratio 16:9",
      "2024-01-15T10:30:45Z",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", text), [], text);
  }
});

// Class: an IPv4 right after another number (counts, hop numbers, timings) is never read.
Deno.test("IP: an address after another number on the line is read", () => {
  for (
    const [text, ips] of [
      ["   7311 91.4.12.7\n     12 84.17.3.99", ["91.4.12.7", "84.17.3.99"]],
      [" 3  145.4.148.152  9.204 ms  9.301 ms", ["145.4.148.152"]],
      ["2024 85.12.33.1 GET /", ["85.12.33.1"]],
      ["42 requests 81.2.69.160", ["81.2.69.160"]],
      ["hop 7 1.2.3.4 and 5 6.7.8.9", ["1.2.3.4", "6.7.8.9"]],
    ] as const
  ) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", text), ips, text);
  }
  // Negatives: a fifth group makes a version, whatever came before.
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "7311 1.2.3.4.5"), []);
});

// Policy: addresses that are not globally reachable unicast, or that are public resolvers.
Deno.test("IP: private, reserved and documentation ranges and public resolvers name no one", () => {
  for (
    const ip of [
      ...["10.1.2.3", "172.16.4.20", "172.31.255.1", "192.168.0.0/16", "100.64.1.1"],
      ...["169.254.10.1", "192.0.2.7", "198.51.100.1", "203.0.113.7", "198.18.0.5"],
      ...["224.0.0.251", "239.255.255.250", "240.1.2.3", "255.255.255.255"],
      ...["8.8.8.8", "8.8.4.4", "1.1.1.1", "9.9.9.9", "208.67.222.222"],
      ...["2001:db8::1", "fe80::1", "fd12:3456:789a::1", "ff02::1", "::ffff:10.0.0.1"],
      ...["2001:4860:4860::8888", "2606:4700:4700::1111", "3fff::1"],
    ]
  ) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", `from ${ip} `), [], ip);
  }
  // Their neighbours are ordinary public addresses.
  for (const ip of ["11.1.2.3", "172.32.0.1", "100.128.0.1", "8.8.8.9", "2001:4860:4860::8889"]) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", `from ${ip} `), [ip], ip);
  }
});
