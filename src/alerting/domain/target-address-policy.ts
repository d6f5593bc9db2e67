import ipaddr from 'ipaddr.js';

export class TargetRefused extends Error {}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Where a webhook may point, so a channel cannot be turned against the platform's own network (SSRF):
 * http or https only, and every address the host resolves to must be public unicast. Loopback,
 * private, link-local, CGNAT, multicast, unspecified, reserved and documentation addresses are
 * refused, unless the allow-list names the host or a range holding the address. An IPv6 address
 * that embeds an IPv4 one (IPv4-mapped, -translated and -compatible, NAT64, 6to4, Teredo) is judged
 * by the IPv4 address it embeds. Checked when a channel is saved and again, on the addresses actually connected to, when
 * a delivery is sent (a DNS answer can change in between).
 */
export class TargetAddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges: [Address, number][] = [];

  constructor(allowlist: readonly string[]) {
    for (const entry of allowlist) {
      const value = entry.trim().toLowerCase();
      if (!value) continue;
      if (value.includes('/')) this.ranges.push(ipaddr.parseCIDR(value));
      else if (ipaddr.isValid(value)) {
        const address = ipaddr.parse(value);
        this.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else this.hosts.add(value);
    }
  }

  /** Parses and checks the URL's shape; returns the host to resolve (brackets of an IPv6 literal removed). */
  checkUrl(raw: string): { url: URL; host: string } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetRefused('target must be an absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TargetRefused(`target must use http or https, not ${url.protocol}`);
    if (url.username || url.password) throw new TargetRefused('target must not carry credentials in the URL');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (!host) throw new TargetRefused('target has no host');
    return { url, host };
  }

  hostAllowed(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/\.$/, ''));
  }

  /** Why connecting to `address` for `host` is refused, or null when it is allowed. */
  refusal(host: string, address: string): string | null {
    if (this.hostAllowed(host)) return null;
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    const parsed = parseAddress(address);
    if (this.inAllowedRange(parsed)) return null;
    const embedding = parsed.kind() === 'ipv6' ? embeddedIPv4(parsed as ipaddr.IPv6) : null;
    if (embedding) {
      // Judged by the IPv4 address it carries: the packet ends up there (or at a relay that
      // forwards to it), so ::7f00:1 is as much loopback as 127.0.0.1 is.
      for (const ipv4 of embedding.addresses) {
        if (this.inAllowedRange(ipv4)) continue;
        const range = ipv4.range();
        if (range !== 'unicast')
          return `${host} resolves to ${parsed.toString()}, the ${embedding.form} form of ${ipv4.toString()} (${range}), which webhooks may not reach; WEBHOOK_ALLOWLIST can allow it`;
      }
      return null;
    }
    const range = parsed.range();
    return range === 'unicast'
      ? null
      : `${host} resolves to ${parsed.toString()} (${range}), which webhooks may not reach; WEBHOOK_ALLOWLIST can allow it`;
  }

  /** Refuses when any of the addresses is refused: a host that resolves to one private address is not trusted. */
  checkAddresses(host: string, addresses: readonly string[]): void {
    if (addresses.length === 0) throw new TargetRefused(`${host} does not resolve`);
    for (const address of addresses) {
      const reason = this.refusal(host, address);
      if (reason) throw new TargetRefused(reason);
    }
  }

  private inAllowedRange(address: Address): boolean {
    return this.ranges.some(([base, bits]) => {
      if (base.kind() !== address.kind()) return false;
      return address.kind() === 'ipv4'
        ? (address as ipaddr.IPv4).match(base as ipaddr.IPv4, bits)
        : (address as ipaddr.IPv6).match(base as ipaddr.IPv6, bits);
    });
  }
}

/** ipaddr.js reads `::a.b.c.d` as `::ffff:a.b.c.d`; spelling the IPv4 tail in hex keeps its meaning. */
function parseAddress(text: string): Address {
  const tail = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!tail) return ipaddr.parse(text);
  const [a, b, c, d] = tail.slice(2).map(Number);
  return ipaddr.parse(`${tail[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
}

/**
 * The IPv4 address(es) an IPv6 transition address carries, or null for any other IPv6 address.
 * Teredo carries two: its server, and its client (stored inverted); both must be acceptable.
 */
export function embeddedIPv4(address: ipaddr.IPv6): { form: string; addresses: ipaddr.IPv4[] } | null {
  const p = address.parts;
  const v4 = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const zero = (from: number, to: number) => p.slice(from, to).every((part) => part === 0);
  if (zero(0, 5) && p[5] === 0xffff) return { form: 'IPv4-mapped', addresses: [v4(p[6], p[7])] };
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0)
    return { form: 'IPv4-translated', addresses: [v4(p[6], p[7])] };
  // ::/128 and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
  if (zero(0, 6) && (p[6] !== 0 || p[7] > 1))
    return { form: 'IPv4-compatible', addresses: [v4(p[6], p[7])] };
  if (p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6))
    return { form: 'NAT64', addresses: [v4(p[6], p[7])] };
  if (p[0] === 0x2002) return { form: '6to4', addresses: [v4(p[1], p[2])] };
  if (p[0] === 0x2001 && p[1] === 0)
    return { form: 'Teredo', addresses: [v4(p[2], p[3]), v4(~p[6] & 0xffff, ~p[7] & 0xffff)] };
  return null;
}
