import ipaddr from 'ipaddr.js';

/**
 * Decides whether an address may be connected to: only ordinary public
 * unicast addresses may, as ipaddr.js classifies them, and never an IPv6
 * address in ::/96 (IPv4-compatible, routed into IPv4 on some hosts).
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 it carries.
 * Private, loopback, link-local (with the cloud metadata address
 * 169.254.169.254), unique-local, CGNAT, multicast, site-local and every other
 * special range are refused unless an allow-list CIDR covers the address.
 */
export class AddressPolicy {
  private readonly allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(allowCidrs: readonly string[] = []) {
    this.allowed = allowCidrs.map((c) => ipaddr.parseCIDR(c));
  }

  /** Undefined when the address may be reached, else why not. */
  refuse(address: string): string | undefined {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    for (const [net, bits] of this.allowed) if (net.kind() === ip.kind() && ip.match(net, bits)) return undefined;
    const range = ip.range();
    if (range !== 'unicast') return `${address} is a ${range} address`;
    if (ip.kind() === 'ipv6') {
      const parts = (ip as ipaddr.IPv6).parts;
      if (parts.slice(0, 6).every((p) => p === 0)) return `${address} is an IPv4-compatible IPv6 address`;
      // Deprecated site-local (fec0::/10) is classified unicast by ipaddr.js.
      if ((parts[0]! & 0xffc0) === 0xfec0) return `${address} is a site-local address`;
    }
    return undefined;
  }
}
