import ipaddr from 'ipaddr.js';

export class TargetRefused extends Error {}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Where a webhook may point, so a channel cannot be turned against the platform's own network (SSRF):
 * http or https only, and every address the host resolves to must be public unicast. Loopback,
 * private, link-local, CGNAT, multicast, unspecified, reserved, documentation, NAT64/6to4/Teredo and
 * IPv4-mapped forms of those are refused, unless the allow-list names the host or a range holding the
 * address. Checked when a channel is saved and again, on the addresses actually connected to, when
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
    let parsed: Address = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    if (this.inAllowedRange(parsed)) return null;
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
