import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { TargetAddressPolicy, TargetRefused } from '../domain/target-address-policy';

export interface PostResult {
  httpStatus: number;
}

/**
 * A failed attempt; `permanent` ones are not retried (the target is refused, not unreachable).
 * What the receiver answered is kept apart from the message: the message is shown to everyone who
 * may read deliveries, the receiver's body only to admins and operators.
 */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null = null,
    readonly permanent = false,
    readonly responseBody: string | null = null,
  ) {
    super(message);
  }
}

/** How much of a receiver's answer to a failed attempt is kept. */
export const MAX_ERROR_BODY = 512;

/**
 * POSTs a body to a channel URL, checking the SSRF policy on the addresses the socket actually
 * connects to: the DNS lookup is the policy's (so a name that resolved to a public address when the
 * channel was saved and to 10.0.0.5 now is refused), IP literals are checked before connecting, and
 * redirects are never followed. Any 2xx is success.
 */
export async function postGuarded(
  policy: TargetAddressPolicy,
  target: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  let host: string;
  let url: URL;
  try {
    ({ url, host } = policy.checkUrl(target));
    if (net.isIP(host)) policy.checkAddresses(host, [host]);
  } catch (error) {
    throw new DeliveryFailure((error as Error).message, null, error instanceof TargetRefused);
  }
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      try {
        policy.checkAddresses(
          host,
          addresses.map((a) => a.address),
        );
      } catch (refused) {
        return callback(refused as Error, '', 0);
      }
      if (options.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'ott-compliance-alerts/1',
          ...headers,
        },
        lookup,
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < MAX_ERROR_BODY) text += chunk;
        });
        response.on('end', () => {
          clearTimeout(deadline);
          if (status >= 200 && status < 300) resolve({ httpStatus: status });
          else
            reject(
              new DeliveryFailure(`HTTP ${status}`, status, false, text ? text.slice(0, MAX_ERROR_BODY) : null),
            );
        });
        response.on('error', (error) => reject(new DeliveryFailure(error.message, status)));
      },
    );
    // Idle timeout per socket event, and a deadline for the whole exchange.
    const deadline = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(
        error instanceof TargetRefused
          ? new DeliveryFailure(error.message, null, true)
          : new DeliveryFailure(error.message),
      );
    });
    request.end(body);
  });
}
