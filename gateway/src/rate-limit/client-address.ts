import { BlockList, isIP } from 'node:net';

/**
 * The address a request comes from (design §11). The peer of the TCP connection, unless that
 * peer is a trusted proxy (Kong in production): then X-Forwarded-For is read from the right,
 * skipping the trusted proxies, and the first hop that is not one is the client. A hop that
 * is not an address ends the walk there, so a forged header can only name an address the
 * last trusted proxy was handed, never skip past it.
 */
export interface ClientAddresses {
  /** The client's address, and the X-Forwarded-For to pass on, ending with that address. */
  resolve(peer: string | undefined, forwardedFor: string | undefined): { address: string; forwardedFor: string };
}

/** `::ffff:192.0.2.1` is the IPv4 address 192.0.2.1 seen on a dual-stack socket. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed.toLowerCase();
}

/** Parses `10.0.0.0/8, 192.0.2.7, fd00::/8`; throws with the entry at fault. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`not an IP address or CIDR range: ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`not an IP address or CIDR range: ${entry}`);
    }
    list.addSubnet(address, bits, type);
  }
  return list;
}

const isTrusted = (list: BlockList, address: string) => {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

export function clientAddresses(trusted: BlockList): ClientAddresses {
  return {
    resolve(rawPeer, rawForwardedFor) {
      const peer = normaliseAddress(rawPeer ?? 'unknown');
      const hops = (rawForwardedFor ?? '')
        .split(',')
        .map((hop) => hop.trim())
        .filter(Boolean);
      let address = peer;
      let kept = hops.length;
      if (isTrusted(trusted, peer)) {
        while (kept > 0) {
          const hop = normaliseAddress(hops[kept - 1]!);
          if (isIP(hop) === 0) break;
          address = hop;
          kept -= 1;
          if (!isTrusted(trusted, hop)) break;
        }
      }
      // Passed on so that the last hop is the client, as users' throttles read it (§7).
      const forwardedFor = address === peer ? [...hops, peer] : [...hops.slice(0, kept), address];
      return { address, forwardedFor: forwardedFor.join(', ') };
    },
  };
}
