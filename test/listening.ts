/**
 * Which local addresses a TCP port listens on, read from Linux's `/proc/net/tcp{,6}` — so a
 * test can check a server binds to loopback only, from the outside, as an operator would
 * with `ss -ltn`.
 */
import { readFileSync } from 'node:fs';

const IPV4_LOOPBACK = '0100007F';

/** Addresses listening on `port` (`127.0.0.1`, `0.0.0.0`, `::`, `::1` or the raw hex). */
export function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A = LISTEN
      const [address, p] = local.split(':');
      if (p !== hexPort || !address) continue;
      if (address === IPV4_LOOPBACK) out.push('127.0.0.1');
      else if (/^0+$/.test(address)) out.push(address.length === 8 ? '0.0.0.0' : '::');
      else if (address === '00000000000000000000000001000000') out.push('::1');
      else out.push(address);
    }
  }
  return out;
}
