/**
 * The HTTP API against a real `vigie serve` listening on a free port, over a small simulated month:
 * role × route, CSRF, escaping, the sign-in limit, errors without stacks, the OpenAPI document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/env.ts';
import { runCli } from '../../src/cli/main.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { addUser, createKey } from '../../src/services/accounts.ts';
import { createServiceContext, defaultServiceConfig, localActor } from '../../src/services/context.ts';
import { openStore } from '../../src/store/store.ts';

const PASSWORD = 'un mot de passe assez long';
const XSS = '<img src=x onerror=alert(1)>';

let dir: string;
let server: RunningServer;
let env: Environment;
/** A provider's own number and a number that provider never used. */
let ownNumber: string;
let otherNumber: string;
let provider: string;
let client: string;
let analystKey: string;
let dialerKey: string;

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}
const sessions: Record<string, Session> = {};

async function signIn(email: string, password = PASSWORD, address?: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(address === undefined ? {} : { 'x-forwarded-for': address }),
    },
    body: JSON.stringify({ email, password }),
  });
}

async function sessionFor(email: string): Promise<Session> {
  const response = await signIn(email);
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken };
}

type Who = 'anonymous' | 'admin' | 'analyst' | 'clientAnalyst' | 'provider' | 'analystKey' | 'dialerKey';

function headersFor(who: Who, withCsrf = true): Record<string, string> {
  if (who === 'anonymous') return {};
  if (who === 'analystKey') return { authorization: `Bearer ${analystKey}` };
  if (who === 'dialerKey') return { authorization: `Bearer ${dialerKey}` };
  const s = sessions[who];
  if (s === undefined) throw new Error(`no session for ${who}`);
  return { cookie: s.cookie, ...(withCsrf ? { 'x-csrf-token': s.csrf } : {}) };
}

async function call(
  who: Who,
  method: string,
  path: string,
  body?: unknown,
  options: { csrf?: boolean; language?: string } = {},
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...headersFor(who, options.csrf ?? true),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.language === undefined ? {} : { 'accept-language': options.language }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-api-'));
  const db = join(dir, 'api.duckdb');
  env = { defaultDb: db, cwd: dir, interactive: false };
  const out: string[] = [];
  const code = await runCli(['demo', '--db', db, '--calls', '4000', '--days', '14', '--seed', 'api'], {
    env,
    out: (t) => out.push(t),
    err: (t) => out.push(t),
  });
  expect(code, out.join('\n')).toBe(0);

  const store = await openStore({ path: db });
  try {
    const picked = await store.all<{ provider: string; client: string; caller: string }>(
      `SELECT provider, any_value(client) AS client, any_value(caller) AS caller FROM calls
       WHERE direction = 'outbound' AND client IS NOT NULL GROUP BY provider ORDER BY count(*) DESC`,
    );
    const first = picked[0];
    if (first === undefined) throw new Error('no calls simulated');
    provider = first.provider;
    client = first.client;
    ownNumber = first.caller;
    const other = await store.one<{ caller: string }>(
      `SELECT caller FROM calls WHERE direction = 'outbound' GROUP BY caller
       HAVING bool_and(provider <> $1) ORDER BY caller LIMIT 1`,
      [provider],
    );
    if (other === undefined) throw new Error('every number was used by one provider');
    otherNumber = other.caller;
    // A campaign named like an attack: everything that shows it must show it as text.
    await store.run('UPDATE calls SET campaign = $1 WHERE caller = $2', [XSS, ownNumber]);
    const ctx = createServiceContext({ store, actor: localActor('test'), config: defaultServiceConfig(env) });
    await addUser(ctx, { email: 'admin@vigie.test', role: 'admin', password: PASSWORD });
    await addUser(ctx, { email: 'analyst@vigie.test', role: 'analyst', password: PASSWORD });
    await addUser(ctx, { email: 'client@vigie.test', role: 'analyst', client, password: PASSWORD });
    await addUser(ctx, { email: 'ops@presta.test', role: 'provider', provider, password: PASSWORD });
    await addUser(ctx, { email: 'limited@vigie.test', role: 'analyst', password: PASSWORD });
    analystKey = (await createKey(ctx, { name: 'script', role: 'analyst' })).key;
    dialerKey = (await createKey(ctx, { name: 'dialer', role: 'dialer', provider })).key;
  } finally {
    store.close();
  }

  server = await startServer({ db, env, port: 0, logLevel: 'silent' });
  sessions.admin = await sessionFor('admin@vigie.test');
  sessions.analyst = await sessionFor('analyst@vigie.test');
  sessions.clientAnalyst = await sessionFor('client@vigie.test');
  sessions.provider = await sessionFor('ops@presta.test');
}, 180_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('role × route', () => {
  const reads = [
    '/api/v1/overview',
    '/api/v1/numbers',
    '/api/v1/alerts',
    '/api/v1/violations',
    '/api/v1/calls',
    '/api/v1/ingests',
    '/api/v1/quarantine',
    '/api/v1/session',
  ];
  const expected: Record<Who, number> = {
    anonymous: 401,
    admin: 200,
    analyst: 200,
    clientAnalyst: 200,
    provider: 200,
    analystKey: 200,
    dialerKey: 403,
  };
  for (const path of reads) {
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      // A dialer's key may ask who it is; it reads nothing else.
      const want = path === '/api/v1/session' && who === 'dialerKey' ? 200 : status;
      it(`GET ${path} as ${who} → ${want}`, async () => {
        const response = await call(who, 'GET', path);
        expect(response.status).toBe(want);
        const body = (await response.json()) as { error?: { code: string; message: string } };
        if (want >= 400) expect(body.error?.code).toMatch(/^[A-Z_]+$/);
        else expect(body.error).toBeUndefined();
      });
    }
  }

  it('GET /api/v1/health needs no sign-in and says the database is readable', async () => {
    const response = await call('anonymous', 'GET', '/api/v1/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ database: 'readable' });
  });

  it('a number action: admin and analysts may, a provider user and a dialer key may not', async () => {
    const path = `/api/v1/numbers/${encodeURIComponent(ownNumber)}/actions`;
    const outcomes: Record<string, number> = {};
    for (const who of ['provider', 'dialerKey', 'anonymous'] as const) {
      outcomes[who] = (await call(who, 'POST', path, { action: 'suspend', reason: 'contrôle' })).status;
    }
    expect(outcomes).toEqual({ provider: 403, dialerKey: 403, anonymous: 401 });
    const suspended = await call('analyst', 'POST', path, { action: 'suspend', reason: 'contrôle' });
    expect(suspended.status).toBe(200);
    const resumed = await call('analystKey', 'POST', path, { action: 'resume', reason: 'fin du contrôle' });
    expect(resumed.status).toBe(200);
    const detail = (await (
      await call('admin', 'GET', `/api/v1/numbers/${encodeURIComponent(ownNumber)}`)
    ).json()) as { statusChanges?: { reason: string | null }[] };
    const reasons = JSON.stringify(detail);
    expect(reasons).toContain('contrôle');
    expect(reasons).toContain('fin du contrôle');
  });

  it('a provider user sees its own number, and gets 404 for another provider’s, however it is typed', async () => {
    expect((await call('provider', 'GET', `/api/v1/numbers/${encodeURIComponent(ownNumber)}`)).status).toBe(
      200,
    );
    const national = `0${otherNumber.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
    for (const typed of [otherNumber, national]) {
      const response = await call('provider', 'GET', `/api/v1/numbers/${encodeURIComponent(typed)}`);
      expect(response.status).toBe(404);
      expect(JSON.stringify(await response.json())).not.toContain(otherNumber);
    }
    expect((await call('admin', 'GET', `/api/v1/numbers/${encodeURIComponent(otherNumber)}`)).status).toBe(
      200,
    );
  });

  it('lists are limited to the provider’s scope: numbers and calls', async () => {
    const numbers = (await (await call('provider', 'GET', '/api/v1/numbers?limit=5000')).json()) as {
      items: { number: string; providers: string[] }[];
    };
    expect(numbers.items.length).toBeGreaterThan(0);
    for (const n of numbers.items) expect(n.providers).toContain(provider);
    expect(numbers.items.map((n) => n.number)).not.toContain(otherNumber);
    const all = (await (await call('admin', 'GET', '/api/v1/numbers?limit=5000')).json()) as {
      items: unknown[];
    };
    expect(all.items.length).toBeGreaterThan(numbers.items.length);
    const calls = (await (await call('provider', 'GET', '/api/v1/calls?limit=500')).json()) as {
      items: { provider: string }[];
    };
    expect(calls.items.length).toBeGreaterThan(0);
    for (const c of calls.items) expect(c.provider).toBe(provider);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request made with the session cookie but without the token', async () => {
    const path = `/api/v1/numbers/${encodeURIComponent(ownNumber)}/actions`;
    const response = await call('admin', 'POST', path, { action: 'rest', reason: 'x' }, { csrf: false });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CSRF');
    const wrong = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        cookie: sessions.admin?.cookie ?? '',
        'x-csrf-token': 'not-the-token',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: 'rest', reason: 'x' }),
    });
    expect(wrong.status).toBe(403);
  });

  it('a bearer key needs no CSRF token', async () => {
    const alerts = (await (await call('analystKey', 'GET', '/api/v1/alerts?limit=1')).json()) as {
      items: { id: number | string }[];
    };
    const alert = alerts.items[0];
    expect(alert).toBeDefined();
    const response = await call('analystKey', 'POST', `/api/v1/alerts/${alert?.id}/ack`, { note: 'vu' });
    expect(response.status).toBe(200);
  });
});

describe('escaping', () => {
  it('returns a hostile campaign name and hostile notes as data, and serves pages without them as markup', async () => {
    const number = (await (
      await call('admin', 'GET', `/api/v1/numbers/${encodeURIComponent(ownNumber)}`)
    ).json()) as object;
    expect(JSON.stringify(number)).toContain(JSON.stringify(XSS).slice(1, -1));
    const path = `/api/v1/numbers/${encodeURIComponent(ownNumber)}/actions`;
    const rested = await call('admin', 'POST', path, { action: 'rest', reason: XSS });
    expect(rested.status).toBe(200);
    expect(rested.headers.get('content-type')).toMatch(/^application\/json/);
    const page = await fetch(`${server.url}/numeros/${encodeURIComponent(ownNumber)}`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).not.toContain('onerror=alert');
  });

  it('the API reference page escapes what it shows and has no inline script', async () => {
    const page = await fetch(`${server.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe('errors', () => {
  it('validation errors name the field, in French by default and in English on request', async () => {
    const path = `/api/v1/numbers/${encodeURIComponent(ownNumber)}/actions`;
    const fr = await call('admin', 'POST', path, { action: 'explode' });
    expect(fr.status).toBe(400);
    const frBody = (await fr.json()) as { error: { code: string; message: string } };
    expect(frBody.error.code).toBe('VALIDATION');
    const en = await call('admin', 'POST', path, { action: 'explode' }, { language: 'en' });
    const enBody = (await en.json()) as { error: { message: string } };
    expect(enBody.error.message).not.toBe(frBody.error.message);
    expect(`${frBody.error.message} ${enBody.error.message}`).toMatch(/action/);
  });

  it('an unknown route, a bad number and malformed JSON: the right status, never a stack', async () => {
    const unknown = await call('admin', 'GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    const bad = await call('admin', 'GET', '/api/v1/numbers/not-a-number');
    expect([400, 404]).toContain(bad.status);
    const malformed = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(malformed.status).toBe(400);
    for (const response of [unknown, bad, malformed]) {
      const text = await response.text();
      expect(JSON.parse(text)).toHaveProperty('error.code');
      expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    }
  });
});

describe('sign-in', () => {
  it('rotates the session cookie at each sign-in and sets it HttpOnly, SameSite=Lax', async () => {
    const first = await signIn('analyst@vigie.test');
    const second = await signIn('analyst@vigie.test');
    const a = first.headers.get('set-cookie') ?? '';
    const b = second.headers.get('set-cookie') ?? '';
    expect(a).toMatch(/HttpOnly/i);
    expect(a).toMatch(/SameSite=Lax/i);
    expect(a.split(';')[0]).not.toBe(b.split(';')[0]);
  });

  it('a wrong password is refused without saying whether the account exists', async () => {
    const wrong = await signIn('analyst@vigie.test', 'pas le bon mot de passe');
    const nobody = await signIn('personne@vigie.test', 'pas le bon mot de passe');
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(await wrong.json()).toEqual(await nobody.json());
  });

  it('limits failed sign-ins per account: the right password is refused too once the limit is reached', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 10 && limited === undefined; i++) {
      const response = await signIn('limited@vigie.test', `faux ${i}`);
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(401);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn('limited@vigie.test')).status).toBe(429);
  });
});

describe('OpenAPI', () => {
  it('is a 3.1 document that describes every route the server registered', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    for (const route of server.routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {}).length).toBeGreaterThan(0);
    }
    for (const required of [
      'get /api/v1/numbers',
      'get /api/v1/numbers/{number}',
      'post /api/v1/numbers/{number}/actions',
      'get /api/v1/alerts',
      'post /api/v1/alerts/{id}/ack',
      'post /api/v1/alerts/{id}/resolve',
      'get /api/v1/violations',
      'get /api/v1/calls',
      'post /api/v1/ingests',
      'get /api/v1/ingests/{id}',
      'get /api/v1/quarantine',
      'get /api/v1/health',
    ]) {
      const [method = '', path = ''] = required.split(' ');
      expect(doc.paths[path]?.[method], required).toBeDefined();
    }
  });
});

describe('an internal fault', () => {
  it('is a 500 with a stable code and no stack trace, and the server goes on answering', async () => {
    // Break the database under the running server: the next overview cannot be computed.
    await server.store.run('ALTER TABLE reputation_days RENAME TO reputation_days_gone');
    const response = await call('admin', 'GET', '/api/v1/overview?asOf=2026-01-01');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(text).not.toMatch(/reputation_days|Catalog|\.ts:\d+|\.js:\d+/);
    await server.store.run('ALTER TABLE reputation_days_gone RENAME TO reputation_days');
    expect((await call('anonymous', 'GET', '/api/v1/health')).status).toBe(200);
  });
});
