import assert from "node:assert/strict";
import { isPersonalIPv6, parseIPv4, parseIPv6 } from "../../sdk/src/scanner/helpers/ip_parse.ts";
import { foundAs } from "./scanner_support.ts";

Deno.test("IP: IPv4 in logs, URLs, CIDR and header lists", () => {
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "Failed login from 203.0.113.7 at 03:14."), [
    "203.0.113.7",
  ]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "open http://10.1.2.3:8080/admin"), ["10.1.2.3"]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "allow 192.168.0.0/16"), ["192.168.0.0/16"]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "X-Forwarded-For: 198.51.100.1, 198.51.100.2"), [
    "198.51.100.1",
    "198.51.100.2",
  ]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "ssh root@172.16.4.20"), ["172.16.4.20"]);
});

Deno.test("IP: IPv6 full, compressed, bracketed, zoned and IPv4-mapped", () => {
  for (
    const ip of [
      "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
      "2001:db8::1",
      "fe80::1",
      "::ffff:192.0.2.128",
      "2001:db8:85a3::8a2e:370:7334",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", `from ${ip}.`), [ip], ip);
  }
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "GET http://[2001:db8::42]:443/"), ["2001:db8::42"]);
  assert.deepEqual(foundAs("PII_IP_ADDRESS", "ping fe80::1%eth0"), ["fe80::1"]);
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
