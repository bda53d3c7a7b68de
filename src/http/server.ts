/**
 * `vigie serve`: one fastify server for the dashboard and the API, over one DuckDB store opened for the
 * server's life (a writer connection for actions and imports, a reader connection for the rest).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Environment } from '../config/env.ts';
import { DEFAULT_RULES, mergeRuleConfig, RuleConfigError } from '../law/rules.ts';
import { parseReputationConfig } from '../reputation/config.ts';
import { keyActor, sessionOf } from '../services/accounts.ts';
import {
  createServiceContext,
  defaultServiceConfig,
  localActor,
  newServiceState,
  type ServiceConfig,
  type ServiceContext,
} from '../services/context.ts';
import { UsageError } from '../shared/errors.ts';
import { openStore, type Row, type SqlParams, type Store } from '../store/store.ts';
import { DOCS_CSS, renderDocsPage } from './docs-page.ts';
import { HttpError, sendError } from './errors.ts';
import { buildOpenApi, type OpenApiDocument } from './openapi.ts';
import { addRoute, type RouteDeps, type RouteSpec } from './route.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerCallRoutes } from './routes/calls.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerIngestRoutes } from './routes/ingests.ts';
import { registerNumberRoutes } from './routes/numbers.ts';
import { registerOverviewRoutes } from './routes/overview.ts';
import { registerQuarantineRoutes } from './routes/quarantine.ts';
import { registerSessionRoutes, SESSION_COOKIE } from './routes/session.ts';
import { registerViolationRoutes } from './routes/violations.ts';
import { registerWeb, sendIndex } from './web.ts';

export const VERSION = '0.1.0';

/** The repository's dist/web, from src/http (tsx) or dist/http and dist/bundle (built). */
export const DEFAULT_WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

/** The Content-Security-Policy of every answer: nothing inline, nothing from elsewhere. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

export interface ServerOptions {
  readonly db: string;
  readonly env: Environment;
  readonly host?: string;
  readonly port?: number;
  readonly configFile?: string;
  readonly webDir?: string;
  readonly uploadsDir?: string;
  readonly maxFileBytes?: number;
  readonly clock?: () => Date;
  /** Fastify's log level (default `warn`, to standard error). */
  readonly logLevel?: string;
}

/** `--config FILE` (YAML or JSON): thresholds, rule table overrides, upload limits. */
const ConfigFile = z.object({
  reputation: z.unknown().optional(),
  rules: z.unknown().optional(),
  uploads: z
    .object({
      dir: z.string().optional(),
      maxFileMegabytes: z.number().positive().optional(),
      maxFiles: z.number().int().positive().optional(),
    })
    .optional(),
});
type ConfigFile = z.infer<typeof ConfigFile>;

export function loadServerConfig(
  env: Environment,
  file: string | undefined,
): { service: ServiceConfig; file: ConfigFile } {
  const base = defaultServiceConfig(env);
  if (file === undefined) return { service: base, file: {} };
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(`--config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = ConfigFile.safeParse(raw ?? {});
  if (!parsed.success)
    throw new UsageError(
      `--config ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  let reputation = base.reputation;
  if (parsed.data.reputation !== undefined) {
    const { config, issues } = parseReputationConfig(parsed.data.reputation);
    if (issues.length > 0) throw new UsageError(`--config ${file}: reputation: ${issues.join('; ')}`);
    reputation = config;
  }
  let rules = DEFAULT_RULES;
  if (parsed.data.rules !== undefined) {
    try {
      rules = mergeRuleConfig(DEFAULT_RULES, { rules: parsed.data.rules });
    } catch (error) {
      if (error instanceof RuleConfigError) throw new UsageError(`--config ${file}: rules: ${error.message}`);
      throw error;
    }
  }
  return { service: { ...base, reputation, rules }, file: parsed.data };
}

/** A second connection to the store's database, for reads: it sees what the writer has committed. */
async function readerOf(store: Store): Promise<Store> {
  const connection = await store.connect();
  const all = async <T extends Row>(sql: string, params?: SqlParams): Promise<T[]> =>
    (await connection.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
  return {
    path: store.path,
    readOnly: true,
    connection,
    run: async (sql, params) => {
      await connection.run(sql, params);
    },
    all,
    async one<T extends Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
      const rows: T[] = await all<T>(sql, params);
      return rows[0];
    },
    transaction: (work) => work(),
    connect: () => store.connect(),
    close: () => undefined,
  };
}

export interface BuiltServer {
  readonly app: FastifyInstance;
  readonly routes: readonly RouteSpec[];
  readonly context: ServiceContext;
  readonly openApi: () => OpenApiDocument;
}

/** The fastify app over an open store (tests and `startServer`). */
export async function buildServer(
  store: Store,
  options: Omit<ServerOptions, 'db' | 'host' | 'port'> & {
    service?: ServiceConfig;
    upload?: ConfigFile['uploads'];
  },
): Promise<BuiltServer> {
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const context = createServiceContext({
    store,
    reader: await readerOf(store),
    actor: { ...localActor('anonymous'), role: 'dialer', kind: 'key' },
    config: options.service ?? defaultServiceConfig(options.env),
    state: newServiceState(),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const app = Fastify({
    logger: { level: options.logLevel ?? 'warn', stream: process.stderr },
    bodyLimit: 1_048_576,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    hsts: false,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: options.maxFileBytes ?? options.upload?.maxFileMegabytes ?? 512 * 1_048_576,
      files: 20,
      fields: 20,
    },
  });
  app.decorateRequest('vigieAuth', null);
  app.addHook('onRequest', async (request, reply) => {
    request.vigieAuth = null;
    if (!request.url.startsWith('/api/')) return;
    try {
      const authorization = request.headers.authorization;
      if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) {
        const actor = await keyActor(context, authorization.replace(/^Bearer\s+/i, '').trim(), request.ip);
        request.vigieAuth = { actor, via: 'key' };
        return;
      }
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie === undefined || cookie === '') return;
      const session = await sessionOf(context, cookie, request.ip);
      if (session !== undefined)
        request.vigieAuth = {
          actor: session.actor,
          via: 'cookie',
          cookie,
          csrf: session.csrf,
          session: session.session,
        };
    } catch (error) {
      return sendError(request, reply, error);
    }
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    if (
      request.url.startsWith('/api/') ||
      request.url.startsWith('/assets/') ||
      (request.method !== 'GET' && request.method !== 'HEAD')
    )
      return sendError(request, reply, new HttpError('NOT_FOUND', 'introuvable', 'not found'));
    return sendIndex(reply, webDir);
  });

  const routes: RouteSpec[] = [];
  const deps: RouteDeps = { app, base: context, routes };
  registerHealthRoutes(deps);
  registerSessionRoutes(deps);
  registerOverviewRoutes(deps);
  registerNumberRoutes(deps);
  registerAlertRoutes(deps);
  registerViolationRoutes(deps);
  registerCallRoutes(deps);
  registerIngestRoutes(deps, {
    dir: options.uploadsDir ?? options.upload?.dir ?? join(dirname(store.path), 'uploads'),
    maxFileBytes: options.maxFileBytes ?? (options.upload?.maxFileMegabytes ?? 512) * 1_048_576,
    maxFiles: options.upload?.maxFiles ?? 20,
  });
  registerQuarantineRoutes(deps);
  let doc: OpenApiDocument | undefined;
  const openApi = () => {
    doc ??= buildOpenApi(routes, VERSION);
    return doc;
  };
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/openapi.json',
    tag: 'reference',
    summary: 'This OpenAPI 3.1 document',
    auth: 'none',
    responses: { 200: { description: 'the document', schema: { type: 'object' } } },
    handler: async () => openApi(),
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/docs',
    tag: 'reference',
    summary: 'The API reference, readable (HTML rendered from the OpenAPI document)',
    auth: 'none',
    responses: { 200: { description: 'an HTML page', contentType: 'text/html', schema: { type: 'string' } } },
    handler: async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(renderDocsPage(openApi())),
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/docs/style.css',
    tag: 'reference',
    summary: 'The style sheet of the reference page',
    auth: 'none',
    responses: { 200: { description: 'CSS', contentType: 'text/css', schema: { type: 'string' } } },
    handler: async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DOCS_CSS),
  });
  await registerWeb(app, webDir);
  return { app, routes, context, openApi };
}

export interface RunningServer extends BuiltServer {
  /** `http://127.0.0.1:PORT`, the real port when 0 was asked. */
  readonly url: string;
  readonly store: Store;
  /** Stops accepting, finishes the requests in flight, closes the database. */
  close(): Promise<void>;
}

/** Opens the database and listens (loopback by default; port 0: a free port). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { service, file } = loadServerConfig(options.env, options.configFile);
  const store = await openStore({ path: options.db });
  let built: BuiltServer;
  try {
    built = await buildServer(store, {
      ...options,
      service,
      ...(file.uploads === undefined ? {} : { upload: file.uploads }),
    });
    await built.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  } catch (error) {
    store.close();
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
      throw new UsageError(
        `le port ${options.port ?? 8080} est déjà pris / port ${options.port ?? 8080} is already in use: --port N (or 0 for any)`,
      );
    throw error;
  }
  const address = built.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
  const host = options.host ?? '127.0.0.1';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    ...built,
    url: `http://${shownHost}:${port}`,
    store,
    close() {
      closed ??= (async () => {
        await built.app.close();
        // Writes queued before the close end before the database does.
        await built.context.state.queue;
        store.close();
      })();
      return closed;
    },
  };
}
