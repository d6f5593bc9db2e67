import { escapeHtml, renderLoginPage } from './dashboard-login.page';
import { isSameOrigin } from './dashboard-session';

describe('isSameOrigin (CSRF check of the dashboard forms)', () => {
  it.each([
    ['http://queues.test', undefined, 'queues.test'],
    ['https://queues.test', undefined, 'queues.test'],
    ['http://queues.test:8080', undefined, 'queues.test:8080'],
    ['https://queues.test', undefined, 'queues.test:443'],
    ['http://QUEUES.test', undefined, 'queues.TEST'],
    [undefined, 'http://queues.test/admin/queues/login', 'queues.test'],
  ])('accepts Origin %s / Referer %s for host %s', (origin, referer, host) => {
    expect(isSameOrigin(origin, referer, host)).toBe(true);
  });

  it.each([
    ['http://evil.example', undefined, 'queues.test'],
    ['http://queues.test.evil.example', undefined, 'queues.test'],
    ['http://queues.test:8081', undefined, 'queues.test:8080'],
    ['null', undefined, 'queues.test'],
    ['null', 'http://queues.test/admin/queues/login', 'queues.test'],
    ['file:///tmp/x.html', undefined, 'queues.test'],
    [undefined, 'http://evil.example/queues.test', 'queues.test'],
    [undefined, undefined, 'queues.test'],
    ['http://queues.test', undefined, undefined],
    ['http://queues.test', undefined, 'queues.test/evil'],
    ['not a url', undefined, 'queues.test'],
  ])('refuses Origin %s / Referer %s for host %s', (origin, referer, host) => {
    expect(isSameOrigin(origin, referer, host)).toBe(false);
  });
});

describe('the login page', () => {
  it('escapes every character that could leave an attribute or open a tag', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('shows the error and the e-mail escaped, and loads nothing from elsewhere', () => {
    const html = renderLoginPage({ error: '<b>no</b>', email: '"><script>alert(1)</script>' });
    expect(html).toContain('<p role="alert">&lt;b&gt;no&lt;/b&gt;</p>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
});
