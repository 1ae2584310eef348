import ipaddr from 'ipaddr.js';

/** Ranges a fetched URL may never reach unless allow-listed: the network Rouge runs in, not the web. */
const BLOCKED = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'reserved', 'uniqueLocal', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo', 'benchmarking', 'amt', 'as112', 'deprecated', 'orchid2', 'droneRemoteIdProtocolEntityTags', 'as112v6', 'discard']);

/**
 * Decides whether an address may be connected to. IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`) is judged as the IPv4 it carries; every special range
 * ipaddr.js knows (private, loopback, link-local with the cloud metadata
 * address 169.254.169.254, unique-local, CGNAT, multicast...) is refused
 * unless an allow-list CIDR covers it.
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
    if (BLOCKED.has(range)) return `${address} is a ${range} address`;
    return undefined;
  }
}
