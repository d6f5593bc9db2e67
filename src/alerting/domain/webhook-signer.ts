import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signature is
 * "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), where the key is the base64 part of a
 * `whsec_` secret. The id stays the same across retries so receivers can drop duplicates; the
 * timestamp is the attempt's, so receivers can refuse replays of old attempts.
 */
export class WebhookSigner {
  static generateSecret(): string {
    return SECRET_PREFIX + randomBytes(32).toString('base64');
  }

  static isSecret(value: string): boolean {
    return (
      value.startsWith(SECRET_PREFIX) && Buffer.from(value.slice(SECRET_PREFIX.length), 'base64').length >= 16
    );
  }

  static sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
    const key = Buffer.from(
      secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
      'base64',
    );
    const mac = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
    return `v1,${mac}`;
  }

  static headers(
    secret: string,
    messageId: string,
    timestampSeconds: number,
    body: string,
  ): Record<string, string> {
    return {
      'webhook-id': messageId,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': WebhookSigner.sign(secret, messageId, timestampSeconds, body),
    };
  }
}
