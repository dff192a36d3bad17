import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl, slackWebhook } from '../../shared/adapters/slack-webhook';
import { parameterName, webhookUrlSource } from '../../shared/adapters/webhook-url-source';
import { SlackWebhookRejectedError, TransientDependencyError } from '../../shared/errors';

const URL = 'https://hooks.slack.com/services/test-workspace/test-channel/secretsecret';
const message = { text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] };

/** A fetch that answers from a script and records what it was asked. */
function scriptedFetch(script: Array<() => Response | Promise<Response>>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = script[calls.length - 1];
    if (!next) throw new Error('unexpected call');
    return next();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

describe('slackWebhook', () => {
  it('posts the Block Kit JSON once on 200', async () => {
    const { fetch, calls } = scriptedFetch([() => new Response('ok', { status: 200 })]);
    await slackWebhook({ fetch, sleep }).send(URL, message);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.url, URL);
    assert.equal(calls[0]?.init.method, 'POST');
    assert.deepEqual(JSON.parse(String(calls[0]?.init.body)), message);
    assert.ok(calls[0]?.init.signal instanceof AbortSignal);
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    sleeps.length = 0;
    const { fetch, calls } = scriptedFetch([
      () => new Response('rate_limited', { status: 429, headers: { 'retry-after': '3' } }),
      () => new Response('ok', { status: 200 }),
    ]);
    await slackWebhook({ fetch, sleep }).send(URL, message);
    assert.equal(calls.length, 2);
    assert.deepEqual(sleeps, [3000]);
  });

  it('does not wait for a Retry-After beyond the bound: transient, Lambda retries later', async () => {
    const { fetch } = scriptedFetch([
      () => new Response('', { status: 429, headers: { 'retry-after': '120' } }),
    ]);
    await assert.rejects(slackWebhook({ fetch, sleep }).send(URL, message), TransientDependencyError);
  });

  it('backs off after 500, then succeeds', async () => {
    sleeps.length = 0;
    const { fetch, calls } = scriptedFetch([
      () => new Response('rollup_error', { status: 500 }),
      () => new Response('ok', { status: 200 }),
    ]);
    await slackWebhook({ fetch, sleep, backoffMs: 100 }).send(URL, message);
    assert.equal(calls.length, 2);
    assert.deepEqual(sleeps, [100]);
  });

  it('retries timeouts a bounded number of times, then fails transiently', async () => {
    sleeps.length = 0;
    const timeout = () =>
      Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const { fetch, calls } = scriptedFetch([timeout, timeout, timeout]);
    await assert.rejects(
      slackWebhook({ fetch, sleep, backoffMs: 100, timeoutMs: 50 }).send(URL, message),
      (error) => {
        assert.ok(error instanceof TransientDependencyError);
        assert.match(error.message, /after 3 tries: timed out after 50 ms/);
        return true;
      },
    );
    assert.equal(calls.length, 3);
    assert.deepEqual(sleeps, [100, 200]);
  });

  it('times out a hanging request through AbortSignal.timeout', async () => {
    const hanging = (async (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as unknown as typeof globalThis.fetch;
    // AbortSignal.timeout's timer does not hold the event loop open; this one does, for the test only.
    const keepAlive = setTimeout(() => {}, 5000);
    await assert.rejects(
      slackWebhook({ fetch: hanging, sleep, timeoutMs: 20, maxTries: 1 }).send(URL, message),
      /timed out after 20 ms/,
    );
    clearTimeout(keepAlive);
  });

  for (const [status, body] of [
    [404, 'no_service'],
    [410, 'channel_is_archived'],
    [403, 'invalid_token'],
    [400, 'invalid_blocks'],
    [500, 'channel_not_found'],
  ] as const) {
    it(`${status} ${body} is permanent and never retried`, async () => {
      const { fetch, calls } = scriptedFetch([() => new Response(body, { status })]);
      await assert.rejects(slackWebhook({ fetch, sleep }).send(URL, message), (error) => {
        assert.ok(error instanceof SlackWebhookRejectedError);
        assert.equal(error.deadLetter, true);
        assert.ok(!error.message.includes('SECRET'));
        return true;
      });
      assert.equal(calls.length, 1);
    });
  }

  it('redacts the URL from any text', () => {
    assert.equal(redactUrl(`bad ${URL} here`, URL), 'bad [redacted webhook URL] here');
  });
});

describe('webhookUrlSource', () => {
  const provider = (value: string | undefined) => {
    const asked: Array<{ name: string; options: unknown }> = [];
    return {
      asked,
      get: (async (name: string, options: unknown) => {
        asked.push({ name, options });
        return value;
      }) as never,
    };
  };

  it('reads a SecureString with decryption and a cache age', async () => {
    const ssm = provider(` ${URL} `);
    assert.equal(await webhookUrlSource(ssm, '/gto/slack-webhook-url')(), URL);
    assert.deepEqual(ssm.asked, [
      { name: '/gto/slack-webhook-url', options: { decrypt: true, maxAge: 300 } },
    ]);
  });

  it('reads a Secrets Manager ARN through the Parameter Store reference path', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gto/slack-AbCdEf';
    assert.equal(parameterName(arn), `/aws/reference/secretsmanager/${arn}`);
  });

  it('is log-only without a setting, and refuses a value that is not a URL without echoing it', async () => {
    assert.equal(await webhookUrlSource(provider(URL), undefined)(), undefined);
    await assert.rejects(webhookUrlSource(provider('not-a-url-secret'), '/gto/x')(), (error) => {
      assert.ok(error instanceof SlackWebhookRejectedError);
      assert.ok(!error.message.includes('not-a-url-secret'));
      return true;
    });
  });
});
