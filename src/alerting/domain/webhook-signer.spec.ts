import { Webhook } from 'standardwebhooks';
import { WebhookSigner } from './webhook-signer';

describe('WebhookSigner', () => {
  it('produces what a Standard Webhooks library verifies', () => {
    const secret = WebhookSigner.generateSecret();
    expect(WebhookSigner.isSecret(secret)).toBe(true);
    const body = JSON.stringify({ type: 'violation.alert', data: { a: 1, text: 'ünïcødé' } });
    const headers = WebhookSigner.headers(secret, 'msg_abc', Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the specification example', () => {
    // From the Standard Webhooks reference implementation's test vectors.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(WebhookSigner.sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('fails verification with another secret or a changed body', () => {
    const secret = WebhookSigner.generateSecret();
    const headers = WebhookSigner.headers(secret, 'msg_1', Math.floor(Date.now() / 1000), '{"a":1}');
    expect(() => new Webhook(WebhookSigner.generateSecret()).verify('{"a":1}', headers)).toThrow();
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
  });
});
